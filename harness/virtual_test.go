package harness_test

import (
	"sync"
	"testing/synctest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/harness/match"
)

var _ = Describe("Virtual", func() {
	It("advances time exactly, and only when every goroutine is blocked", func(SpecContext) {
		realStart := time.Now()
		harness.Virtual(func() {
			start := time.Now()
			time.Sleep(3 * time.Second)
			Expect(time.Since(start)).To(Equal(3 * time.Second))

			var mu sync.Mutex
			var order []int
			var wg sync.WaitGroup
			for _, d := range []int{300, 100, 200} {
				wg.Go(func() {
					time.Sleep(time.Duration(d) * time.Millisecond)
					mu.Lock()
					order = append(order, d)
					mu.Unlock()
				})
			}
			wg.Wait()
			Expect(order).To(Equal([]int{100, 200, 300}))
			Expect(time.Since(start)).To(match.TakeExactly(3300 * time.Millisecond))

			busy := time.Now()
			for range 1_000_000 { // CPU work takes no virtual time
			}
			Expect(time.Since(busy)).To(BeZero())
		})
		Expect(time.Since(realStart)).To(BeNumerically("<", 3*time.Second), "virtual seconds cost no real seconds")
	}, SpecTimeout(harness.SpecTimeout))

	It("runs synctest.Wait inside the body", func(SpecContext) {
		harness.Virtual(func() {
			ch := make(chan int, 1)
			go func() { ch <- 1 }()
			synctest.Wait()
			Expect(ch).To(HaveLen(1))
		})
	}, SpecTimeout(harness.SpecTimeout))
})

var _ = Describe("BubbleGoroutines", func() {
	It("lists the goroutines of the running bubble only, and nothing outside one", func(SpecContext) {
		Expect(harness.BubbleGoroutines()).To(BeNil(), "outside a bubble")
		harness.Virtual(func() {
			base := len(harness.BubbleGoroutines())
			Expect(base).To(BeNumerically(">=", 1), "the caller's own goroutine is in the bubble")
			block := make(chan struct{})
			go func() { <-block }()
			synctest.Wait()
			gs := harness.BubbleGoroutines()
			Expect(gs).To(HaveLen(base + 1))
			Expect(gs).To(ContainElement(ContainSubstring("chan receive")))
			close(block)
			synctest.Wait()
			Expect(harness.BubbleGoroutines()).To(HaveLen(base))
		})
	}, SpecTimeout(harness.SpecTimeout))
})
