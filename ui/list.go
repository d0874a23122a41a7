package ui

import (
	"strings"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
)

// lineCache holds a list row's text that only changes with its snapshot:
// rendering 500 rows' IDs and statuses every second would be waste.
type lineCache struct {
	id string
	// idFit is id fitted to idW cells.
	idFit  string
	idW    int
	status string
	fill   string
	// key is the lower-cased text the filter matches against.
	key string
	ok  bool
}

// List column widths; the ID column takes what is left.
const (
	colStatus = 10
	colFill   = 9
	colAge    = 6
)

// cached returns the row's static text, computed once per snapshot.
func (r *row) cached() *lineCache {
	if r.line.ok {
		return &r.line
	}
	c := lineCache{ok: true}
	id := r.target.ID
	if r.snap != nil && r.snap.Target.ID != "" {
		id = r.snap.Target.ID
	}
	c.id = textsafe.Clean(id)
	c.status = shortStatus(r.snap)
	if f, in, ok := fills(r.snap); ok {
		c.fill = count(f) + "/" + count(in)
	}
	var key strings.Builder
	key.WriteString(strings.ToLower(c.id + " " + r.target.String() + " " + c.status))
	if s := r.snap; s != nil {
		if s.Order != nil {
			key.WriteString(" " + strings.ToLower(textsafe.Clean(s.Order.Ticker+" "+s.Order.OrderID)))
		}
		if s.Intent != nil {
			key.WriteString(" " + strings.ToLower(textsafe.Clean(s.Intent.MarketID+" "+s.Intent.KalshiOrderID)))
		}
	}
	c.key = key.String()
	r.line = c
	return &r.line
}

// refilter recomputes which rows pass the filter and keeps the selection
// on a visible row.
func (m *Model) refilter() {
	m.visible = m.visible[:0]
	f := strings.ToLower(strings.TrimSpace(m.filter))
	for i, r := range m.rows {
		if f == "" || strings.Contains(r.cached().key, f) {
			m.visible = append(m.visible, i)
		}
	}
	if m.visiblePos() < 0 {
		m.selected = -1
		if len(m.visible) > 0 {
			m.selected = m.visible[0]
		}
	}
}

// setFilter changes the filter text.
func (m *Model) setFilter(f string) {
	m.filter = f
	m.listTop = 0
	m.refilter()
}

// visiblePos is the selected row's position in the filtered list, or -1.
func (m *Model) visiblePos() int {
	for p, i := range m.visible {
		if i == m.selected {
			return p
		}
	}
	return -1
}

// renderList draws the visible part of the order list, width × height
// cells, header included. Only the rows on screen are rendered.
func (m *Model) renderList(width, height int) []string {
	st := &m.styles
	lines := make([]string, 0, height)
	idW := max(4, width-(2+2+1+colStatus+1+colFill+1+colAge+2))
	header := "    " + fit("ID", idW) + " " + fit("STATUS", colStatus) + " " + fit("FILLED", colFill) + " " + fitLeft("AGE", colAge) + "  "
	lines = append(lines, st.Muted.Render(fit(header, width)))
	rowsH := height - 1
	m.listRows = rowsH
	if len(m.visible) == 0 {
		msg := "no orders watched — press a to add one"
		if len(m.rows) > 0 {
			msg = "no order matches the filter — esc clears it"
		}
		lines = append(lines, st.Muted.Render(fit("  "+msg, width)))
		return padLines(lines, width, height)
	}
	// Scroll so the selection stays in view.
	pos := max(0, m.visiblePos())
	if pos < m.listTop {
		m.listTop = pos
	}
	if pos >= m.listTop+rowsH {
		m.listTop = pos - rowsH + 1
	}
	m.listTop = max(0, min(m.listTop, len(m.visible)-rowsH))
	now := m.now()
	for p := m.listTop; p < len(m.visible) && p < m.listTop+rowsH; p++ {
		i := m.visible[p]
		r := m.rows[i]
		c := r.cached()
		oc := orderOutcome(r.snap)
		glyph := outcomeGlyph(oc)
		ageText := ""
		if d, ok := stageAge(r.snap, now); ok {
			ageText = age(d)
		}
		mark := "  "
		if stale(r.snap, now, m.interval) {
			mark = " " + GlyphWarn
		}
		sel := " "
		if i == m.selected {
			sel = GlyphSelected
		}
		if c.idW != idW || c.idFit == "" {
			c.idFit, c.idW = fit(c.id, idW), idW
		}
		text := sel + " " + glyph + " " + c.idFit + " " + fit(c.status, colStatus) + " " +
			fit(c.fill, colFill) + " " + fitLeft(ageText, colAge) + mark
		text = fit(text, width)
		switch {
		case i == m.selected && m.focus == focusList && m.mode == modeNormal:
			text = st.RowSelected.Render(text)
		case i == m.selected:
			text = st.RowSelectedBlurred.Render(text)
		default:
			text = m.colourRow(text, oc, mark != "  ")
		}
		lines = append(lines, text)
	}
	return padLines(lines, width, height)
}

// colourRow tints an unselected row's glyph by outcome. The glyph itself
// already says it; colour only helps the eye.
func (m *Model) colourRow(text string, oc outcome, isStale bool) string {
	st := &m.styles
	// text starts with "  G " where G is one cell wide; restyle just it.
	head, rest := splitCells(text, 2)
	g, tail := splitCells(rest, 1)
	switch oc {
	case outcomeDone:
		g = st.Good.Render(g)
	case outcomeFailed:
		g = st.Bad.Render(g)
	case outcomeActive:
		g = st.Accent.Render(g)
	default:
		g = st.Muted.Render(g)
	}
	if isStale {
		body, warn := splitCells(tail, len([]rune(tail))-1)
		tail = body + st.Warn.Render(warn)
	}
	return head + g + tail
}

// splitCells splits plain text after n runes.
func splitCells(s string, n int) (string, string) {
	i := 0
	for b := range s {
		if i == n {
			return s[:b], s[b:]
		}
		i++
	}
	return s, ""
}

// padLines pads lines with blank lines up to height.
func padLines(lines []string, width, height int) []string {
	blank := strings.Repeat(" ", max(0, width))
	for len(lines) < height {
		lines = append(lines, blank)
	}
	return lines[:height]
}

// summary is the title bar's counts of orders by outcome.
type summary struct {
	total, active, done, failed, attention int
}

// summaryKey says what a cached summary was computed from: the rows (which
// change with every round, add and remove) and the second, since data goes
// stale with time alone.
type summaryKey struct {
	gen uint64
	sec int64
}

// summary counts orders by outcome, once per change or second rather than
// once per frame.
func (m *Model) summary() summary {
	now := m.now()
	k := summaryKey{gen: m.rowsGen, sec: now.Unix()}
	if m.sumOK && m.sumKey == k {
		return m.sum
	}
	var s summary
	for _, r := range m.rows {
		s.total++
		oc := orderOutcome(r.snap)
		switch oc {
		case outcomeActive, outcomeNoData:
			s.active++
		case outcomeDone, outcomeEnded:
			s.done++
		case outcomeFailed:
			s.failed++
		}
		if oc == outcomeActive && (hasError(r.snap) || stale(r.snap, now, m.interval)) {
			s.attention++
		}
	}
	m.sum, m.sumKey, m.sumOK = s, k, true
	return s
}

// hasError reports whether any finding on the order is an error.
func hasError(s *engine.Snapshot) bool {
	if s == nil {
		return false
	}
	for _, f := range s.Diagnosis {
		if f.Severity == engine.SevError {
			return true
		}
	}
	return false
}
