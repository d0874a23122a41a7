package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"ordermon/internal/engine"
)

// TestWideCharactersKeepBorders: a ticker and a market holding a ZWJ
// emoji sequence, CJK and right-to-left text, shown in the list, the
// detail and the events at three sizes: every line is exactly the
// terminal's width by the grapheme-aware measure lipgloss uses, and no
// joiner or selector reaches the terminal, so a terminal that draws each
// emoji on its own (tmux) agrees with that measure.
func TestWideCharactersKeepBorders(t *testing.T) {
	const ticker = "KX👨\u200d👩\u200d👧\u200d👦-東京-שלום-❤\ufe0f"
	for _, size := range [][2]int{{120, 40}, {80, 24}, {60, 20}} {
		t.Run(itoa(size[0])+"x"+itoa(size[1]), func(t *testing.T) {
			fe := &fakeEngine{targets: fixtureTargets()}
			m := newModelWith(fe, Options{})
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			r := fixtureRound(1)
			for i := range r.Snapshots {
				s := &r.Snapshots[i]
				if s.Order != nil {
					o := *s.Order
					o.Ticker = ticker
					s.Order = &o
				}
				if s.Market != nil {
					mk := *s.Market
					mk.Ticker, mk.Title, mk.YesSubTitle = ticker, "東京の天気 · מזג אוויר", "👩\u200d🚀 above 🇺🇸 ٢٠٢٦"
					s.Market = &mk
				}
				s.Diagnosis = []engine.Finding{{Code: engine.CodeStuckPlaced, Severity: engine.SevWarn,
					Message: "resting on " + ticker, Short: "东京 " + ticker}}
			}
			r.Events = append(r.Events, ev(tResting, 0, engine.EventKalshiStatus, "", "", "Kalshi "+ticker+" 東京 שלום"))
			applyTestRound(m, r)
			checkFrame(t, m, size[0], size[1])
			out := m.View().Content
			for _, bad := range []string{"\u200d", "\ufe0f"} {
				if strings.Contains(out, bad) {
					t.Errorf("the view holds %U", []rune(bad)[0])
				}
			}
			golden.RequireEqual(t, ansi.Strip(out))
		})
	}
}
