package ui

import (
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ordermon/internal/engine"
	"ordermon/pipeline"
)

// The fast width must agree with ansi.StringWidth on every string, or
// frames would be mis-padded. TestNarrowRunes checks every rune the fast
// path trusts; this checks the escapes and mixtures.
func FuzzCells(f *testing.F) {
	for _, s := range []string{"", "abc", "✓ ● ○ ✗ ▲ ▼ ⚠ ▸ ■", "\x1b[1;38;5;75mbold\x1b[m", "日本語", "e\u0301", "👍🏽", "a\x1b]0;t\x07b", "\x1b[", "┏━━┓ │ ░█", "\t\x00\x7f", "\xff\xfe", "a\u00adb", "◽◾", "\x1b[\xc4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cells(s), ansi.StringWidth(s); got != want {
			t.Fatalf("cells(%q) = %d, ansi.StringWidth = %d", s, got, want)
		}
	})
}

func TestNarrowRunes(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if narrow(r) {
			if w := ansi.StringWidth("a" + string(r) + "b"); w != 3 {
				t.Errorf("narrow(%U) but it is %d cells wide", r, w-2)
			}
		}
	}
}

// Whatever the servers send, every frame is exactly the terminal's size
// and carries no control character or escape of theirs.
func FuzzViewServerStrings(f *testing.F) {
	f.Add("KXBTCD-26MAR14-T98000", "$98,000 or above", "insufficient balance", "stuck_validated", "funds locked", "reached placed", "503 Service Unavailable", "placed")
	f.Add("\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "\u202eevil", "\x00\x01", "日本語テキスト日本語テキスト", "e\u0301\u0301\u0301", "\r\n\t", "executing")
	f.Add(strings.Repeat("W", 300), strings.Repeat("界", 100), strings.Repeat("long reason ", 50), "", "", "", "", "")
	f.Fuzz(func(t *testing.T, ticker, sub, reason, code, msg, event, errText, status string) {
		m, _ := newTestModel(120, 40)
		r := fixtureRound(2)
		for i := range r.Snapshots {
			s := &r.Snapshots[i]
			if s.Intent != nil {
				s.Intent.MarketID = ticker
				s.Intent.TerminationReason = reason
				s.Intent.Status = pipeline.Status(status)
			}
			if s.Order != nil {
				s.Order.Ticker = ticker
				s.Order.LastUpdateReason = reason
			}
			if s.Market != nil {
				s.Market.YesSubTitle, s.Market.NoSubTitle = sub, sub
			}
			s.Diagnosis = []engine.Finding{{Code: code, Severity: engine.SevError, Message: msg}}
			s.Sources.Kalshi.Err = errText
			r.Events = append(r.Events, engine.Event{At: testNow, Target: s.Target, Kind: engine.EventKind(event), From: event, To: event, Message: event})
		}
		r.Health.Kalshi.Err = errText
		r.Health.Intent.Err = errText
		r.Note = msg
		applyTestRound(m, r)
		for _, sz := range [][2]int{{120, 40}, {80, 24}} {
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			for i := range len(m.rows) {
				m.selected = i
				checkFrame(t, m, sz[0], sz[1])
				plain := ansi.Strip(m.View().Content)
				for _, c := range plain {
					if (c < 0x20 && c != '\n') || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) {
						t.Fatalf("frame carries control %U", c)
					}
				}
				if !utf8.ValidString(plain) {
					t.Fatal("frame is not valid UTF-8")
				}
				// The only escapes left are the screen's own SGR codes.
				if strings.Contains(m.View().Content, "\x1b]") || strings.Contains(m.View().Content, "\x1b[2J") {
					t.Fatal("frame carries a server escape")
				}
			}
		}
	})
}
