package main

import "testing"

// Helpers the tests of the kata tool share: the repository they run in,
// a small repository of their own in a temporary folder, the tool run in
// process, and what its output must hold.

// thisRepo returns the root of the repository the tests run in.
func thisRepo(t *testing.T) string {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// thisRepoKatas returns the root of the repository the tests run in and
// its katas.
func thisRepoKatas(t *testing.T) (string, []kata) {
	t.Helper()
	root := thisRepo(t)
	katas, err := discoverKatas(root)
	if err != nil {
		t.Fatal(err)
	}
	return root, katas
}
