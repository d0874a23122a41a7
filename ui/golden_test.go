package ui

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"ordermon/internal/engine"
)

// Golden views, all on the fixture clock (14:05:00 EST) and zone. Each
// case is stored as plain text, for reading in review; the two main
// layouts are also stored as the bytes a 256-colour terminal would get,
// which pins the palette. Regenerate with: go test ./ui/ -update
func TestGoldenView(t *testing.T) {
	pick := func(t engine.Target) func(*Model) { return func(m *Model) { selectTarget(m, t) } }
	cases := []struct {
		name   string
		w, h   int
		setup  func(*Model)
		colour bool
	}{
		{name: "wide_resting", w: 120, h: 40, colour: true},
		{name: "narrow_resting", w: 80, h: 24, colour: true},
		{name: "wide_stuck", w: 120, h: 40, setup: pick(tStuck)},
		{name: "wide_failed", w: 120, h: 40, setup: pick(tFailed)},
		{name: "wide_kalshi_only", w: 120, h: 40, setup: pick(tKalshi)},
		{name: "wide_stale", w: 120, h: 40, setup: pick(tStale)},
		{name: "narrow_failed", w: 80, h: 24, setup: pick(tFailed)},
		{name: "narrow_help", w: 80, h: 24, setup: func(m *Model) { m.Update(press("?")) }},
		{name: "narrow_events_focused", w: 80, h: 24, setup: func(m *Model) {
			m.Update(press("tab"))
			m.Update(press("tab"))
		}},
		{name: "wide_paused_filtered", w: 120, h: 40, setup: func(m *Model) {
			m.Update(press("p"))
			m.Update(press("/"))
			typeText(m, "kxbtcd")
			m.Update(press("enter"))
		}},
		{name: "wide_add_error", w: 120, h: 40, setup: func(m *Model) {
			m.Update(press("a"))
			typeText(m, "foo:bar")
			m.Update(press("enter"))
		}},
		{name: "minimum_60x20", w: 60, h: 20},
		{name: "too_small", w: 59, h: 19},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, _ := newTestModel(c.w, c.h)
			if c.setup != nil {
				c.setup(m)
			}
			out := m.View().Content
			t.Run("plain", func(t *testing.T) { golden.RequireEqual(t, ansi.Strip(out)) })
			if c.colour {
				t.Run("ansi256", func(t *testing.T) { golden.RequireEqual(t, downsample(out, colorprofile.ANSI256)) })
			}
		})
	}
}

func TestGoldenEmpty(t *testing.T) {
	m := newModelWith(&fakeEngine{}, Options{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	golden.RequireEqual(t, ansi.Strip(m.View().Content))
}

// downsample renders s as a terminal of profile p receives it.
func downsample(s string, p colorprofile.Profile) string {
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: p}
	_, _ = w.WriteString(s)
	return b.String()
}

var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])[0-9;]*m`)

// Under NO_COLOR (the ASCII profile) no colour reaches the terminal, and
// every state is still there as a glyph or a word.
func TestNoColorKeepsMeaning(t *testing.T) {
	m, _ := newTestModel(120, 40)
	m.Update(press("p"))
	out := downsample(m.View().Content, colorprofile.ASCII)
	if loc := colourSGR.FindStringIndex(out); loc != nil {
		t.Fatalf("colour sequence under NO_COLOR: %q", out[loc[0]:min(len(out), loc[1]+10)])
	}
	for _, want := range []string{
		GlyphReached, GlyphCurrent, GlyphNotYet, GlyphFailed, GlyphUp, GlyphWarn, GlyphSelected,
		"STALE", "PAUSED", "partially filled", "┏━", // a thick border marks the focused pane
	} {
		if !strings.Contains(out, want) {
			t.Errorf("NO_COLOR view lacks %q", want)
		}
	}
}
