// Package harness is what every kata's specs share: the suite bootstrap with
// its per-spec leak check and timeouts, the Session that learner code uses
// to reach the fake server, the workloads of the original programs, virtual
// time, and matchers whose failure messages explain what went wrong.
//
// Learners read this package; they never need to edit it. Its shape follows
// Go's own test helpers (net/http/httptest, testing/fstest): small, documented
// types whose contracts say who closes what and what is safe for concurrent
// use.
package harness
