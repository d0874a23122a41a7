package ui

import (
	"strings"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
	"ordermon/pipeline"
)

// timelineSection is one row per pipeline stage.
func (m *Model) timelineSection(b *lineBuilder, s *engine.Snapshot) {
	st := &m.styles
	if !b.compact {
		// Compact mode's glyph row speaks for itself.
		b.add(st.Section.Render("Pipeline"))
	}
	if s.Intent == nil {
		msg := "no intent: this is a Kalshi order watched on its own"
		if s.Sources.Intent.NotFound {
			msg = "the intent service does not know this ID (404)"
		} else if s.Sources.Intent.Err != "" {
			msg = "no intent data: " + textsafe.Clean(s.Sources.Intent.Err)
		}
		b.add("  " + st.Muted.Render(msg))
		return
	}
	in := *s.Intent
	now := m.now()
	rows := pipeline.Timeline(&in, now)
	if b.compact {
		m.compactTimeline(b, in, rows[:], now)
		return
	}
	for _, r := range rows {
		name := fit(r.Stage.String(), 11)
		switch {
		case r.Failed:
			reason := textsafe.Clean(in.TerminationReason)
			if reason == "" {
				reason = "no reason given"
			}
			b.wrap("  "+st.Bad.Render(GlyphFailed+" "+name)+st.Bad.Render("failed: "), 6, reason, st.Text)
		case r.Current:
			line := "  " + st.Accent.Render(GlyphCurrent+" "+name) + m.stageTime(r, now)
			if r.At.IsZero() {
				line += st.Muted.Render("  time not reported")
			}
			if !r.At.IsZero() || r.For > 0 {
				line += "  " + st.Bold.Render("for "+age(r.For))
				if lim := threshold(m.stuck, r.Stage); lim > 0 && r.For > lim {
					line += " " + st.Warn.Render(GlyphWarn+" over "+age(lim))
				}
			}
			b.add(line)
		case r.Reached:
			line := "  " + st.Good.Render(GlyphReached) + " " + st.Text.Render(name) + m.stageTime(r, now)
			if r.At.IsZero() {
				line += st.Muted.Render("  time not reported")
			}
			b.add(line)
		default:
			b.add("  " + st.Muted.Render(GlyphNotYet+" "+name))
		}
	}
	if in.Status != "" {
		if _, ok := pipeline.StageOf(in.Status); !ok && in.Status != pipeline.StatusFailed {
			b.add("  " + st.Muted.Render("status reported as ") + st.Text.Render(textsafe.Clean(string(in.Status))))
		}
	}
}

// compactTimeline is the timeline in two lines: every stage's glyph in a
// row, then the current (or failed) stage's detail.
func (m *Model) compactTimeline(b *lineBuilder, in pipeline.Intent, rows []pipeline.TimelineRow, now time.Time) {
	st := &m.styles
	parts := make([]string, 0, len(rows))
	var focus *pipeline.TimelineRow
	var last *pipeline.TimelineRow
	for i := range rows {
		r := &rows[i]
		name := r.Stage.String()
		switch {
		case r.Failed:
			parts = append(parts, st.Bad.Render(GlyphFailed+" "+name))
			focus = r
		case r.Current:
			parts = append(parts, st.Accent.Render(GlyphCurrent+" "+name))
			focus = r
		case r.Reached:
			parts = append(parts, st.Good.Render(GlyphReached)+" "+st.Text.Render(name))
			last = r
		default:
			parts = append(parts, st.Muted.Render(GlyphNotYet+" "+name))
		}
	}
	b.add("  " + strings.Join(parts, " "))
	switch {
	case focus != nil && focus.Failed:
		reason := textsafe.Clean(in.TerminationReason)
		if reason == "" {
			reason = "no reason given"
		}
		b.wrap("  "+st.Bad.Render("failed: "), 4, reason, st.Text)
	case focus != nil:
		line := "  " + st.Accent.Render(focus.Stage.String()) + " " + m.stageTime(*focus, now)
		if !focus.At.IsZero() || focus.For > 0 {
			line += "  " + st.Bold.Render("for "+age(focus.For))
			if lim := threshold(m.stuck, focus.Stage); lim > 0 && focus.For > lim {
				line += " " + st.Warn.Render(GlyphWarn+" over "+age(lim))
			}
		}
		b.add(line)
	case last != nil && !last.At.IsZero():
		b.add("  " + st.Text.Render(last.Stage.String()) + " " + m.stageTime(*last, now))
	}
}

// stageTime is a reached stage's clock time and its step from the
// previous stage.
func (m *Model) stageTime(r pipeline.TimelineRow, now time.Time) string {
	if r.At.IsZero() {
		return ""
	}
	out := m.styles.Text.Render(clock(r.At, m.loc, now))
	switch {
	case r.SincePrev > 0:
		out += m.styles.Muted.Render("  +" + age(r.SincePrev))
	case r.SincePrev < 0:
		// The service's timestamps go backwards; say so rather than
		// print a step that cannot be.
		out += m.styles.Warn.Render("  -" + age(-r.SincePrev) + " " + GlyphWarn + " out of order")
	}
	return out
}
