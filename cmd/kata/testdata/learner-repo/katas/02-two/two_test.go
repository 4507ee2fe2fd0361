package two_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/katas/02-two"
)

func Test(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Kata 02: two")
}

var _ = Describe("Task 1: Double", func() {
	It("doubles", func(SpecContext) { Expect(two.Double(4)).To(Equal(8)) })
})
