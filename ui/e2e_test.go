package ui_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline"
	"ordermon/pipeline/pipelinetest"
	"ordermon/ui"
)

// clock is the one clock the fakes, the clients and the engine share, so
// request signatures and stage ages agree without sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const e2eToken = "header.eyJzdWIiOiJ0ZXN0In0.sig"

// terminal is the program's output, as teatest/v2 keeps it (teatest is
// not in go.mod, so this is its few lines): every write is kept, and
// waiters wake on each write rather than polling.
type terminal struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{}
}

func newTerminal() *terminal { return &terminal{written: make(chan struct{}, 1)} }

func (w *terminal) Write(p []byte) (int, error) {
	w.mu.Lock()
	n, err := w.buf.Write(p)
	w.mu.Unlock()
	select {
	case w.written <- struct{}{}:
	default:
	}
	return n, err
}

// waitFor blocks until the output so far contains want.
func (w *terminal) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		w.mu.Lock()
		ok := bytes.Contains(w.buf.Bytes(), []byte(want))
		w.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-w.written:
		case <-deadline.C:
			w.mu.Lock()
			defer w.mu.Unlock()
			t.Fatalf("the screen never showed %q; output:\n%q", want, w.buf.String())
		}
	}
}

// TestLiveScreenEndToEnd runs the real program over the real engine,
// reading both fakes over loopback with signed requests. The screen
// starts, sees an intent move from pending to validated, then sees it
// placed on Kalshi with a partial fill, and quits with the terminal
// restored. Refreshes are driven with r (the timer is set far out), and
// each step waits for the window title, which the renderer always writes
// whole, unlike the cell-diffed screen.
func TestLiveScreenEndToEnd(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x := kalshitest.New(kalshitest.Options{Now: clk.Now})
	t.Cleanup(x.Close)
	x.AddKey("test-key", pub)
	svc := pipelinetest.New(pipelinetest.Options{Token: e2eToken, Now: clk.Now, Exchange: x})
	t.Cleanup(svc.Close)
	kc, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "test-key", Key: priv, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{
		BaseURL: svc.URL, Now: clk.Now,
		Token: func(context.Context) (string, error) { return e2eToken, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	eng := pipeline.NewEngine(pipeline.EngineConfig{Kalshi: kc, Intents: ic, Now: clk.Now, Interval: time.Hour})

	const kid = "c41d2e7a-1f3b-4c6d-8e9f-0a1b2c3d4e5f"
	svc.Script("77", pipelinetest.PartialFillInQueue(kid, "KXBTCD-T98500")...)
	eng.Add(pipeline.Target{Kind: pipeline.KindIntent, ID: "77"})

	m := ui.New(ui.Options{Engine: eng, Interval: time.Hour, Location: time.UTC, Now: clk.Now, Version: "e2e"})
	term := newTerminal()
	p := tea.NewProgram(&m,
		tea.WithInput(&bytes.Buffer{}), tea.WithOutput(term), tea.WithoutSignals(),
		tea.WithWindowSize(120, 40), tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	t.Cleanup(p.Kill)

	waitTitle := func(want string) {
		t.Helper()
		term.waitFor(t, want)
	}
	refresh := func() {
		clk.Add(5 * time.Second)
		p.Send(tea.KeyPressMsg{Code: 'r', Text: "r"})
	}

	// The first poll runs on start.
	waitTitle("ordermon · 77 pending\a")

	// A stage change.
	svc.Advance() // validated
	refresh()
	waitTitle("ordermon · 77 validated\a")

	// Placed on Kalshi, up the queue, and a partial fill.
	svc.Advance() // placed
	svc.Advance() // queue 30 ahead
	svc.Advance() // fill 3
	refresh()
	waitTitle("ordermon · 77 placed 3/10")
	if err := svc.Err(); err != nil {
		t.Fatal(err)
	}

	p.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("program ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end the program")
	}
	// Leaving the alternate screen is the terminal's restoration.
	term.waitFor(t, ansi.ResetModeAltScreenSaveCursor)
	final := &m

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
