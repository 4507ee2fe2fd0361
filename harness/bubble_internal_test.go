package harness

import "testing"

func TestBubbleOf(t *testing.T) {
	cases := map[string]string{
		"goroutine 9 [chan send (durable), synctest bubble 12]:\nmain.f()": "synctest bubble 12",
		"goroutine 3 [running, synctest bubble 1]:\n":                      "synctest bubble 1",
		"goroutine 7 [select]:\nmain.g()":                                  "",
		"":                                                                 "",
	}
	for dump, want := range cases {
		if got := bubbleOf([]byte(dump)); got != want {
			t.Errorf("bubbleOf(%q) = %q, want %q", dump, got, want)
		}
	}
}
