package headless

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/report"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func jsonLine(t *testing.T, s engine.Snapshot) string {
	t.Helper()
	b, err := report.FromSnapshot(s).MarshalLine()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(b), "\n")
}

func TestWatchJSONPrintsOnlyChanges(t *testing.T) {
	a1 := intentSnap("1", pipeline.StatusPlaced, t0)
	b1 := intentSnap("2", pipeline.StatusPending, t0)
	// Round 2: A unchanged but observed later; B moved on.
	a2 := intentSnap("1", pipeline.StatusPlaced, t0.Add(interval))
	b2 := intentSnap("2", pipeline.StatusValidated, t0.Add(interval))
	// Round 3: nothing changed at all.
	a3 := intentSnap("1", pipeline.StatusPlaced, t0.Add(2*interval))
	b3 := intentSnap("2", pipeline.StatusValidated, t0.Add(2*interval))
	// Round 4: both end.
	a4 := intentSnap("1", pipeline.StatusCompleted, t0.Add(3*interval))
	b4 := intentSnap("2", pipeline.StatusCompleted, t0.Add(3*interval))

	rounds := []engine.Round{round(1, a1, b1), round(2, a2, b2), round(3, a3, b3), round(4, a4, b4)}
	h, code := runScript(t, context.Background(), rounds, nil, Options{Mode: JSON, ExitStatus: true})
	if code != ExitOK {
		t.Errorf("exit code %d, want %d", code, ExitOK)
	}
	want := []string{jsonLine(t, a1), jsonLine(t, b1), jsonLine(t, b2), jsonLine(t, a4), jsonLine(t, b4)}
	got := lines(h.stdout.String())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stdout:\n got %d lines:\n%s\nwant %d lines:\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
	}
	if h.script.polls != 4 {
		t.Errorf("polled %d times, want 4 (stop once every order ended)", h.script.polls)
	}
	for _, d := range h.tick.asked {
		if d != interval {
			t.Errorf("asked for a tick of %v, want only %v", d, interval)
		}
	}
	if len(h.tick.asked) != 3 {
		t.Errorf("waited %d times, want 3", len(h.tick.asked))
	}
	if h.stderr.Len() != 0 {
		t.Errorf("JSON watch should keep stderr quiet, got %q", h.stderr.String())
	}
}

func TestWatchJSONDiagnosisChangeIsAChange(t *testing.T) {
	a1 := intentSnap("1", pipeline.StatusPlaced, t0)
	a2 := intentSnap("1", pipeline.StatusPlaced, t0.Add(interval))
	a2.Diagnosis = []engine.Finding{{Code: "stuck_placed", Severity: engine.SevWarn, Message: "placed 15m ago"}}
	a3 := intentSnap("1", pipeline.StatusFailed, t0.Add(2*interval))
	h, code := runScript(t, context.Background(), []engine.Round{round(1, a1), round(2, a2), round(3, a3)}, nil, Options{Mode: JSON})
	if code != ExitOK {
		t.Errorf("without ExitStatus a failure exits %d, want %d", code, ExitOK)
	}
	if got := len(lines(h.stdout.String())); got != 3 {
		t.Errorf("printed %d lines, want 3:\n%s", got, h.stdout.String())
	}
}

