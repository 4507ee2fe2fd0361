// Package two is a kata of the learner-repo fixture: one task.
package two

// Double returns 2*x.
func Double(x int) int {
	panic("Double is not implemented yet: see README, task 1")
}
