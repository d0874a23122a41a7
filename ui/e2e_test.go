package ui_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"ordermon/internal/engine"
	"ordermon/pipeline/pipelinetest"
	"ordermon/pipeline/pipelinetest/testworld"
	"ordermon/ui"
)

// TestLiveScreenEndToEnd runs the real program over the real engine,
// reading both fakes over loopback with signed requests. The screen
// starts, sees an intent move from pending to validated, then sees it
// placed on Kalshi with a partial fill, and quits with the terminal
// restored. It runs under teatest/v2. Refreshes are driven with r (the
// timer is set far out), and each step waits for the window title, which
// the renderer always writes whole, unlike the cell-diffed screen.
func TestLiveScreenEndToEnd(t *testing.T) {
	pw := testworld.New(t)
	clk, svc := pw.Clock, pw.Service
	eng := engine.New(engine.Config{Kalshi: pw.Kalshi, Intents: pw.Intents, Now: clk.Now, Interval: time.Hour})

	const kid = "c41d2e7a-1f3b-4c6d-8e9f-0a1b2c3d4e5f"
	svc.Script("77", pipelinetest.PartialFillInQueue(kid, "KXBTCD-T98500")...)
	eng.Add(engine.Target{Kind: engine.KindIntent, ID: "77"})

	m := ui.New(ui.Options{Engine: eng, Interval: time.Hour, Location: time.UTC, Now: clk.Now, Version: "e2e"})
	tm := teatest.NewTestModel(t, &m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))

	waitFor := func(want string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	}
	refresh := func() {
		clk.Add(5 * time.Second)
		tm.Send(tea.KeyPressMsg{Code: 'r', Text: "r"})
	}

	// The first poll runs on start.
	waitFor("ordermon · 77 pending\a")

	// A stage change.
	svc.Advance() // validated
	refresh()
	waitFor("ordermon · 77 validated\a")

	// Placed on Kalshi, up the queue, and a partial fill.
	svc.Advance() // placed
	svc.Advance() // queue 30 ahead
	svc.Advance() // fill 3
	refresh()
	waitFor("ordermon · 77 placed 3/10")
	if err := svc.Err(); err != nil {
		t.Fatal(err)
	}

	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	// Leaving the alternate screen is the terminal's restoration.
	waitFor(ansi.ResetModeAltScreenSaveCursor)
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final, ok := tm.FinalModel(t).(*ui.Model)
	if !ok {
		t.Fatalf("final model %T", tm.FinalModel(t))
	}

	// The final model's screen: the log holds the stage change and the
	// fill, newest first.
	screen := ansi.Strip(final.View().Content)
	for _, want := range []string{"▸ ● 77", "placed", "partially filled", "3 filled · 7 left · 10 total", "reached validated"} {
		if !strings.Contains(screen, want) {
			t.Errorf("final screen lacks %q:\n%s", want, screen)
		}
	}
	if i, j := strings.Index(screen, "reached placed"), strings.Index(screen, "reached validated"); i < 0 || j < 0 || i > j {
		t.Errorf("event log not newest first:\n%s", screen)
	}
}