func TestWatchPlainPrintsEventsAndSummary(t *testing.T) {
	tg := engine.Target{Kind: engine.KindIntent, ID: "1"}
	e1 := engine.Event{At: t0, Target: tg, Kind: engine.EventStageReached, To: "pending", Message: "stage pending reached"}
	e2 := engine.Event{At: t0.Add(interval), Target: tg, Kind: engine.EventStageReached, To: "validated", Message: "stage validated reached (+2s)"}
	e3 := engine.Event{At: t0.Add(2 * interval), Target: tg, Kind: engine.EventStageReached, To: "completed", Message: "stage completed reached"}

	r1 := round(1, intentSnap("1", pipeline.StatusPending, t0), kalshiSnap("K", kalshi.StatusExecuted, t0))
	r1.Events = []engine.Event{e1}
	r1.Note = "interval stretched to 4s"
	r2 := round(2, intentSnap("1", pipeline.StatusValidated, t0.Add(interval)), kalshiSnap("K", kalshi.StatusExecuted, t0.Add(interval)))
	r2.Events = []engine.Event{e2}
	r2.Note = r1.Note
	r3 := round(3, intentSnap("1", pipeline.StatusCompleted, t0.Add(2*interval)), kalshiSnap("K", kalshi.StatusExecuted, t0.Add(2*interval)))
	r3.Events = []engine.Event{e3}

	h, code := runScript(t, context.Background(), []engine.Round{r1, r2, r3}, nil, Options{ExitStatus: true})
	if code != ExitOK {
		t.Errorf("exit code %d, want %d", code, ExitOK)
	}
	want := []string{
		"14:00:00 UTC  intent:1  stage pending reached",
		"14:00:02 UTC  intent:1  stage validated reached (+2s)",
		"14:00:04 UTC  intent:1  stage completed reached",
		"2 orders: 2 completed",
	}
	if got := lines(h.stdout.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stdout:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantErr := "watching 2 orders every 2s (Ctrl+C to stop)\nnote: interval stretched to 4s\n"
	if got := h.stderr.String(); got != wantErr {
		t.Errorf("stderr:\n got %q\nwant %q", got, wantErr)
	}
	for _, l := range lines(h.stdout.String()) {
		if strings.ContainsAny(l, "\x1b\r\t") {
			t.Errorf("plain output holds a control character: %q", l)
		}
	}
}

func TestWatchSingularMessage(t *testing.T) {
	h, _ := runScript(t, context.Background(), []engine.Round{round(1, intentSnap("1", pipeline.StatusCompleted, t0))}, nil, Options{Interval: 90 * time.Second})
	if got, want := h.stderr.String(), "watching 1 order every 1m30s (Ctrl+C to stop)\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}

func TestWatchTimeout(t *testing.T) {
	open := intentSnap("1", pipeline.StatusPlaced, t0)
	stuck := open
	stuck.Diagnosis = []engine.Finding{{Code: "stuck_placed", Severity: engine.SevWarn, Message: "m"}}
	done := kalshiSnap("K", kalshi.StatusExecuted, t0)
	failed := intentSnap("2", pipeline.StatusFailed, t0)

	tests := []struct {
		name       string
		snaps      []engine.Snapshot
		exitStatus bool
		mode       Mode
		want       int
	}{
		{"in progress", []engine.Snapshot{stuck, done}, true, Plain, ExitInProgress},
		{"in progress without exit status", []engine.Snapshot{stuck, done}, false, Plain, ExitInProgress},
		{"json in progress", []engine.Snapshot{stuck}, false, JSON, ExitInProgress},
		{"failure beats in progress", []engine.Snapshot{stuck, failed}, true, Plain, ExitFailed},
		{"no exit status: failure and in progress", []engine.Snapshot{stuck, failed}, false, Plain, ExitInProgress},
		{"unknown beats all", []engine.Snapshot{stuck, failed, unreachable("9", t0)}, true, Plain, ExitUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, round(1, tt.snaps...))
			h.timeoutDuring(1)
			code := h.run(context.Background(), Options{Mode: tt.mode, ExitStatus: tt.exitStatus, Timeout: timeout})
			if code != tt.want {
				t.Errorf("exit code %d, want %d", code, tt.want)
			}
			if h.script.polls != 2 {
				t.Errorf("polled %d times, want 2 (the second cut short by the timeout)", h.script.polls)
			}
			if !strings.Contains(h.stderr.String(), "timed out after 10m0s\n") {
				t.Errorf("stderr should say it timed out: %q", h.stderr.String())
			}
			if tt.mode == Plain && !strings.Contains(h.stdout.String(), "in progress") {
				t.Errorf("want a summary on stdout, got %q", h.stdout.String())
			}
		})
	}
}

func TestWatchTimeoutAfterAllEndedIsFine(t *testing.T) {
	// The timeout fires during the very poll that sees every order end:
	// the orders ended, so nothing was cut short.
	done := intentSnap("1", pipeline.StatusCompleted, t0)
	h := newHarness(t, round(1, done))
	h.timeoutDuring(0)
	code := h.run(context.Background(), Options{ExitStatus: true, Timeout: timeout})
	if code != ExitOK {
		t.Errorf("exit code %d, want %d", code, ExitOK)
	}
	if strings.Contains(h.stderr.String(), "timed out") {
		t.Errorf("should not report a timeout: %q", h.stderr.String())
	}
}

func TestWatchCtrlC(t *testing.T) {
	for _, tt := range []struct {
		exitStatus bool
		want       int
	}{{false, ExitOK}, {true, ExitInProgress}} {
		ctx, interrupt := context.WithCancel(context.Background())
		hooks := map[int]func(context.Context){2: func(context.Context) { interrupt() }}
		open := intentSnap("1", pipeline.StatusPlaced, t0)
		h, code := runScript(t, ctx, []engine.Round{round(1, open)}, hooks, Options{ExitStatus: tt.exitStatus})
		interrupt()
		if code != tt.want {
			t.Errorf("ExitStatus=%v: exit code %d, want %d", tt.exitStatus, code, tt.want)
		}
		if h.script.polls != 3 {
			t.Errorf("polled %d times, want 3", h.script.polls)
		}
		if got, want := h.stdout.String(), "1 order: 1 in progress\n  intent:1  placed for 0s  as of 14:00:00 UTC\n"; got != want {
			t.Errorf("summary:\n got %q\nwant %q", got, want)
		}
	}
}

