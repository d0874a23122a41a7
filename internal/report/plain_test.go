package report

import (
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

func TestLine(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	e := engine.Event{
		At:      t0.Add(2*time.Minute + 5*time.Second),
		Target:  engine.Target{Kind: engine.KindIntent, ID: "123"},
		Kind:    engine.EventStageReached,
		From:    "pending",
		To:      "validated",
		Message: "stage validated reached (+5s)",
	}
	tests := []struct {
		name string
		e    engine.Event
		loc  *time.Location
		want string
	}{
		{"utc", e, time.UTC, "14:02:05 UTC  intent:123  stage validated reached (+5s)"},
		{"nil location is UTC", e, nil, "14:02:05 UTC  intent:123  stage validated reached (+5s)"},
		{"zone", e, ny, "10:02:05 EDT  intent:123  stage validated reached (+5s)"},
		{"no message", engine.Event{At: t0, Target: engine.Target{Kind: engine.KindKalshi, ID: "O"}, Kind: engine.EventKalshiStatus, From: "resting", To: "executed"},
			time.UTC, "14:00:00 UTC  kalshi:O  kalshi status resting → executed"},
		{"no message, no from", engine.Event{At: t0, Target: engine.Target{Kind: engine.KindKalshi, ID: "O"}, Kind: engine.EventSourceFailed, To: "timeout"},
			time.UTC, "14:00:00 UTC  kalshi:O  source failed timeout"},
		{"unknown time", engine.Event{Target: engine.Target{ID: "x"}, Message: "m"}, time.UTC, "--:--:-- UTC  x  m"[:8] + "  x  m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.e, tt.loc); got != tt.want {
				t.Errorf("Line:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLineHostile(t *testing.T) {
	e := engine.Event{At: t0, Target: engine.Target{Kind: engine.KindIntent, ID: hostile}, Kind: engine.EventKind(hostile), From: hostile, To: hostile, Message: hostile}
	got := Line(e, time.UTC)
	assertTerminalSafe(t, got, false)
	if want := "14:00:00 UTC  intent:ABCDEF G  H  ABCDEF G  H"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e.Message = ""
	assertTerminalSafe(t, Line(e, time.UTC), false)
}

func TestSummary(t *testing.T) {
	done := kalshiOnlySnapshot()

	failed := placedSnapshot()
	fin := *failed.Intent
	fin.Status, fin.IsComplete, fin.TerminationReason = pipeline.StatusFailed, true, "insufficient balance"
	failed.Intent = &fin
	failed.Target.ID = "7"
	failed.Diagnosis = nil

	stuck := placedSnapshot()
	stuck.Target.ID = "9"
	stuck.Sources.Kalshi.Err = ""
	stuck.Diagnosis = []engine.Finding{
		{Code: "stuck_placed", Severity: engine.SevWarn, Message: "placed 4m ago"},
		{Code: "partial_fill", Severity: engine.SevInfo, Message: "3 of 10"},
	}

	unknown := engine.Snapshot{
		Target:     engine.Target{Kind: engine.KindIntent, ID: "11"},
		ObservedAt: t0,
		Sources:    engine.Sources{Intent: engine.SourceStatus{Used: true, Err: "503 Service Unavailable"}},
	}

	got := Summary([]engine.Snapshot{done, failed, stuck, unknown}, time.UTC)
	want := strings.Join([]string{
		"4 orders: 1 completed, 1 failed, 2 in progress",
		"  intent:7  failed: insufficient balance  kalshi error: kalshi: GET /portfolio/orders/ORD-1: timeout",
		"  intent:9  placed for 3m58s  stuck_placed  as of 14:04:05 UTC",
		"  intent:11  unknown  pipeline error: 503 Service Unavailable  as of 14:00:00 UTC",
	}, "\n")
	if got != want {
		t.Errorf("Summary:\n got %q\nwant %q", got, want)
	}

	if got, want := Summary([]engine.Snapshot{done}, nil), "1 order: 1 completed"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := Summary(nil, nil), "0 orders"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSummaryHostile(t *testing.T) {
	s := evilSnapshot()
	in := *s.Intent
	in.Status = pipeline.StatusFailed
	s.Intent = &in
	for _, snap := range []engine.Snapshot{s, evilSnapshot()} {
		out := Summary([]engine.Snapshot{snap}, time.UTC)
		assertTerminalSafe(t, out, true)
		if strings.Contains(out, "pwned") {
			t.Errorf("OSC payload reached output: %q", out)
		}
	}
}

func TestStatus(t *testing.T) {
	now := t0.Add(5 * time.Minute)
	got := Status(placedSnapshot(), time.UTC, now)
	want := strings.Join([]string{
		"intent:123  ● resting, 120 ahead at $0.56, 3/10 filled",
		"  stage:    placed for 4m53s",
		"  kalshi:   ORD-1  partially filled  3/10 filled, 7 remaining",
		"  price:    limit yes $0.56, average fill $0.56",
		"  fees:     taker $0.07, maker $0.00; fill cost $1.68; total $1.75",
		"  queue:    120 ahead at your price $0.56",
		"  market:   KXBTC-26MAR14-B100 active  yes bid $0.55 / ask $0.57",
		"  source:   kalshi error: kalshi: GET /portfolio/orders/ORD-1: timeout",
		"  info:     partial_fill: 3 of 10 contracts filled",
		"  observed: 14:04:05 UTC",
	}, "\n")
	if got != want {
		t.Errorf("Status:\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestStatusKalshiOnlyNoSide(t *testing.T) {
	s := kalshiOnlySnapshot()
	s.Market = &kalshi.Market{Ticker: "KXRAIN", Status: "closed", YesBid: dec("0.29"), YesAsk: dec("0.31"), NoBid: dec("0.69"), NoAsk: dec("0.71")}
	got := Status(s, time.UTC, t0)
	want := strings.Join([]string{
		"kalshi:ORD-2  ✓ executed: 5/5 filled at $0.70",
		"  stage:    executed  (succeeded)",
		"  kalshi:   ORD-2  executed  5/5 filled",
		"  price:    limit no $0.70, average fill $0.70",
		"  fees:     taker $0.02, maker $0.00; fill cost $3.50; total $3.52",
		"  market:   KXRAIN closed  no bid $0.69 / ask $0.71",
		"  observed: 14:00:00 UTC",
	}, "\n")
	if got != want {
		t.Errorf("Status:\n got:\n%s\nwant:\n%s", got, want)
	}
}

// TestStatusSaysWhyKalshiEnded: a Kalshi order that ended says why, in
// words, in its verdict and its kalshi line, and its event does too.
func TestStatusSaysWhyKalshiEnded(t *testing.T) {
	s := kalshiOnlySnapshot()
	o := *s.Order
	o.Status, o.LastUpdateReason, o.LastUpdateTime = kalshi.StatusCanceled, "SettlementBoundsCancel", t0
	o.FillCount, o.RemainingCount = dec("2"), dec("0")
	s.Order = &o
	got := Status(s, time.UTC, t0.Add(time.Minute))
	for _, want := range []string{
		"kalshi:ORD-2  ✗ canceled on Kalshi 14:00:00 UTC, settlement floor raised (SettlementBoundsCancel): 2/5 filled",
		"  kalshi:   ORD-2  canceled: settlement floor raised (SettlementBoundsCancel)  2/5 filled",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("Status lacks %q:\n%s", want, got)
		}
	}
	tr := engine.NewTracker()
	prev := kalshiOnlySnapshot()
	prev.Order.Status = kalshi.StatusResting
	tr.Observe(prev)
	var lines []string
	for _, e := range tr.Observe(s) {
		lines = append(lines, Line(e, time.UTC))
	}
	if joined := strings.Join(lines, "\n"); !strings.Contains(joined, " → canceled: settlement floor raised (SettlementBoundsCancel)") {
		t.Errorf("plain lines do not say why:\n%s", joined)
	}
}

func TestStatusIntentOnly(t *testing.T) {
	s := placedSnapshot()
	s.Order, s.Market, s.QueueAhead, s.Diagnosis = nil, nil, nil, nil
	in := *s.Intent
	in.Status, in.IsComplete = pipeline.StatusCompleted, true
	in.TxHash, in.ChainID = "0xabc", 8453
	s.Intent = &in
	s.Sources.Kalshi = engine.SourceStatus{}
	got := Status(s, time.UTC, t0)
	want := strings.Join([]string{
		"intent:123  ✓ completed 14:00:07 UTC: 3/10 filled",
		"  stage:    completed  (succeeded)",
		"  tx:       0xabc (chain 8453)",
		"  kalshi:   ORD-1  (not read yet)",
		"  observed: 14:04:05 UTC",
	}, "\n")
	if got != want {
		t.Errorf("Status:\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestStatusHostile(t *testing.T) {
	out := Status(evilSnapshot(), time.UTC, t0)
	assertTerminalSafe(t, out, true)
	if strings.Contains(out, "pwned") {
		t.Errorf("OSC payload reached output: %q", out)
	}
	if n := strings.Count(out, "\n"); n < 5 {
		t.Errorf("want one line per field, got %d lines", n+1)
	}
}

// TestSummaryCodesOnce: a code found twice is named once, and "failed" is
// not repeated after a stage that already says so.
func TestSummaryCodesOnce(t *testing.T) {
	s := placedSnapshot()
	s.Diagnosis = []engine.Finding{
		{Code: engine.CodeSourceMismatch, Severity: engine.SevError, Message: "a"},
		{Code: engine.CodeSourceMismatch, Severity: engine.SevError, Message: "b"},
		{Code: engine.CodeFailed, Severity: engine.SevError, Message: "c"},
	}
	got := Summary([]engine.Snapshot{s}, time.UTC)
	if strings.Count(got, "source_mismatch") != 1 || strings.Contains(got, " failed") {
		t.Errorf("summary:\n%s", got)
	}
}

// TestStatusMarksStaleFigures: a queue position and a market whose last
// reads failed keep their last values, each marked with its age and the
// error; fills never read say so on a line of their own; the JSON line
// carries the same words under errors.
func TestStatusMarksStaleFigures(t *testing.T) {
	now := t0.Add(5 * time.Minute)
	s := placedSnapshot()
	s.ObservedAt = now
	s.Figures.Queue = engine.Figure{At: now.Add(-40 * time.Second), Err: "500 Internal Server Error", ErrAt: now}
	s.Figures.Market = engine.Figure{At: now.Add(-2 * time.Minute), Err: "timed out", ErrAt: now}
	s.Figures.Fills = engine.Figure{Err: "429 Too Many Requests", ErrAt: now}
	got := Status(s, time.UTC, now)
	for _, want := range []string{
		"  queue:    120 ahead at your price $0.56  (stale 40s: 500 Internal Server Error)",
		"  market:   KXBTC-26MAR14-B100 active  yes bid $0.55 / ask $0.57  (stale 2m: timed out)",
		"  fills:    not read: 429 Too Many Requests",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("Status lacks %q:\n%s", want, got)
		}
	}
	errs := decodeLine(t, marshal(t, s))["errors"]
	compareJSON(t, "$.errors", errs, map[string]any{
		"kalshi": "kalshi: GET /portfolio/orders/ORD-1: timeout", "pipeline": nil,
		"queue": "stale since 2026-03-14T14:04:20Z: 500 Internal Server Error", "market": "stale since 2026-03-14T14:03:00Z: timed out",
		"fills": "not read: 429 Too Many Requests"})
	// A watch prints an order again only when its line changes: the
	// stale figure's entry must not change as the figure ages.
	older := s
	older.ObservedAt = now.Add(time.Minute)
	if a, b := string(marshal(t, s)), string(marshal(t, older)); strings.Count(a, "stale since") != 2 || a[strings.Index(a, `"errors"`):] != b[strings.Index(b, `"errors"`):] {
		t.Errorf("errors change as the figure ages:\n%s\n%s", a, b)
	}

	// Fresh figures say nothing more.
	s.Figures = engine.Figures{Queue: engine.Figure{At: now}, Market: engine.Figure{At: now}}
	if got := Status(s, time.UTC, now); strings.Contains(got, "stale") || strings.Contains(got, "fills:") {
		t.Errorf("fresh figures marked:\n%s", got)
	}
}
