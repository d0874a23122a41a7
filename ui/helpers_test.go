package ui

import (
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ordermon/internal/engine"
)

// drain runs cmd and every command it batches or sequences, and returns
// the messages they produce, in order. Timers in tests are immediate, so
// nothing here waits.
func drain(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	cmdType := reflect.TypeOf(tea.Cmd(nil))
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		msg := c()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				run(c)
			}
			return
		}
		// tea.Sequence's message is an unexported []Cmd.
		if v := reflect.ValueOf(msg); v.IsValid() && v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
			for i := range v.Len() {
				run(v.Index(i).Interface().(tea.Cmd))
			}
			return
		}
		if msg != nil {
			out = append(out, msg)
		}
	}
	run(cmd)
	return out
}

// find returns the first message of type T in msgs.
func find[T any](msgs []tea.Msg) (T, bool) {
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// press builds a key press the way the terminal reader does.
func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

// send delivers a key press and returns its command.
func send(m *Model, s string) tea.Cmd {
	_, cmd := m.Update(press(s))
	return cmd
}

// typeText types s one rune at a time.
func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// screen is the view as plain text.
func screen(m *Model) string { return ansi.Strip(m.View().Content) }

// mustContain fails unless the screen shows every want.
func mustContain(t *testing.T, m *Model, want ...string) {
	t.Helper()
	s := screen(m)
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("screen lacks %q:\n%s", w, s)
		}
	}
}

// mustNotContain fails if the screen shows any of bad.
func mustNotContain(t *testing.T, m *Model, bad ...string) {
	t.Helper()
	s := screen(m)
	for _, w := range bad {
		if strings.Contains(s, w) {
			t.Errorf("screen shows %q:\n%s", w, s)
		}
	}
}

// checkFrame fails unless the view is exactly w×h cells.
func checkFrame(t *testing.T, m *Model, w, h int) {
	t.Helper()
	lines := strings.Split(m.View().Content, "\n")
	if len(lines) != h {
		t.Fatalf("view has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

// screenText strips styling from a fragment.
func screenText(s string) string { return ansi.Strip(s) }

// selectTarget selects the row watching t, as the user would by moving
// to it.
func selectTarget(m *Model, t engine.Target) {
	for i, r := range m.rows {
		if r.target == t {
			m.selectIndex(i)
			m.frameOK = false // as after the key press that would select it
			return
		}
	}
	panic("no row for " + t.String())
}
