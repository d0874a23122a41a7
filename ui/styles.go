package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Glyphs carry every state on their own, so the screen says the same thing
// under NO_COLOR or to a colour-blind reader as it does in colour.
const (
	GlyphReached  = "✓" // a stage reached, a source answering
	GlyphCurrent  = "●" // the stage an order is in now
	GlyphNotYet   = "○" // a stage not reached yet, or no data yet
	GlyphEnded    = "■" // marked complete by the service with no clear outcome
	GlyphFailed   = "✗" // a failed stage, a halted source, an error finding
	GlyphUp       = "▲" // the queue ahead grew
	GlyphDown     = "▼" // the queue ahead shrank
	GlyphWarn     = "⚠" // stale data, a warning finding, a stuck stage
	GlyphInfo     = "·" // an informational finding
	GlyphSelected = "▸" // the selected row and the focused pane
	GlyphFillFull = '█' // the filled part of the fill bar
	GlyphFillNone = '░' // the unfilled part of the fill bar
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

// Styles are every style the screen uses, built from one Theme. No other
// file creates a colour.
type Styles struct {
	Theme Theme

	Title      lipgloss.Style
	Muted      lipgloss.Style
	Text       lipgloss.Style
	Bold       lipgloss.Style
	Label      lipgloss.Style
	Good       lipgloss.Style
	Warn       lipgloss.Style
	Bad        lipgloss.Style
	Info       lipgloss.Style
	Accent     lipgloss.Style
	Section    lipgloss.Style
	Paused     lipgloss.Style
	Stale      lipgloss.Style
	Flash      lipgloss.Style
	FlashError lipgloss.Style

	Pane        lipgloss.Style
	PaneFocused lipgloss.Style
	PaneTitle   lipgloss.Style

	Row         lipgloss.Style
	RowSelected lipgloss.Style
	// RowSelectedBlurred marks the selection while focus is elsewhere.
	RowSelectedBlurred lipgloss.Style

	Help  help.Styles
	Input textinput.Styles
}

// NewStyles builds the styles for a dark or a light background.
func NewStyles(isDark bool) Styles {
	t := NewTheme(isDark)
	base := lipgloss.NewStyle()
	s := Styles{Theme: t}
	s.Title = base.Bold(true).Foreground(t.Accent)
	s.Muted = base.Foreground(t.Muted)
	s.Text = base.Foreground(t.Text)
	s.Bold = base.Bold(true).Foreground(t.Text)
	s.Label = base.Foreground(t.Muted)
	s.Good = base.Foreground(t.Good)
	s.Warn = base.Foreground(t.Warn).Bold(true)
	s.Bad = base.Foreground(t.Bad).Bold(true)
	s.Info = base.Foreground(t.Info)
	s.Accent = base.Foreground(t.Accent)
	s.Section = base.Bold(true).Foreground(t.Accent)
	s.Paused = base.Bold(true).Reverse(true).Foreground(t.Warn)
	s.Stale = base.Bold(true).Foreground(t.Warn)
	s.Flash = base.Foreground(t.Good)
	s.FlashError = base.Foreground(t.Bad).Bold(true)

	// A focused pane gets a thick border, not just another colour, so focus
	// is visible without colour.
	s.Pane = base.Border(lipgloss.RoundedBorder()).BorderForeground(t.Border)
	s.PaneFocused = base.Border(lipgloss.ThickBorder()).BorderForeground(t.BorderFocus)
	s.PaneTitle = base.Bold(true).Foreground(t.Accent)

	s.Row = base.Foreground(t.Text)
	s.RowSelected = base.Bold(true).Background(t.SelectedBg).Foreground(t.Text)
	s.RowSelectedBlurred = base.Background(t.SelectedBg).Foreground(t.Text)

	s.Help = help.DefaultStyles(isDark)

	in := textinput.DefaultStyles(isDark)
	// A blinking cursor would wake the program twice a second for nothing.
	in.Cursor.Blink = false
	in.Focused.Prompt = base.Bold(true).Foreground(t.Accent)
	s.Input = in
	return s
}
