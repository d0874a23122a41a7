package report

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"ordermon/internal/engine"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

func placedEvents() []engine.Event {
	tg := engine.Target{Kind: engine.KindIntent, ID: "123"}
	return []engine.Event{
		{At: t0, Target: tg, Kind: engine.EventStageReached, To: "pending", Message: "stage pending reached"},
		{At: t0.Add(5 * time.Second), Target: tg, Kind: engine.EventStageReached, To: "validated", Message: "stage validated reached (+5s)"},
		{At: t0.Add(90 * time.Second), Target: tg, Kind: engine.EventFillCount, From: "0", To: "3.00", Message: "filled 3.00 of 10.00"},
		{At: t0.Add(5 * time.Second), Target: tg, Kind: engine.EventStageReached, To: "placed", Message: "stage placed reached (+2s)"},
	}
}

// The golden files are the reviewed reports; regenerate with
// go test ./report/ -run TestMarkdownGolden -update, then read the diff.
func TestMarkdownGolden(t *testing.T) {
	now := t0.Add(5 * time.Minute)

	failed := placedSnapshot()
	fin := *failed.Intent
	fin.Status, fin.IsComplete, fin.TerminationReason = pipeline.StatusFailed, true, "insufficient balance"
	failed.Intent = &fin
	failed.Order, failed.Market, failed.QueueAhead = nil, nil, nil
	failed.Diagnosis = []engine.Finding{{Code: "failed", Severity: engine.SevError, Message: "the intent failed at placed: insufficient balance"}}
	failed.Sources.Kalshi = engine.SourceStatus{Used: true, Halted: true, Err: "401 Unauthorized", LastAttempt: t0}

	completed := placedSnapshot()
	cin := *completed.Intent
	cin.Status, cin.IsComplete = pipeline.StatusCompleted, true
	cin.OrderFilledAt, cin.TxnFilledAt = t0.Add(2*time.Minute), t0.Add(2*time.Minute+9*time.Second)
	cin.TxHash, cin.ChainID = "0xfeed", 8453
	completed.Intent = &cin
	co := *completed.Order
	co.Status, co.FillCount, co.RemainingCount = kalshi.StatusExecuted, dec("10.00"), dec("0.00")
	co.TakerFillCost, co.ExpirationTime = dec("5.6000"), time.Time{}
	completed.Order = &co
	completed.QueueAhead = nil
	completed.Diagnosis = nil
	completed.Sources.Kalshi.Err = ""
	completed.Sources.Kalshi.Latency = 123456789 * time.Nanosecond

	resting := placedSnapshot()
	resting.PrevQueueAhead = ptr(dec("150.00"))
	resting.Sources.Intent.RetryAt = now.Add(30 * time.Second)
	resting.Sources.Intent.RateLimited = true

	unresolved := engine.Snapshot{
		Target:  engine.Target{Kind: engine.KindAuto, ID: "77"},
		Sources: engine.Sources{Intent: engine.SourceStatus{Used: true, Err: "503 Service Unavailable", LastAttempt: t0}},
	}

	kalshiOnly := kalshiOnlySnapshot()
	kalshiOnly.Order.Type = "market"
	kalshiOnly.Order.ExpirationTime = t0.Add(time.Hour)

	for name, tc := range map[string]struct {
		s      engine.Snapshot
		events []engine.Event
	}{
		"resting":     {resting, placedEvents()},
		"completed":   {completed, placedEvents()},
		"failed":      {failed, nil},
		"kalshi_only": {kalshiOnly, nil},
		"unresolved":  {unresolved, nil},
	} {
		t.Run(name, func(t *testing.T) {
			out := Markdown(tc.s, tc.events, time.UTC, now)
			assertTerminalSafe(t, out, true)
			assertTablesWellFormed(t, out)
			golden.RequireEqual(t, out)
		})
	}
}