func TestWatchCtrlCWhileWaiting(t *testing.T) {
	// Ctrl+C between rounds: the watch must not wait for the next tick.
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	h := newHarness(t)
	wait := make(chan time.Time) // never fires
	src := source{
		poll: func(context.Context) engine.Round {
			return round(1, intentSnap("1", pipeline.StatusPlaced, t0))
		},
		count: func() int { return 1 },
	}
	opts := Options{
		Stdout: &h.stdout, Stderr: &h.stderr, Location: time.UTC, ExitStatus: true,
		Tick: func(time.Duration) <-chan time.Time { interrupt(); return wait },
	}
	if code := run(ctx, src, opts); code != ExitInProgress {
		t.Errorf("exit code %d, want %d", code, ExitInProgress)
	}
	if !strings.HasPrefix(h.stdout.String(), "1 order: 1 in progress") {
		t.Errorf("want a summary, got %q", h.stdout.String())
	}
}

func TestWatchUnknownState(t *testing.T) {
	never := unreachable("1", t0)

	halted := kalshiSnap("K", kalshi.StatusResting, t0)
	halted.Sources.Kalshi.Halted = true
	halted.Sources.Kalshi.Err = "401 Unauthorized"

	// Succeeded once, failing now: the last known state stands.
	flaky := intentSnap("2", pipeline.StatusPlaced, t0)
	flaky.Sources.Intent.Err = "timeout"

	// Finished orders do not need their sources any more.
	doneThenHalted := intentSnap("3", pipeline.StatusCompleted, t0)
	doneThenHalted.Sources.Intent.Halted = true

	// A Kalshi failure under an intent does not hide the intent's state.
	kalshiNever := intentSnap("4", pipeline.StatusPlaced, t0)
	kalshiNever.Sources.Kalshi = engine.SourceStatus{Used: true, Err: "503"}

	tests := []struct {
		name  string
		snaps []engine.Snapshot
		want  int
	}{
		{"never succeeded", []engine.Snapshot{never}, ExitUnknown},
		{"halted", []engine.Snapshot{halted}, ExitUnknown},
		{"failing after a success", []engine.Snapshot{flaky}, ExitInProgress},
		{"finished order, halted source", []engine.Snapshot{doneThenHalted}, ExitOK},
		{"kalshi never read under an intent", []engine.Snapshot{kalshiNever}, ExitInProgress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, round(1, tt.snaps...))
			h.timeoutDuring(1)
			if code := h.run(context.Background(), Options{Mode: JSON, ExitStatus: true, Timeout: timeout}); code != tt.want {
				t.Errorf("exit code %d, want %d", code, tt.want)
			}
		})
	}
	// Without ExitStatus, an unknown state is still 3.
	h := newHarness(t, round(1, never))
	h.timeoutDuring(1)
	if code := h.run(context.Background(), Options{Timeout: timeout}); code != ExitUnknown {
		t.Errorf("without ExitStatus: exit code %d, want %d", code, ExitUnknown)
	}
}

// A source that rejected the credentials is not asked again without the
// live screen's r, so a watch with nothing else to wait for must end
// rather than poll forever.
func TestWatchEndsWhenCredentialsAreRejected(t *testing.T) {
	halted := kalshiSnap("K", kalshi.StatusResting, t0)
	halted.Order = nil
	halted.Sources.Kalshi = engine.SourceStatus{Used: true, Halted: true, Err: "401 Unauthorized"}
	done := intentSnap("1", pipeline.StatusCompleted, t0)

	h := newHarness(t, round(1, halted, done))
	code := h.run(context.Background(), Options{Mode: JSON})
	if code != ExitUnknown {
		t.Errorf("exit code %d, want %d", code, ExitUnknown)
	}
	if h.script.polls != 1 {
		t.Errorf("polled %d times, want 1", h.script.polls)
	}
	if !strings.Contains(h.stderr.String(), "credentials were rejected") {
		t.Errorf("stderr does not say why the watch stopped: %q", h.stderr.String())
	}

	// An intent whose own service still answers keeps being watched when
	// only Kalshi is halted.
	kalshiHalted := intentSnap("2", pipeline.StatusPlaced, t0)
	kalshiHalted.Sources.Kalshi = engine.SourceStatus{Used: true, Halted: true, Err: "401 Unauthorized"}
	h = newHarness(t, round(1, kalshiHalted))
	h.timeoutDuring(2)
	if code := h.run(context.Background(), Options{Mode: JSON, Timeout: timeout}); code != ExitInProgress {
		t.Errorf("Kalshi halted under a live intent: exit code %d, want %d", code, ExitInProgress)
	}
}

