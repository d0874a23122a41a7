package headless

import (
	"context"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/report"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

func TestOnceJSONPrintsOneLinePerOrder(t *testing.T) {
	a := intentSnap("1", pipeline.StatusPlaced, t0)
	b := kalshiSnap("K", kalshi.StatusExecuted, t0)
	h, code := runScript(t, context.Background(), []engine.Round{round(1, a, b)}, nil, Options{Mode: Once | JSON})
	if code != ExitOK {
		t.Errorf("exit code %d, want %d", code, ExitOK)
	}
	if h.script.polls != 1 {
		t.Errorf("polled %d times, want 1", h.script.polls)
	}
	var want strings.Builder
	for _, s := range []engine.Snapshot{a, b} {
		line, err := report.FromSnapshot(s).MarshalLine()
		if err != nil {
			t.Fatal(err)
		}
		want.Write(line)
	}
	if got := h.stdout.String(); got != want.String() {
		t.Errorf("stdout:\n got %s\nwant %s", got, want.String())
	}
	if h.stderr.Len() != 0 {
		t.Errorf("stderr should be empty, got %q", h.stderr.String())
	}
	if len(h.tick.asked) != 0 {
		t.Errorf("--once should not wait, asked ticks %v", h.tick.asked)
	}
}

func TestOncePlainPrintsStatusBlocks(t *testing.T) {
	a := intentSnap("1", pipeline.StatusPlaced, t0)
	b := kalshiSnap("K", kalshi.StatusResting, t0)
	r := round(1, a, b)
	r.Note = "interval stretched to 4s"
	h, code := runScript(t, context.Background(), []engine.Round{r}, nil, Options{Mode: Once})
	if code != ExitOK {
		t.Errorf("exit code %d, want %d", code, ExitOK)
	}
	now := t0.Add(5 * time.Minute)
	want := report.Status(a, nil, now) + "\n\n" + report.Status(b, nil, now) + "\n"
	if got := h.stdout.String(); got != want {
		t.Errorf("stdout:\n got %q\nwant %q", got, want)
	}
	if got := h.stderr.String(); got != "note: interval stretched to 4s\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestOnceExitCodes(t *testing.T) {
	done := intentSnap("1", pipeline.StatusCompleted, t0)
	failed := intentSnap("2", pipeline.StatusFailed, t0)
	open := intentSnap("3", pipeline.StatusPlaced, t0)
	kDone := kalshiSnap("K1", kalshi.StatusExecuted, t0)
	kCanceled := kalshiSnap("K2", kalshi.StatusCanceled, t0)
	down := unreachable("4", t0)

	notFound := kalshiSnap("K3", kalshi.StatusResting, t0)
	notFound.Order = nil
	notFound.Sources.Kalshi = engine.SourceStatus{Used: true, NotFound: true, LastAttempt: t0}

	unauthorized := kalshiSnap("K4", kalshi.StatusResting, t0)
	unauthorized.Order = nil
	unauthorized.Sources.Kalshi = engine.SourceStatus{Used: true, Halted: true, Err: "401 Unauthorized", LastAttempt: t0}

	// An intent is known even when Kalshi cannot be read.
	kalshiDown := intentSnap("5", pipeline.StatusPlaced, t0)
	kalshiDown.Sources.Kalshi = engine.SourceStatus{Used: true, Halted: true, Err: "401 Unauthorized"}

	// Complete, but not in a status that means success.
	oddEnd := intentSnap("6", "executing", t0)
	oddEnd.Intent.IsComplete = true

	tests := []struct {
		name       string
		snaps      []engine.Snapshot
		exitStatus bool
		want       int
	}{
		{"all succeeded", []engine.Snapshot{done, kDone}, true, ExitOK},
		{"intent failed", []engine.Snapshot{done, failed}, true, ExitFailed},
		{"kalshi-only canceled", []engine.Snapshot{kCanceled}, true, ExitFailed},
		{"complete without success", []engine.Snapshot{oddEnd}, true, ExitFailed},
		{"in progress", []engine.Snapshot{done, open}, true, ExitInProgress},
		{"failure beats in progress", []engine.Snapshot{open, failed}, true, ExitFailed},
		{"unknown beats failure", []engine.Snapshot{failed, down}, true, ExitUnknown},
		{"kalshi order not found", []engine.Snapshot{notFound}, true, ExitNotFound},
		{"not found without exit status", []engine.Snapshot{notFound}, false, ExitNotFound},
		{"unknown beats not found", []engine.Snapshot{notFound, down}, true, ExitUnknown},
		{"not found beats failure", []engine.Snapshot{failed, notFound, open}, true, ExitNotFound},
		{"credentials rejected", []engine.Snapshot{unauthorized}, false, ExitUnknown},
		{"kalshi down under a known intent", []engine.Snapshot{kalshiDown}, true, ExitInProgress},
		{"no exit status: failure is fine", []engine.Snapshot{failed, open}, false, ExitOK},
		{"no exit status: unknown still 3", []engine.Snapshot{done, down}, false, ExitUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []Mode{Once, Once | JSON} {
				_, code := runScript(t, context.Background(), []engine.Round{round(1, tt.snaps...)}, nil, Options{Mode: mode, ExitStatus: tt.exitStatus})
				if code != tt.want {
					t.Errorf("mode %d: exit code %d, want %d", mode, code, tt.want)
				}
			}
		})
	}
}

