package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
)

// tokenWarnWithin is how close to expiry the intent token must be before
// the footer mentions it.
const tokenWarnWithin = 15 * time.Minute

// footerLines is the source health line, the notice line and the key help.
func (m *Model) footerLines(w int) []string {
	st := &m.styles
	now := m.now()
	sep := st.Muted.Render("  │  ")

	// The refresh state sits at the right edge, where it is never cut off
	// by a long error.
	kalshiText, pushShown := m.kalshiText()
	sources := kalshiText + sep + m.sourceText("intent", m.health.Intent, now)
	refresh := m.refreshText(now)
	health := clip(sources, w-cells(refresh)-2)
	health += strings.Repeat(" ", max(1, w-cells(health)-cells(refresh))) + refresh

	var notes []string
	if m.flash != "" {
		if m.flashErr {
			notes = append(notes, st.FlashError.Render(GlyphFailed+" "+m.flash))
		} else {
			notes = append(notes, st.Flash.Render(GlyphReached+" "+m.flash))
		}
	}
	// A halt needs the user to act: the engine's message says what to
	// fix, and r asks again.
	for _, h := range []engine.SourceStatus{m.health.Kalshi, m.health.Intent} {
		if h.Halted && h.Err != "" {
			notes = append(notes, st.Bad.Render(textsafe.Clean(h.Err)+"; then press r"))
		}
	}
	if exp := m.health.TokenExpiry; !exp.IsZero() {
		switch left := exp.Sub(now); {
		case left <= 0:
			notes = append(notes, st.Bad.Render(GlyphFailed+" intent token expired "+age(-left)+" ago"))
		case left <= tokenWarnWithin:
			notes = append(notes, st.Warn.Render(GlyphWarn+" intent token expires in "+age(left)))
		}
	}
	notes = append(notes, m.kalshiNotes()...)
	if p := m.health.Push; p.On && !pushShown && !p.Live() && m.haveRound {
		// Kalshi's own trouble took the health line; push's state still
		// says how the data is read.
		notes = append(notes, m.styles.Muted.Render(textsafe.Clean(p.Line(now))))
	}
	if n := textsafe.Clean(m.note); n != "" {
		notes = append(notes, st.Muted.Render(n))
	}
	noteLine := strings.Join(notes, sep)

	lines := []string{fit(health, w), fit(noteLine, w)}
	return append(lines, m.helpLines(w)...)
}

// helpKey says what the key help is drawn for. The palette is not in
// it: a palette change resets every pane.
type helpKey struct {
	width  int
	all    bool
	prompt bool
}

// helpLines renders the key help, once per change: it only changes with
// the width, the mode and the ? toggle.
func (m *Model) helpLines(w int) []string {
	k := helpKey{width: w, all: m.help.ShowAll, prompt: m.mode != modeNormal}
	return m.panes.help.get(k, func() []string {
		var v string
		if k.prompt {
			v = m.help.View(promptKeys{m.keys})
		} else {
			v = m.help.View(m.keys)
		}
		var lines []string
		for _, l := range strings.Split(v, "\n") {
			lines = append(lines, fit(l, w))
		}
		return lines
	})
}

// sourceText is one source's health: when it last answered, how fast, and
// what is wrong.
func (m *Model) sourceText(name string, s engine.SourceStatus, now time.Time) string {
	st := &m.styles
	switch {
	case s.Halted:
		return st.Bad.Render(GlyphFailed + " " + name + " halted: credentials rejected")
	case s.RateLimited && s.RetryAt.After(now):
		return st.Warn.Render(GlyphWarn+" "+name+" rate-limited, retrying in "+age(s.RetryAt.Sub(now).Round(time.Second))) +
			m.lastOK(s, now)
	case !s.RetryAt.IsZero() && s.RetryAt.After(now):
		return st.Warn.Render(GlyphWarn+" "+name+" "+shortErr(s.Err)+", retrying in "+age(s.RetryAt.Sub(now).Round(time.Second))) +
			m.lastOK(s, now)
	case !s.Used:
		if !m.haveRound {
			return st.Muted.Render(GlyphNotYet + " " + name + " waiting")
		}
		return st.Muted.Render(GlyphNotYet + " " + name + " not used")
	case s.LastSuccess.IsZero() && s.Err == "":
		return st.Muted.Render(GlyphNotYet + " " + name + " waiting")
	case s.Stale(now, m.interval):
		out := st.Stale.Render(GlyphWarn+" "+name+" STALE") + st.Warn.Render(" updated "+ago(s.LastSuccess, now))
		if s.Err != "" {
			out += st.Warn.Render(" · " + shortErr(s.Err))
		}
		return out
	case s.Err != "":
		return st.Warn.Render(GlyphWarn+" "+name+" error: "+shortErr(s.Err)) + m.lastOK(s, now)
	}
	out := st.Good.Render(GlyphReached) + st.Text.Render(" "+name+" updated "+ago(s.LastSuccess, now))
	if s.Latency > 0 {
		out += st.Muted.Render(" · " + latency(s.Latency))
	}
	return out
}

// lastOK is ", updated 3s ago" after a problem, so an error does not hide
// how old the data is.
func (m *Model) lastOK(s engine.SourceStatus, now time.Time) string {
	if s.LastSuccess.IsZero() {
		return m.styles.Muted.Render(" · no data yet")
	}
	return m.styles.Muted.Render(" · updated " + ago(s.LastSuccess, now))
}

// refreshText says when the next refresh is, or why there is none.
func (m *Model) refreshText(now time.Time) string {
	st := &m.styles
	switch {
	case m.paused:
		return st.Paused.Render(" PAUSED ") + st.Muted.Render(" p resumes")
	case m.slowPoll(now):
		return st.Muted.Render("refreshing…")
	case !m.nextPoll.IsZero():
		left := m.nextPoll.Sub(now)
		if left < 0 {
			left = 0
		}
		// Round up, so "next in 0s" only shows when it is due.
		secs := (left + time.Second - 1) / time.Second * time.Second
		return st.Muted.Render("next refresh in " + age(secs))
	}
	return ""
}

// latency renders a request time as "182ms" or "1.4s".
func latency(d time.Duration) string {
	if d < time.Second {
		return itoa(int(d/time.Millisecond)) + "ms"
	}
	tenths := int(d / (100 * time.Millisecond))
	return itoa(tenths/10) + "." + itoa(tenths%10) + "s"
}

// shortErr is an error in a few words.
func shortErr(s string) string {
	s = textsafe.Clean(s)
	if s == "" {
		return "error"
	}
	if cells(s) > 36 {
		s = ansi.Truncate(s, 36, "…")
	}
	return s
}

// kalshiNotes are the footer notes about Kalshi as a whole: a trading pause
// or maintenance, and the read budget when it is not the one Kalshi
// reports for the account (an override, or Kalshi's could not be read).
func (m *Model) kalshiNotes() []string {
	var out []string
	if p := m.health.Exchange.Pause(); p != "" {
		out = append(out, m.styles.Warn.Render(GlyphWarn+" "+p))
	}
	if b := m.health.Budget; b.Source != "" && b.Source != engine.BudgetFromKalshi {
		out = append(out, m.styles.Muted.Render("budget "+textsafe.Clean(b.String())))
	}
	return out
}
