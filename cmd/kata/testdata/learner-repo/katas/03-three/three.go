// Package three is a kata of the learner-repo fixture: one task.
package three

// Double returns 2*x.
func Double(x int) int {
	panic("Double is not implemented yet: see README, task 1")
}
