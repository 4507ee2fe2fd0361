package fanout_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing/synctest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/concurrency-katas/go-katas/fakeserver"
	"github.com/concurrency-katas/go-katas/harness"
	"github.com/concurrency-katas/go-katas/katas/07-fan-out"
)

// wantSize is the size of the page a URL of fakeserver.SitesN names.
func wantSize(url string) int {
	if strings.Contains(url, fakeserver.SmallPath) {
		return fakeserver.SmallSize
	}
	return fakeserver.BigSize
}

// expectPagesByIndex checks that pages[i] is the downloaded page of urls[i].
func expectPagesByIndex(pages []fanout.Page, urls []string) {
	ExpectWithOffset(1, pages).To(HaveLen(len(urls)), "one Page per URL")
	for i, p := range pages {
		ExpectWithOffset(1, p.URL).To(Equal(urls[i]),
			"pages[%d] must be the page of urls[%d]: store each result at its URL's index (results[i] = ...), not in the order the downloads finished. See README, \"Results by index\"", i, i)
		ExpectWithOffset(1, p.Err).NotTo(HaveOccurred(), "pages[%d] (%s)", i, p.URL)
		ExpectWithOffset(1, p.Size).To(Equal(wantSize(p.URL)), "pages[%d].Size is the size of the body of %s", i, p.URL)
	}
}

// settledGoroutines lets every goroutine of the bubble run until it ends or
// blocks for good, and returns the stacks of those left. Only this bubble's:
// harness.BubbleGoroutines also lists the goroutines that an earlier spec's
// bubble left blocked for good, which would make one leak fail every spec
// after it with a wrong count.
func settledGoroutines() []string {
	synctest.Wait()
	mine := thisBubble()
	return slices.DeleteFunc(harness.BubbleGoroutines(), func(g string) bool {
		header, _, _ := strings.Cut(g, "\n")
		return !strings.Contains(header, mine+"]") && !strings.Contains(header, mine+",")
	})
}

// thisBubble returns "synctest bubble N", N being the bubble of the calling
// goroutine, as the runtime's stack dumps name it.
func thisBubble() string {
	buf := make([]byte, 1024)
	header, _, _ := strings.Cut(string(buf[:runtime.Stack(buf, false)]), "\n")
	_, id, ok := strings.Cut(header, "synctest bubble ")
	if !ok {
		Fail("settledGoroutines called outside harness.Virtual (a harness problem, not yours)")
	}
	end := strings.IndexFunc(id, func(r rune) bool { return r < '0' || r > '9' })
	return "synctest bubble " + id[:max(end, 0)]
}

// expectNoGoroutineLeft checks that the bubble is back to the goroutines it
// had before the run (baseline), and shows a leaked one if not.
func expectNoGoroutineLeft(baseline int) {
	left := settledGoroutines()
	msg := func() string {
		extra := ""
		for _, g := range left {
			if strings.Contains(g, "07-fan-out.") { // your package, not its _test package
				extra = "\nOne of them, blocked for good:\n" + g
				break
			}
		}
		if extra == "" && len(left) > 1 {
			extra = "\nOne of them:\n" + left[len(left)-1]
		}
		return fmt.Sprintf("Expected DownloadAll to leave no goroutine behind: the bubble had %d goroutines before the run\n"+
			"and %d after it (the client closed, every other goroutine run until it ended or blocked for good).\n"+
			"DownloadAll returned before its goroutines ended, and some of them can never end: usually\n"+
			"a goroutine sending its result on a channel that nobody reads any more after the first error.\n"+
			"Wait for every goroutine (sync.WaitGroup) and store results by index. See README, \"No goroutine left behind\".%s",
			baseline, len(left), extra)
	}
	ExpectWithOffset(1, len(left)).To(Equal(baseline), msg)
}
