package ui

import (
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
	"ordermon/internal/timefmt"
	"ordermon/pipeline"
)

// timelineSection is one row per pipeline stage. An order with no intent
// has no timeline; the intent line above already says why.
func (m *Model) timelineSection(b *lineBuilder, s *engine.Snapshot) {
	st := &m.styles
	if s.Intent == nil {
		return
	}
	if !b.compact {
		// Compact mode's glyph row speaks for itself.
		b.heading(st.Section.Render("Pipeline"))
	}
	in := *s.Intent
	now := m.now()
	rows := pipeline.Timeline(&in, now)
	cur := m.currentMark(s)
	if b.compact {
		m.compactTimeline(b, in, rows[:], cur, now)
		return
	}
	for _, r := range rows {
		name := fit(r.Stage.String(), 11)
		switch {
		case r.Failed:
			b.wrap("  "+st.Bad.Render(GlyphFailed+" "+name)+st.Bad.Render("failed: "), 6, failReason(in), st.Text)
		case r.Current:
			line := "  " + cur.ink.Render(cur.glyph+" "+name) + m.stageTime(r, now)
			if r.At.IsZero() {
				line += st.Muted.Render("  time not reported")
			}
			b.addOrBreak(line, m.currentFor(r, cur), 15)
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

// stageMark is how the current stage is drawn: its glyph and ink, and a
// note after its age when the diagnosis contradicts or flags it.
type stageMark struct {
	glyph string
	ink   Ink
	note  string
	// over is the threshold a stuck stage passed; zero if none.
	over time.Duration
}

// currentMark decides how the current stage looks, from the diagnosis,
// so the timeline agrees with it: a stage past its threshold shows the
// stuck finding's glyph, and a stage Kalshi has already ended shows
// what Kalshi did ("canceled on Kalshi").
func (m *Model) currentMark(s *engine.Snapshot) stageMark {
	st := &m.styles
	cm := stageMark{glyph: GlyphCurrent, ink: st.Accent}
	// The stage takes the finding's glyph and ink: stuck and mismatch
	// findings are warnings or errors, so ⚠ or ✗.
	for _, f := range s.Diagnosis {
		if _, ok := f.StuckStage(); ok {
			cm.glyph, cm.ink, cm.over = f.Glyph(), st.Finding(f), f.Limit
			return cm
		}
	}
	if ended := s.KalshiEndedFirst(); ended != "" {
		cm.note = textsafe.Clean(string(ended)) + " on Kalshi"
		for _, f := range s.Diagnosis {
			if f.Code == engine.CodeSourceMismatch && f.Severity >= engine.SevWarn {
				cm.glyph, cm.ink = f.Glyph(), st.Finding(f)
				break
			}
		}
	}
	return cm
}

// currentFor is the current stage's age, the threshold it passed and
// what contradicts it.
func (m *Model) currentFor(r pipeline.TimelineRow, cm stageMark) string {
	st := &m.styles
	out := ""
	if cm.note == "" && (!r.At.IsZero() || r.For > 0) {
		// Once Kalshi ended the order, how long the stage has lasted
		// no longer matters.
		out += "  " + st.Bold.Render("for "+age(r.For))
	}
	if cm.over > 0 {
		out += " " + cm.ink.Render(cm.glyph+" over "+age(cm.over))
	}
	if cm.note != "" {
		out += "  " + cm.ink.Render(cm.glyph+" "+cm.note)
	}
	return out
}

// failReason is the intent's termination reason, sanitized.
func failReason(in pipeline.Intent) string {
	if reason := textsafe.Clean(in.TerminationReason); reason != "" {
		return reason
	}
	return "no reason given"
}

// compactTimeline is the timeline in two lines: every stage's glyph in a
// row, then the current (or failed) stage's detail.
func (m *Model) compactTimeline(b *lineBuilder, in pipeline.Intent, rows []pipeline.TimelineRow, cm stageMark, now time.Time) {
	st := &m.styles
	parts := make([]part, 0, len(rows))
	var focus *pipeline.TimelineRow
	var last *pipeline.TimelineRow
	for i := range rows {
		r := &rows[i]
		name := r.Stage.String()
		switch {
		case r.Failed:
			parts = append(parts, part{" ", st.Bad.Render(GlyphFailed + " " + name)})
			focus = r
		case r.Current:
			parts = append(parts, part{" ", cm.ink.Render(cm.glyph + " " + name)})
			focus = r
		case r.Reached:
			parts = append(parts, part{" ", st.Good.Render(GlyphReached) + " " + st.Text.Render(name)})
			last = r
		default:
			parts = append(parts, part{" ", st.Muted.Render(GlyphNotYet + " " + name)})
		}
	}
	b.flow(0, parts...)
	switch {
	case focus != nil && focus.Failed:
		b.wrap(st.Bad.Render("failed: "), 2, failReason(in), st.Text)
	case focus != nil:
		b.addOrBreak(cm.ink.Render(focus.Stage.String())+" "+m.stageTime(*focus, now), m.currentFor(*focus, cm), 2)
	case last != nil && !last.At.IsZero():
		b.add(st.Text.Render(last.Stage.String()) + " " + m.stageTime(*last, now))
	}
}

// stageTime is a reached stage's clock time and its step from the
// previous stage.
func (m *Model) stageTime(r pipeline.TimelineRow, now time.Time) string {
	if r.At.IsZero() {
		return ""
	}
	out := m.styles.Text.Render(timefmt.Clock(r.At, m.loc, now))
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
