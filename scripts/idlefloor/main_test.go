package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseArgsTakesOrdermonsArguments(t *testing.T) {
	config, ids := parseArgs([]string{"--config", "c.toml", "--log", "x.log", "idle-k-00", "idle-i-01"})
	if config != "c.toml" || !slices.Equal(ids, []string{"idle-k-00", "idle-i-01"}) {
		t.Fatalf("config %q, ids %q", config, ids)
	}
}

// The clock mode must change what ordermon's clock changes, the header's
// time and every row's age, or the floor would draw less than ordermon.
func TestViewMovesTheClockAndEveryAge(t *testing.T) {
	start := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	now := start.Add(7 * time.Second)
	m := &model{
		lines: []string{
			"ordermon  50 watched     11:59:30 UTC",
			"┃▸ ● idle-k-00   resting   0/100      37s  ┃",
			"┃  ● idle-k-01   resting   0/100       9s  ┃",
		},
		start: start,
		now:   func() time.Time { return now },
	}
	if got := m.View().Content; got != strings.Join(m.lines, "\n") {
		t.Fatalf("static mode changed the frame:\n%s", got)
	}
	m.clock = true
	got := strings.Split(m.View().Content, "\n")
	want := []string{
		"ordermon  50 watched     12:00:07 UTC",
		"┃▸ ● idle-k-00   resting   0/100      07s  ┃",
		"┃  ● idle-k-01   resting   0/100       7s  ┃",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("clock mode drew\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// idlefakes hands out prefixed IDs; the reads mode must find the intents
// among them, or it would measure the queue read alone.
func TestIntentIDsReadsOrdermonsTargets(t *testing.T) {
	got, err := intentIDs([]string{"kalshi:idle-k-00", "intent:idle-i-00", "intent:idle-i-01"})
	if err != nil || !slices.Equal(got, []string{"idle-i-00", "idle-i-01"}) {
		t.Fatalf("intents %q, %v", got, err)
	}
	if _, err := intentIDs([]string{"kalshi:idle-k-00"}); err == nil {
		t.Fatal("no intent, no error")
	}
}
