// Package web is the learner's way to the fake server: a Site makes
// Sessions (keep-alive HTTP clients that are not safe for concurrent use, on
// purpose, like a requests.Session shared between threads) and Clients
// (safe for concurrent use), and counts them, so the specs can tell how many
// sessions a learner's code made and whether it closed them.
package web