func TestOnceMissingSnapshotIsUnknown(t *testing.T) {
	h := &harness{tick: newTicker()}
	src := source{
		poll:  func(context.Context) engine.Round { return engine.Round{} },
		count: func() int { return 2 },
	}
	code := run(context.Background(), src, Options{Mode: Once | JSON, Stdout: &h.stdout, Tick: h.tick.tick})
	if code != ExitUnknown {
		t.Errorf("exit code %d, want %d", code, ExitUnknown)
	}
}

func TestRunWithoutEngine(t *testing.T) {
	var stderr strings.Builder
	if code := Run(context.Background(), nil, Options{Stderr: &stderr}); code != ExitUnknown {
		t.Errorf("exit code %d, want %d", code, ExitUnknown)
	}
	if stderr.Len() == 0 {
		t.Error("want a message on stderr")
	}
}

// pending is a Kalshi-only order that no source has answered yet: the
// budget deferred it.
func pending(id string) engine.Snapshot {
	s := kalshiSnap(id, kalshi.StatusExecuted, t0)
	s.Order, s.Sources.Kalshi = nil, engine.SourceStatus{Used: true}
	return s
}

// TestOnceWaitsForEveryOrder: an order the first round could not afford is
// read by a later round, an interval later, before anything is printed;
// no order is printed as a silent null.
func TestOnceWaitsForEveryOrder(t *testing.T) {
	a := kalshiSnap("K1", kalshi.StatusExecuted, t0)
	h, code := runScript(t, context.Background(), []engine.Round{
		round(1, a, pending("K2")),
		round(2, a, pending("K2")),
		round(3, a, kalshiSnap("K2", kalshi.StatusExecuted, t0)),
	}, nil, Options{Mode: Once | JSON, ExitStatus: true})
	if code != ExitOK || h.script.polls != 3 {
		t.Errorf("exit code %d after %d polls; want %d after 3", code, h.script.polls, ExitOK)
	}
	if len(h.tick.asked) != 2 || h.tick.asked[0] != interval {
		t.Errorf("waited %v between rounds; want two intervals", h.tick.asked)
	}
	if out := h.stdout.String(); strings.Count(out, "\n") != 2 || strings.Count(out, `"kalshi":{`) != 2 {
		t.Errorf("stdout %s", out)
	}
}

// TestOnceInterrupted: Ctrl+C during a round that hangs ends --once at
// once, prints what it has, marks the unanswered order "interrupted" in
// JSON and in plain text, and returns ExitInterrupted.
func TestOnceInterrupted(t *testing.T) {
	for _, mode := range []Mode{Once | JSON, Once} {
		ctx, cancel := context.WithCancel(context.Background())
		a := kalshiSnap("K1", kalshi.StatusExecuted, t0)
		hooks := map[int]func(context.Context){1: func(context.Context) { cancel() }}
		h, code := runScript(t, ctx, []engine.Round{round(1, a, pending("K2")), round(2, a, pending("K2"))}, hooks, Options{Mode: mode})
		cancel()
		if code != ExitInterrupted {
			t.Errorf("mode %d: exit code %d, want %d", mode, code, ExitInterrupted)
		}
		out := h.stdout.String()
		if mode&JSON != 0 {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 2 || !strings.Contains(lines[1], `"kalshi":"interrupted"`) || strings.Contains(lines[0], "interrupted") {
				t.Errorf("JSON output:\n%s", out)
			}
		} else if blocks := strings.Split(strings.TrimSpace(out), "\n\n"); len(blocks) != 2 ||
			strings.Contains(blocks[0], Interrupted) || !strings.Contains(blocks[1], Interrupted) {
			t.Errorf("plain output does not mark the one unread order, and only it, interrupted:\n%s", out)
		}
		if !strings.Contains(h.stderr.String(), "interrupted") {
			t.Errorf("stderr %q", h.stderr.String())
		}
	}
}
