// Package harness is the suite every kata's specs run in: RunSuite starts a
// Ginkgo suite with pinned timeouts and a per-spec leak check (goroutines,
// and child processes left behind), Virtual runs a body on virtual time with
// reports that name a deadlock or a leak, and SpecTimeout bounds one spec.
//
// Its sibling packages each have one job:
//
//   - web: the learner's HTTP client for the fake server (Site, Session,
//     Client, Call), the only harness package a learner's file imports for I/O;
//   - workload: the programs' work (SumOfSquares, Digest, LegacyLookup);
//   - match: Gomega matchers over what the fake server saw, whose failure
//     messages explain what went wrong;
//   - loop and proc: the reference event loop and process pool that later
//     katas build on;
//   - cputrace: what Go's execution tracer saw of the CPU work (how many
//     goroutines ran at the same moment);
//   - sitespec: the specs of DownloadSite, written once for the katas that
//     bring it (like testing/fstest.TestFS, a kata calls it with its own).
//
// Learners read these packages; they never need to edit them. Their shape
// follows Go's own test helpers (net/http/httptest, testing/fstest): small,
// documented types whose contracts say who closes what and what is safe for
// concurrent use.
package harness
