package ui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"ordermon/internal/engine"
)

// Glyphs carry every state on their own, so the screen says the same thing
// under NO_COLOR or to a colour-blind reader as it does in colour. The
// marks and arrows are the engine's, so plain text and exports use the
// same ones.
const (
	GlyphReached  = engine.GlyphDone      // a stage reached, a source answering, an order that ended well
	GlyphCurrent  = engine.GlyphActive    // the stage an order is in now, an order in progress
	GlyphNotYet   = engine.GlyphWaiting   // a stage not reached yet, or no data yet
	GlyphEnded    = engine.GlyphEnded     // marked complete by the service with no clear outcome
	GlyphFailed   = engine.GlyphError     // an error finding, a failed order or stage, a halted source
	GlyphWarn     = engine.GlyphWarn      // a warning finding, stale data
	GlyphNotFound = engine.GlyphNotFound  // an ID no system knows
	GlyphUp       = engine.GlyphQueueUp   // moved up the queue: fewer contracts ahead
	GlyphDown     = engine.GlyphQueueDown // moved back in the queue: more contracts ahead
	GlyphInfo     = engine.GlyphInfo      // an informational finding
	GlyphSelected = "▸"                   // the selected row and the focused pane
	GlyphFillFull = '█'                   // the filled part of the fill bar
	GlyphFillNone = '░'                   // the unfilled part of the fill bar
)

// Theme is the palette, by meaning. Each colour has a light and a dark
// variant; the terminal's background picks one (tea.BackgroundColorMsg).
type Theme struct {
	Text        color.Color
	Muted       color.Color
	Accent      color.Color
	Good        color.Color
	Warn        color.Color
	Bad         color.Color
	Info        color.Color
	Border      color.Color
	BorderFocus color.Color
	SelectedBg  color.Color
	BadgeFg     color.Color
	BarEmpty    color.Color
}

// NewTheme returns the palette for a dark or a light background. The
// colours are ANSI-256 indices so they survive downsampling to 256 colours
// unchanged, and each pair keeps enough contrast on its own background.
func NewTheme(isDark bool) Theme {
	ld := lipgloss.LightDark(isDark)
	c := lipgloss.Color
	return Theme{
		Text:        ld(c("235"), c("252")),
		Muted:       ld(c("242"), c("245")),
		Accent:      ld(c("25"), c("75")),
		Good:        ld(c("28"), c("78")),
		Warn:        ld(c("130"), c("214")),
		Bad:         ld(c("160"), c("203")),
		Info:        ld(c("31"), c("117")),
		Border:      ld(c("250"), c("240")),
		BorderFocus: ld(c("25"), c("75")),
		SelectedBg:  ld(c("254"), c("237")),
		BadgeFg:     ld(c("255"), c("232")),
		BarEmpty:    ld(c("252"), c("238")),
	}
}

// Ink is a text style reduced to the escape codes around a run of text.
// lipgloss.Style.Render measures, wraps and aligns on every call, which a
// screen redrawn every second with hundreds of styled fragments cannot
// afford; an Ink is built once from a lipgloss.Style and costs two string
// concatenations. It suits one-line runs with colours and attributes only
// (no width, padding or border).
type Ink struct{ pre, post string }

// NewInk captures s's codes by rendering a single character.
func NewInk(s lipgloss.Style) Ink {
	out := s.Render("X")
	i := strings.IndexByte(out, 'X')
	if i < 0 {
		return Ink{}
	}
	return Ink{pre: out[:i], post: out[i+1:]}
}

// Render wraps text in the ink's codes.
func (k Ink) Render(text string) string {
	if text == "" || k.pre == "" {
		return text
	}
	return k.pre + text + k.post
}

// Border is a pane's frame: its characters and their ink.
type Border struct {
	TopLeft, TopRight, BottomLeft, BottomRight, Horizontal, Vertical string
	Ink                                                              Ink
}

