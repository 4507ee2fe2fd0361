// Package one is a kata of the learner-repo fixture: two tasks.
package one

// Add returns a+b.
func Add(a, b int) int {
	panic("Add is not implemented yet: see README, task 1")
}

// Mul returns a*b.
func Mul(a, b int) int {
	panic("Mul is not implemented yet: see README, task 2")
}
