package three_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/katas/03-three"
)

func Test(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Kata 03: three")
}

var _ = Describe("Task 1: Double", func() {
	It("doubles", func(SpecContext) { Expect(three.Double(4)).To(Equal(8)) })
})