// Styles are every style the screen uses, built from one Theme. No other
// file creates a colour.
type Styles struct {
	Theme Theme

	Title      Ink
	Muted      Ink
	Text       Ink
	Bold       Ink
	Label      Ink
	Good       Ink
	Warn       Ink
	Bad        Ink
	Info       Ink
	NotFound   Ink
	Accent     Ink
	Section    Ink
	Paused     Ink
	Stale      Ink
	Flash      Ink
	FlashError Ink

	// A focused pane gets a thick border, not just another colour, so
	// focus is visible without colour.
	Pane        Border
	PaneFocused Border
	PaneTitle   Ink

	RowSelected Ink
	// RowSelectedBlurred marks the selection while focus is elsewhere.
	RowSelectedBlurred Ink

	Help  help.Styles
	Input textinput.Styles
}

// Mark is the ink of an order's mark: red for an error, amber for a
// warning, blue for an ID nobody knows or an order in progress, green
// for one that ended well, grey for no data.
func (s *Styles) Mark(m engine.Mark) Ink {
	switch m {
	case engine.MarkError:
		return s.Bad
	case engine.MarkWarn:
		return s.Warn
	case engine.MarkNotFound:
		return s.NotFound
	case engine.MarkDone:
		return s.Good
	case engine.MarkActive:
		return s.Accent
	}
	return s.Muted
}

// Finding is the ink of a finding's glyph and code: its order's mark's
// for an ID nobody knows, an error or a warning; blue for a note. It goes
// by the glyph the engine gives the finding (Finding.Glyph), so the
// engine's one rule for which finding is which decides the colour too.
func (s *Styles) Finding(f engine.Finding) Ink {
	switch f.Glyph() {
	case GlyphNotFound:
		return s.NotFound
	case GlyphFailed:
		return s.Bad
	case GlyphWarn:
		return s.Warn
	}
	return s.Info
}

// NewStyles builds the styles for a dark or a light background.
func NewStyles(isDark bool) Styles {
	t := NewTheme(isDark)
	base := lipgloss.NewStyle()
	fg := func(c color.Color) Ink { return NewInk(base.Foreground(c)) }
	bold := func(c color.Color) Ink { return NewInk(base.Bold(true).Foreground(c)) }
	s := Styles{Theme: t}
	s.Title = bold(t.Accent)
	s.Muted = fg(t.Muted)
	s.Text = fg(t.Text)
	s.Bold = bold(t.Text)
	s.Label = fg(t.Muted)
	s.Good = fg(t.Good)
	s.Warn = bold(t.Warn)
	s.Bad = bold(t.Bad)
	s.Info = fg(t.Info)
	s.NotFound = bold(t.Info)
	s.Accent = fg(t.Accent)
	s.Section = bold(t.Accent)
	s.Paused = NewInk(base.Bold(true).Reverse(true).Foreground(t.Warn))
	s.Stale = bold(t.Warn)
	s.Flash = fg(t.Good)
	s.FlashError = bold(t.Bad)

	rounded, thick := lipgloss.RoundedBorder(), lipgloss.ThickBorder()
	s.Pane = Border{rounded.TopLeft, rounded.TopRight, rounded.BottomLeft, rounded.BottomRight, rounded.Top, rounded.Left, fg(t.Border)}
	s.PaneFocused = Border{thick.TopLeft, thick.TopRight, thick.BottomLeft, thick.BottomRight, thick.Top, thick.Left, fg(t.BorderFocus)}
	s.PaneTitle = bold(t.Accent)

	s.RowSelected = NewInk(base.Bold(true).Background(t.SelectedBg).Foreground(t.Text))
	s.RowSelectedBlurred = NewInk(base.Background(t.SelectedBg).Foreground(t.Text))

	s.Help = help.DefaultStyles(isDark)

	in := textinput.DefaultStyles(isDark)
	// A blinking cursor would wake the program twice a second for nothing.
	in.Cursor.Blink = false
	in.Focused.Prompt = base.Bold(true).Foreground(t.Accent)
	s.Input = in
	return s
}
