package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// The five kinds of order a support person meets, for the first-screen
// goldens.
var (
	tMismatch  = engine.Target{Kind: engine.KindIntent, ID: "1005"}
	tNotFound  = engine.Target{Kind: engine.KindIntent, ID: "98765"}
	tCompleted = engine.Target{Kind: engine.KindIntent, ID: "1001"}
)

// snapMismatch is an intent that still says placed while Kalshi canceled
// its order ten minutes ago.
func snapMismatch() engine.Snapshot {
	s := snapResting()
	s.Target = tMismatch
	in := *s.Intent
	in.ID, in.KalshiOrderStatus = tMismatch.ID, "resting"
	s.Intent = &in
	o := *s.Order
	o.Status, o.RemainingCount, o.LastUpdateReason = kalshi.StatusCanceled, dec("0"), "user requested"
	o.LastUpdateTime = ago_(10 * time.Minute)
	s.Order, s.QueueAhead, s.PrevQueueAhead = &o, nil, nil
	return s
}

// snapNotFound is an intent ID the intent service answers 404 for.
func snapNotFound() engine.Snapshot {
	ss := okSource(time.Second)
	ss.NotFound = true
	return engine.Snapshot{Target: tNotFound, ObservedAt: testNow, Sources: engine.Sources{Intent: ss}}
}

// snapCompleted is an intent that went all the way.
func snapCompleted() engine.Snapshot {
	s := snapResting()
	s.Target = tCompleted
	in := *s.Intent
	in.ID, in.Status, in.IsComplete = tCompleted.ID, pipeline.StatusCompleted, true
	in.OrderFilledAt, in.TxnFilledAt = ago_(time.Minute), ago_(50*time.Second)
	in.TxHash, in.ChainID = "0x9f3c2e71a4b8", 8453
	in.KalshiOrderStatus, in.KalshiFillCount = "executed", decp("10")
	s.Intent = &in
	o := *s.Order
	o.Status, o.FillCount, o.RemainingCount = kalshi.StatusExecuted, dec("10"), dec("0")
	o.MakerFillCost, o.LastUpdateTime = dec("5.60"), ago_(time.Minute)
	s.Order, s.QueueAhead, s.PrevQueueAhead = &o, nil, nil
	s.PeakStatus = pipeline.StatusCompleted
	return s
}

// firstScreenModel watches the five kinds, diagnosed as the engine would.
func firstScreenModel(w, h int) *Model {
	targets := []engine.Target{tResting, tStuck, tMismatch, tNotFound, tCompleted}
	fe := &fakeEngine{targets: targets}
	m := newModelWith(fe, Options{})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	r := engine.Round{Seq: 1, Finished: testNow, Health: fixtureRound(1).Health}
	for _, s := range []engine.Snapshot{snapResting(), snapStuck(), snapMismatch(), snapNotFound(), snapCompleted()} {
		r.Snapshots = append(r.Snapshots, diagnosed(s))
	}
	applyTestRound(m, r)
	return m
}

// TestFirstScreen: at every size from 60×20 up, the selected order's
// verdict and the first line of its worst finding are on the first screen,
// and the list marks exactly the orders that need attention. The goldens
// are reviewed screens; regenerate with go test ./ui/ -update.
func TestFirstScreen(t *testing.T) {
	kinds := []struct {
		name   string
		target engine.Target
		// code is the worst finding's code; "" for none.
		code string
	}{
		{"stuck", tStuck, engine.CodeStuckValidated},
		{"mismatched", tMismatch, engine.CodeSourceMismatch},
		{"not_found", tNotFound, engine.CodeNotFound},
		{"healthy", tResting, ""},
		{"completed", tCompleted, ""},
	}
	for _, size := range [][2]int{{120, 40}, {80, 24}, {60, 20}} {
		for _, k := range kinds {
			name := k.name + "_" + itoa(size[0]) + "x" + itoa(size[1])
			t.Run(name, func(t *testing.T) {
				m := firstScreenModel(size[0], size[1])
				selectTarget(m, k.target)
				checkFrame(t, m, size[0], size[1])
				view := screen(m)
				s := m.current().snap
				v := s.Verdict(testNow, testZone)
				// The verdict may wrap; its first words are on screen.
				head := textsafe.Truncate(v.String(), 30)
				head = strings.TrimSuffix(head, "…")
				if !strings.Contains(view, head) {
					t.Errorf("the verdict %q is not on the first screen:\n%s", v.String(), view)
				}
				if k.code != "" {
					f, _ := s.WorstFinding()
					if f.Code != k.code {
						t.Fatalf("worst finding %s, want %s", f.Code, k.code)
					}
					if !strings.Contains(view, v.Mark.Glyph()+" "+k.code) {
						t.Errorf("the worst finding %s is not on the first screen:\n%s", k.code, view)
					}
				}
				checkMarks(t, m, view)
				golden.RequireEqual(t, ansi.Strip(m.View().Content))
			})
		}
	}
}

// checkMarks fails unless every list row on screen shows its order's
// mark, and the title counts the marks of all the orders, errors,
// warnings and unknown IDs apart.
func checkMarks(t *testing.T, m *Model, view string) {
	t.Helper()
	lines := strings.Split(view, "\n")
	// The title bar, the list's top border and its header come first.
	for k := 0; k < m.listRows && m.listTop+k < len(m.visible); k++ {
		i := m.visible[m.listTop+k]
		sel := " "
		if i == m.selected {
			sel = GlyphSelected
		}
		want := "┃" + sel + " " + markOf(m.rows[i].snap).Glyph() + m.rows[i].cached().fitted.val.head
		if !strings.HasPrefix(lines[3+k], want) {
			t.Errorf("list row %d is %q, want it to start %q", k, lines[3+k], want)
		}
	}
	count := map[string]int{}
	for _, r := range m.rows {
		if mk := markOf(r.snap); mk.Attention() {
			count[mk.Glyph()]++
		}
	}
	title := lines[0]
	for _, g := range []string{GlyphFailed, GlyphWarn, GlyphNotFound} {
		if has := strings.Contains(title, g+" "+itoa(count[g])); has != (count[g] > 0) {
			t.Errorf("the title %q does not count %d %s", title, count[g], g)
		}
	}
}
