package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestResizeToOneCellWithModalOpen: a terminal squeezed to 1×1 while the
// help, the add prompt or the filter prompt is open draws within its one
// cell, and grown back it shows the same screen as before, the prompt
// still open with what was typed.
func TestResizeToOneCellWithModalOpen(t *testing.T) {
	modals := []struct {
		name string
		open func(*Model)
		// still names what must be on screen after growing back.
		still string
	}{
		{"help", func(m *Model) { send(m, "?") }, "page down"},
		{"add", func(m *Model) { send(m, "a"); typeText(m, "intent:42") }, "add order ID: intent:42"},
		{"filter", func(m *Model) { send(m, "/"); typeText(m, "kxb") }, "/kxb"},
	}
	for _, md := range modals {
		t.Run(md.name, func(t *testing.T) {
			m, _ := newTestModel(120, 40)
			md.open(m)
			before := m.View().Content
			for _, size := range [][2]int{{1, 1}, {0, 0}, {1, 40}, {120, 1}, {2, 2}} {
				m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				out := m.View().Content
				if size[0] == 0 || size[1] == 0 {
					continue // not yet sized: a placeholder
				}
				lines := strings.Split(out, "\n")
				if len(lines) > size[1] {
					t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
				}
				for _, l := range lines {
					if w := ansi.StringWidth(l); w > size[0] {
						t.Errorf("%dx%d: a line %d cells wide: %q", size[0], size[1], w, ansi.Strip(l))
					}
				}
			}
			m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			checkFrame(t, m, 120, 40)
			if after := m.View().Content; after != before {
				t.Errorf("the screen changed after 1×1 and back:\nbefore:\n%s\nafter:\n%s", ansi.Strip(before), ansi.Strip(after))
			}
			mustContain(t, m, md.still)
		})
	}
}