func TestMarkdownNilParts(t *testing.T) {
	now := t0.Add(time.Minute)
	// An intent not placed yet: no Kalshi order, no market.
	s := placedSnapshot()
	in := *s.Intent
	in.Status, in.OrderPlacedAt, in.KalshiOrderID = pipeline.StatusValidated, time.Time{}, ""
	s.Intent, s.Order, s.Market, s.QueueAhead = &in, nil, nil, nil
	out := Markdown(s, nil, nil, now)
	for _, want := range []string{
		"**Kalshi order ID:** —",
		"| validated | 2026-03-14 14:00:05 | +5s | ● 55s |",
		"| placed |  |  | ○ |",
		"No Kalshi order yet: the intent has not been placed.",
		"**Market:** KXBTC-26MAR14-B100  \n",
		"**Limit price:** $0.56 (intent)",
		"No events observed.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}

	// A Kalshi order whose market was not read.
	s = kalshiOnlySnapshot()
	out = Markdown(s, nil, nil, now)
	for _, want := range []string{
		"Intent: none, a Kalshi order watched on its own.",
		"| Best bid / ask vs limit | — (market not read) vs limit $0.70 |",
		"**Intent ID:** none, a Kalshi order watched on its own",
		"| Intent service | — | — | not used for this order |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}

	// Nothing at all.
	out = Markdown(engine.Snapshot{Target: engine.Target{Kind: engine.KindIntent, ID: "5"}}, nil, nil, time.Time{})
	for _, want := range []string{
		"# Order intent:5\n",
		"**Intent ID:** the intent service has not answered yet",
		"Intent: the intent service has not answered yet.",
		"Kalshi has not answered yet.",
		"_Observed —; report written —._",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestMarkdownZoneInHeaders(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// t0 is 2026-03-14 (EDT); a stage on 2026-03-07 was still EST.
	s := placedSnapshot()
	in := *s.Intent
	in.CreatedAt = time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC)
	s.Intent = &in
	out := Markdown(s, nil, ny, t0)
	for _, want := range []string{
		"| Stage | Reached at (EDT) | +since prev | State |",
		"| pending | 2026-03-07 07:00:00 EST |  | ✓ |",
		"| validated | 2026-03-14 10:00:05 | +", // validated follows in EDT, no zone
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestMarkdownHostile(t *testing.T) {
	s := evilSnapshot()
	events := []engine.Event{{At: t0, Target: s.Target, Kind: engine.EventKind(hostile), From: hostile, To: hostile, Message: hostile}}
	out := Markdown(s, events, time.UTC, t0)
	assertTerminalSafe(t, out, true)
	assertTablesWellFormed(t, out)
	if strings.Contains(out, "pwned") {
		t.Errorf("OSC payload reached the report:\n%s", out)
	}
}

func TestMarkdownEscapesStructure(t *testing.T) {
	const nasty = "# x | y `code` *b* _i_ [l](http://e) <b>&amp; ~s~ \\"
	s := placedSnapshot()
	in := *s.Intent
	in.TerminationReason = nasty
	in.Status = pipeline.StatusFailed
	s.Intent = &in
	o := *s.Order
	o.Ticker, o.OrderID = nasty, "-1"
	s.Order = &o
	s.Market = nil
	s.Diagnosis = []engine.Finding{{Code: "a|b", Severity: engine.SevWarn, Message: nasty}}
	out := Markdown(s, []engine.Event{{At: t0, Message: nasty}}, time.UTC, t0)
	assertTablesWellFormed(t, out)
	const escaped = `\# x \| y \` + "`" + `code\` + "`" + ` \*b\* \_i\_ \[l\](http://e) \<b\>\&amp; \~s\~ \\`
	for _, want := range []string{
		"**Termination reason:** " + escaped + "\n",
		"**Market:** " + escaped + "  \n",
		"**Kalshi order ID:** \\-1  \n",
		"| warn | a\\|b | " + escaped + " |",
		"| 2026-03-14 14:00:00 | " + escaped + " |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "# Order ") && !strings.HasPrefix(line, "## ") {
			t.Errorf("server text started a heading: %q", line)
		}
	}
}

// unescapedPipe finds a "|" not preceded by a backslash.
var unescapedPipe = regexp.MustCompile(`(^|[^\\])\|`)

// assertTablesWellFormed checks every table row has as many cells as its
// header, so no server string split a cell.
func assertTablesWellFormed(t *testing.T, out string) {
	t.Helper()
	want := -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		n := len(unescapedPipe.FindAllStringIndex(line, -1))
		// FindAll does not overlap, so count "||" by hand.
		n += strings.Count(line, "||")
		if want < 0 {
			want = n
			continue
		}
		if n != want {
			t.Errorf("table row has %d cell borders, header has %d: %q", n, want, line)
		}
	}
}

// FuzzRenderers puts arbitrary text in server strings and checks that no
// renderer lets a control reach the output or breaks a Markdown table.
func FuzzRenderers(f *testing.F) {
	f.Add(hostile)
	f.Add("| # `x` \\")
	f.Add("\xff\xfe\u009b1m")
	f.Fuzz(func(t *testing.T, text string) {
		s := placedSnapshot()
		in := *s.Intent
		in.TerminationReason, in.Status, in.MarketID = text, pipeline.Status(text), text
		s.Intent = &in
		o := *s.Order
		o.Ticker, o.OrderID, o.Status, o.OutcomeSide = text, text, kalshi.OrderStatus(text), text
		s.Order = &o
		s.Sources.Kalshi.Err = text
		s.Diagnosis = []engine.Finding{{Code: text, Message: text}}
		ev := []engine.Event{{At: t0, Target: engine.Target{ID: text}, Kind: engine.EventKind(text), Message: text}}

		md := Markdown(s, ev, time.UTC, t0)
		assertTerminalSafe(t, md, true)
		assertTablesWellFormed(t, md)
		assertTerminalSafe(t, Status(s, time.UTC, t0), true)
		assertTerminalSafe(t, Summary([]engine.Snapshot{s}, time.UTC), true)
		line := Line(ev[0], time.UTC)
		assertTerminalSafe(t, line, false)
	})
}

// TestMarkdownMarksStaleFigures: the export, like the screen, says which
// figures are older than the order because their own reads failed.
func TestMarkdownMarksStaleFigures(t *testing.T) {
	s := placedSnapshot()
	s.ObservedAt = t0.Add(time.Minute)
	s.Figures.Market = engine.Figure{At: t0, Err: "500 Internal Server Error", ErrAt: s.ObservedAt}
	out := Markdown(s, nil, nil, s.ObservedAt)
	if want := "| Market read | ⚠ stale 1m: 500 Internal Server Error |\n"; !strings.Contains(out, want) {
		t.Errorf("export lacks %q:\n%s", want, out)
	}
	if strings.Contains(out, "Queue position read") || strings.Contains(out, "Fills read") {
		t.Errorf("fresh figures marked:\n%s", out)
	}
}
