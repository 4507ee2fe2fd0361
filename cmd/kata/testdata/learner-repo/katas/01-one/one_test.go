package one_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/katas/01-one"
)

func TestOne(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Kata 01: one")
}

var _ = Describe("the suite", Label("harness"), func() {
	It("runs", func(SpecContext) {})
})

var _ = Describe("Task 1: Add", func() {
	It("adds", func(SpecContext) { Expect(one.Add(1, 2)).To(Equal(3)) })
})

var _ = Describe("Task 2: Mul", func() {
	It("multiplies", func(SpecContext) { Expect(one.Mul(2, 3)).To(Equal(6)) })
	It("multiplies by zero", func(SpecContext) { Expect(one.Mul(2, 0)).To(Equal(0)) })
})