type brokenPipe struct{ n int }

func (b *brokenPipe) Write(p []byte) (int, error) {
	b.n++
	return 0, errors.New("write |1: broken pipe")
}

func TestWatchStopsWhenStdoutCloses(t *testing.T) {
	open := intentSnap("1", pipeline.StatusPlaced, t0)
	var stderr strings.Builder
	bp := &brokenPipe{}
	s := &script{t: t, rounds: []engine.Round{round(1, open)}, cancel: func() {}}
	code := run(context.Background(), s.source(), Options{
		Mode: JSON, Stdout: bp, Stderr: &stderr, Tick: newTicker().tick, ExitStatus: true,
	})
	if s.polls != 1 {
		t.Errorf("polled %d times after stdout closed, want 1", s.polls)
	}
	if bp.n != 1 {
		t.Errorf("wrote %d times to a closed stdout, want 1", bp.n)
	}
	if code != ExitOutput {
		t.Errorf("exit code %d, want %d (output lost)", code, ExitOutput)
	}
	if strings.Count(stderr.String(), "cannot write output") != 1 {
		t.Errorf("stderr %q", stderr.String())
	}
}

// TestWatchPlainPrintsDiagnosisChanges: a plain watch says when a problem
// appears and when it clears, between the events and before the summary.
func TestWatchPlainPrintsDiagnosisChanges(t *testing.T) {
	snap := func(at time.Time, st pipeline.Status, fs ...engine.Finding) engine.Snapshot {
		s := intentSnap("1004", st, at)
		s.Diagnosis = fs
		return s
	}
	stuck := engine.Finding{Code: engine.CodeStuckValidated, Severity: engine.SevError,
		Message: "intent:1004 funds locked but no Kalshi order for 2m01s (threshold 2m)"}
	r1 := round(1, snap(t0, pipeline.StatusValidated))
	r2 := round(2, snap(t0.Add(interval), pipeline.StatusValidated, stuck))
	r3 := round(3, snap(t0.Add(2*interval), pipeline.StatusPlaced))
	r3.Events = []engine.Event{{At: t0.Add(2 * interval), Target: r3.Snapshots[0].Target, Kind: engine.EventStageReached, To: "placed", Message: "reached placed"}}
	r4 := round(4, snap(t0.Add(3*interval), pipeline.StatusCompleted))

	h, code := runScript(t, context.Background(), []engine.Round{r1, r2, r3, r4}, nil, Options{})
	if code != ExitOK {
		t.Errorf("exit code %d, want %d", code, ExitOK)
	}
	want := []string{
		"14:00:02 UTC  intent:1004  ✗ stuck_validated: funds locked but no Kalshi order for 2m01s (threshold 2m)",
		"14:00:04 UTC  intent:1004  reached placed",
		"14:00:04 UTC  intent:1004  ✓ stuck_validated cleared",
		"1 order: 1 completed",
	}
	if got := lines(h.stdout.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stdout:\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestWatchNotFound: an ID nobody knows ends a watch at once; with
// --exit-status it exits 5, without it 0, like a failed order.
func TestWatchNotFound(t *testing.T) {
	nf := engine.Snapshot{Target: engine.Target{Kind: engine.KindIntent, ID: "98765"}, ObservedAt: t0,
		Sources: engine.Sources{Intent: engine.SourceStatus{Used: true, NotFound: true, LastSuccess: t0}}}
	for _, exitStatus := range []bool{true, false} {
		h, code := runScript(t, context.Background(), []engine.Round{round(1, nf)}, nil, Options{ExitStatus: exitStatus})
		want := ExitOK
		if exitStatus {
			want = ExitNotFound
		}
		if code != want {
			t.Errorf("exit status %v: exit code %d, want %d", exitStatus, code, want)
		}
		if h.script.polls != 1 {
			t.Errorf("polled %d times; a not-found order should end the watch at once", h.script.polls)
		}
		if got := h.stdout.String(); !strings.Contains(got, "1 order: 1 not found\n  intent:98765  not found by the intent service") {
			t.Errorf("summary:\n%s", got)
		}
	}
}
