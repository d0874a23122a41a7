package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"ordermon/internal/demo"
	"ordermon/internal/engine"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// checked wraps the screen's model for TestDemoHeaderCountsMarkedRows:
// after every message it compares the header's counts with the marks in
// the list, inside the program's own goroutine, and reports each applied
// round so the test can wait for it.
type checked struct {
	m      *Model
	mu     sync.Mutex
	errs   []string
	marked int // the most rows ever marked at once
	rounds chan uint64
}

func (c *checked) Init() tea.Cmd { return c.m.Init() }

func (c *checked) View() tea.View { return c.m.View() }

func (c *checked) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := c.m.Update(msg)
	if c.m.width > 0 {
		n, err := headerMatchesMarks(ansi.Strip(c.m.View().Content))
		c.mu.Lock()
		c.marked = max(c.marked, n)
		if err != "" {
			c.errs = append(c.errs, fmt.Sprintf("after %T: %s", msg, err))
		}
		c.mu.Unlock()
	}
	if r, ok := msg.(roundMsg); ok {
		select {
		case c.rounds <- r.round.Seq:
		default:
		}
	}
	return c, cmd
}

// headerMatchesMarks reads a 120-column screen: the title's "✗ 2 · ⚠ 1 ·
// ? 1" against the glyphs that start the list's rows. It returns how
// many rows are marked, and what disagrees.
func headerMatchesMarks(view string) (int, string) {
	lines := strings.Split(view, "\n")
	shown := map[string]int{}
	marked := 0
	for _, l := range lines[3:] {
		row, ok := strings.CutPrefix(l, "┃")
		if !ok || len([]rune(row)) < 3 {
			break
		}
		g := string([]rune(row)[2])
		if g == GlyphFailed || g == GlyphWarn || g == GlyphNotFound {
			shown[g]++
			marked++
		}
	}
	title := lines[0]
	var bad []string
	for _, g := range []string{GlyphFailed, GlyphWarn, GlyphNotFound} {
		counted := 0
		if i := strings.Index(title, g+" "); i >= 0 {
			fmt.Sscanf(title[i+len(g)+1:], "%d", &counted)
		}
		if counted != shown[g] {
			bad = append(bad, fmt.Sprintf("the title counts %d %s, the list marks %d:\n%s", counted, g, shown[g], view))
		}
	}
	return marked, strings.Join(bad, "\n")
}

// TestDemoHeaderCountsMarkedRows runs the demo through the real engine
// under teatest, a story step at a time, and checks after every message
// the screen handles that the header's counts equal the rows the list
// marks.
func TestDemoHeaderCountsMarkedRows(t *testing.T) {
	w, err := demo.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	kc, err := kalshi.New(kalshi.Config{BaseURL: w.KalshiBaseURL, KeyID: w.KeyID, Key: w.Key})
	if err != nil {
		t.Fatal(err)
	}
	ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{BaseURL: w.PipelineURL, APIKey: w.APIKey,
		Token: func(context.Context) (string, error) { return w.Token, nil }})
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Kalshi: kc, Intents: ic, Interval: time.Hour, Location: time.UTC})
	for _, tg := range w.Targets {
		eng.Add(tg)
	}
	m := New(Options{Engine: eng, Interval: time.Hour, Location: time.UTC, Demo: true})
	c := &checked{m: &m, rounds: make(chan uint64, 1)}
	tm := teatest.NewTestModel(t, c, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))

	waitRound := func(step int) {
		t.Helper()
		select {
		case <-c.rounds:
		case <-time.After(15 * time.Second):
			t.Fatalf("step %d: no round within 15s", step)
		}
	}
	waitRound(0) // the first poll runs on start
	for step := 1; step <= 12; step++ {
		w.Advance()
		tm.Send(tea.KeyPressMsg{Code: 'r', Text: "r"})
		waitRound(step)
	}
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.errs {
		t.Error(e)
	}
	if c.marked == 0 {
		t.Error("the demo never marked an order: nothing was checked")
	}
}
