package ui

import (
	"strings"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/internal/textsafe"
	"ordermon/internal/timefmt"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// eventLines renders the order's events, newest first.
func (m *Model) eventLines(r *row, width int) []string {
	st := &m.styles
	now := m.now()
	evs := r.history()
	lines := make([]string, 0, len(evs))
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		g := eventGlyph(e)
		var gs string
		switch {
		case g == GlyphFailed:
			gs = st.Bad.Render(g)
		case e.Kind == engine.EventSourceFailed:
			gs = st.Warn.Render(g)
		case g == GlyphDown:
			gs = st.Warn.Render(g)
		case g == GlyphReached, g == GlyphUp:
			gs = st.Good.Render(g)
		default:
			gs = st.Accent.Render(g)
		}
		// A queue move's message starts with its arrow, which the glyph
		// column already shows.
		msg := strings.TrimPrefix(textsafe.Clean(e.Message), g+" ")
		if msg == "" {
			msg = textsafe.Clean(string(e.Kind) + " " + e.From + " → " + e.To)
		}
		prefix := st.Muted.Render(timefmt.Clock(e.Time(), m.loc, now)) + "  " + gs + " "
		lines = append(lines, wrapLines(prefix, cells(prefix), msg, st.Text, width)...)
	}
	if len(lines) == 0 {
		lines = append(lines, st.Muted.Render("no events yet"))
	}
	return lines
}

// eventGlyph picks a glyph that says what kind of change an event was.
func eventGlyph(e engine.Event) string {
	switch e.Kind {
	case engine.EventStageReached, engine.EventKalshiStatus:
		if e.To == string(pipeline.StatusFailed) || e.To == string(kalshi.StatusCanceled) {
			return GlyphFailed
		}
		if e.Kind == engine.EventStageReached {
			return GlyphReached
		}
	case engine.EventSourceRecovered:
		return GlyphReached
	case engine.EventSourceFailed:
		return GlyphWarn
	case engine.EventQueueMoved:
		from, err1 := fixed.Parse(e.From)
		to, err2 := fixed.Parse(e.To)
		if err1 == nil && err2 == nil && to.Cmp(from) > 0 {
			return GlyphDown // further back
		}
		return GlyphUp
	}
	return GlyphCurrent
}
