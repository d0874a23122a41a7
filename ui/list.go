package ui

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
)

// lineCache holds a list row's text that only changes with its snapshot:
// rendering 500 rows' IDs and statuses every second would be waste.
type lineCache struct {
	id     string
	status string
	fill   string
	market string
	// mark is the order's mark and short its problem in a few words,
	// from the engine's verdict.
	mark  engine.Mark
	short string
	// terminal and outcome are the snapshot's; start is when its current
	// stage began (hasStart false when it has no age).
	terminal bool
	outcome  engine.Outcome
	start    time.Time
	hasStart bool
	// fitted is the row's text around its age, by the columns it was
	// fitted to.
	fitted paneCache[listCols, rowText]
	// key is the lower-cased text the filter matches against, made
	// when a filter first needs it.
	key   string
	keyOK bool
	ok    bool
}

// rowText is a list row's text around its age: head the columns before
// it, tail the reason and market after it (styled), and tailSel the same
// unstyled, for the selected row.
type rowText struct{ head, tail, tailSel string }

// sortMode orders the list; s cycles through them.
type sortMode int

const (
	// sortAttention puts errors, then warnings, then unknown IDs first,
	// otherwise keeping the order in which orders were added, so a row
	// moves only when its mark changes.
	sortAttention sortMode = iota
	sortAge                // longest in its current stage first
	sortID                 // by ID
	numSortModes
)

func (s sortMode) String() string {
	switch s {
	case sortAge:
		return "age"
	case sortID:
		return "ID"
	}
	return "attention"
}

// List column widths; the ID, reason and market columns share what is
// left.
const (
	colStatusMin = 9
	colStatusMax = 16
	// colStatusNarrow caps the status column on a narrow list.
	colStatusNarrow = 10
	colFill         = 7
	colAge          = 6
	colIDMin        = 12
	colIDMax        = 36
	colReasonMin    = 8
	colReasonMax    = 28
	colMarketMax    = 28
	// listMarketFrom is the list width from which the market column
	// appears.
	listMarketFrom = 100
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
	c.status = listStatus(r.snap)
	if f, in, ok := fills(r.snap); ok {
		c.fill = f.Count() + "/" + in.Count()
	}
	c.market = textsafe.Clean(marketOf(r.snap))
	c.mark = markOf(r.snap)
	if r.snap != nil && c.mark.Attention() {
		c.short = textsafe.Clean(r.snap.Verdict(r.snap.ObservedAt, nil).Short)
	}
	if r.snap != nil {
		c.terminal, c.outcome = r.snap.Terminal(), r.snap.Outcome()
		c.start, c.hasStart = r.snap.CurrentStageStart()
	}
	r.line = c
	return &r.line
}

// age is how long the order has been in its current stage at now, and
// whether it has an age at all.
func (r *row) age(now time.Time) (time.Duration, bool) {
	c := r.cached()
	if !c.hasStart {
		return 0, false
	}
	return max(0, now.Sub(c.start)), true
}

// stale reports whether any source the order uses is older than three
// intervals, as stale does for its snapshot.
func (r *row) stale(now time.Time, interval time.Duration) bool {
	if r.snap == nil || r.cached().terminal {
		return false
	}
	return sourceStale(r.snap.Sources.Kalshi, now, interval) || sourceStale(r.snap.Sources.Intent, now, interval)
}

// filterKey is the lower-cased text the filter matches the row against:
// IDs, status, reason, ticker and Kalshi order ID.
func (r *row) filterKey() string {
	c := r.cached()
	if c.keyOK {
		return c.key
	}
	var key strings.Builder
	key.WriteString(strings.ToLower(c.id + " " + r.target.String() + " " + c.status + " " + c.short))
	if s := r.snap; s != nil {
		if s.Order != nil {
			key.WriteString(" " + strings.ToLower(textsafe.Clean(s.Order.Ticker+" "+s.Order.OrderID)))
		}
		if s.Intent != nil {
			key.WriteString(" " + strings.ToLower(textsafe.Clean(s.Intent.MarketID+" "+s.Intent.KalshiOrderID)))
		}
	}
	c.key, c.keyOK = key.String(), true
	return c.key
}

// refilter recomputes which rows pass the filter and the problems-only
// switch, in the chosen order, and keeps the selection on a visible row.
func (m *Model) refilter() {
	m.visible = m.visible[:0]
	f := strings.ToLower(strings.TrimSpace(m.filter))
	for i, r := range m.rows {
		c := r.cached()
		if m.problemsOnly && !c.mark.Attention() {
			continue
		}
		if f == "" || strings.Contains(r.filterKey(), f) {
			m.visible = append(m.visible, i)
		}
	}
	m.sortVisible()
	m.visGen++
	if m.visiblePos() < 0 {
		m.selected = -1
		if len(m.visible) > 0 {
			m.selected = m.visible[0]
		}
	}
}

// sortVisible orders the visible rows by the sort mode. Every order is
// stable over the order in which rows were added.
func (m *Model) sortVisible() {
	switch m.sortBy {
	case sortAttention:
		slices.SortStableFunc(m.visible, func(a, b int) int {
			return cmp.Compare(attentionRank(m.rows[b].cached().mark), attentionRank(m.rows[a].cached().mark))
		})
	case sortAge:
		now := m.now()
		ageOf := func(i int) int64 {
			if d, ok := m.rows[i].age(now); ok {
				return int64(d)
			}
			return -1
		}
		slices.SortStableFunc(m.visible, func(a, b int) int { return cmp.Compare(ageOf(b), ageOf(a)) })
	case sortID:
		slices.SortStableFunc(m.visible, func(a, b int) int {
			return cmp.Compare(m.rows[a].cached().id, m.rows[b].cached().id)
		})
	}
}

// attentionRank orders marks for the attention sort: errors, warnings,
// unknown IDs, then everything else as it came.
func attentionRank(mk engine.Mark) int {
	switch mk {
	case engine.MarkError:
		return 3
	case engine.MarkWarn:
		return 2
	case engine.MarkNotFound:
		return 1
	}
	return 0
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

// listCols are the list's column widths at one width; zero drops the
// reason or market column.
type listCols struct {
	id, status, reason, market     int
	maxID, maxStatus, maxShort, mx int
}

// columns lays out the list for width cells, from the longest text of
// each column among the visible rows. Only measuring the rows costs
// anything, and longest keeps that.
func (m *Model) columns(width int) listCols {
	c := m.longest()
	c.status = c.wantStatus()
	if width >= listMarketFrom && c.mx > 0 {
		c.market = min(colMarketMax, c.mx)
	}
	avail := func() int {
		a := width - fixedCells(c.status)
		if c.market > 0 {
			a -= c.market + 1
		}
		return a
	}
	// A long status ("partially filled") widens the column only where
	// the ID and the reason keep their room.
	if c.status > colStatusNarrow && avail() < colIDMin+1+c.wantReason() {
		c.status = colStatusNarrow
	}
	c.fit(avail())
	return c
}

// longest measures the longest ID, status, reason and market among the
// visible rows, once per change to them.
func (m *Model) longest() listCols {
	return m.long.get(m.visGen, m.measure)
}

// measure measures the visible rows for longest.
func (m *Model) measure() listCols {
	var c listCols
	for _, i := range m.visible {
		lc := m.rows[i].cached()
		c.maxID = max(c.maxID, cells(lc.id))
		c.maxStatus = max(c.maxStatus, cells(lc.status))
		c.maxShort = max(c.maxShort, cells(lc.short))
		c.mx = max(c.mx, cells(lc.market))
	}
	return c
}

// listNeeds is the width the list's columns ask for without cutting an
// ID or a reason (the market column aside), borders included.
func (m *Model) listNeeds() int {
	c := m.longest()
	n := 2 + fixedCells(c.wantStatus()) + min(colIDMax, max(colIDMin, c.maxID))
	if c.maxShort > 0 {
		n += 1 + c.wantReason()
	}
	return n
}

// fixedCells is the cells a row takes besides its ID, reason and market
// columns, with a status column status cells wide.
func fixedCells(status int) int { return 4 + 1 + status + 1 + colFill + 1 + colAge + 2 }

// wantStatus is the status column's width for the longest status.
func (c listCols) wantStatus() int { return min(colStatusMax, max(colStatusMin, c.maxStatus)) }

// wantReason is the reason column's width for the longest reason.
func (c listCols) wantReason() int { return min(colReasonMax, max(colReasonMin, c.maxShort)) }

// fit shares avail cells between the ID and the reason column.
func (c *listCols) fit(avail int) {
	c.id = avail
	if c.maxShort > 0 {
		// The reason column gets what it needs, squeezing a long ID
		// down to colIDMin; what is left over goes back to the ID.
		want := c.wantReason()
		c.id = max(colIDMin, min(avail-1-want, min(colIDMax, c.maxID)))
		c.reason = avail - 1 - c.id
		if c.reason < colReasonMin {
			c.id, c.reason = avail, 0
		} else if extra := c.reason - want; extra > 0 {
			grow := min(extra, max(0, min(colIDMax, c.maxID)-c.id))
			c.id, c.reason = c.id+grow, c.reason-grow
		}
	}
}

// renderList draws the visible part of the order list, width × height
// cells, header included. Only the rows on screen are rendered.
func (m *Model) renderList(width, height int) []string {
	st := &m.styles
	lines := make([]string, 0, height)
	cols := m.columns(width)
	header := "    " + fit("ID", cols.id) + " " + fit("STATUS", cols.status) + " " + fit("FILLED", colFill) + " " + fitLeft("AGE", colAge) + "  "
	if cols.reason > 0 {
		header += " " + fit("REASON", cols.reason)
	}
	if cols.market > 0 {
		header += " " + fit("MARKET", cols.market)
	}
	lines = append(lines, st.Muted.Render(fit(header, width)))
	rowsH := height - 1
	m.listRows = rowsH
	if len(m.visible) == 0 {
		msg := "no orders watched — press a to add one"
		switch {
		case m.problemsOnly && len(m.rows) > 0 && m.filter == "":
			msg = "no order needs attention — ! shows them all"
		case len(m.rows) > 0:
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
	for p := m.listTop; p < len(m.visible) && p < m.listTop+rowsH; p++ {
		lines = append(lines, m.listRow(m.visible[p], cols, width))
	}
	return padLines(lines, width, height)
}

// listRow draws one order's row. The selected row is one run of the
// selection ink; the others colour their mark, reason and stale sign.
// Only the age and the stale sign change with the clock; the rest is
// kept with the row until its snapshot or the columns change.
func (m *Model) listRow(i int, cols listCols, width int) string {
	st := &m.styles
	r := m.rows[i]
	c := r.cached()
	now := m.now()
	ageText := ""
	if d, ok := r.age(now); ok {
		ageText = age(d)
	}
	staleMark := " "
	if r.stale(now, m.interval) {
		staleMark = GlyphWarn
	}
	t := c.fitted.get(cols, func() rowText { return m.fitRow(c, cols) })
	glyph := c.mark.Glyph()
	mid := t.head + fitLeft(ageText, colAge) + " "
	if i == m.selected {
		text := fit(GlyphSelected+" "+glyph+mid+staleMark+t.tailSel, width)
		if m.focus == focusList && m.mode == modeNormal {
			return st.RowSelected.Render(text)
		}
		return st.RowSelectedBlurred.Render(text)
	}
	if staleMark != " " {
		staleMark = st.Warn.Render(staleMark)
	}
	return fit("  "+st.Mark(c.mark).Render(glyph)+mid+staleMark+t.tail, width)
}

// fitRow fits a row's text around its age to cols.
func (m *Model) fitRow(c *lineCache, cols listCols) rowText {
	st := &m.styles
	reason, market := "", ""
	if cols.reason > 0 {
		reason = " " + fit(c.short, cols.reason)
	}
	if cols.market > 0 {
		market = " " + fit(c.market, cols.market)
	}
	return rowText{
		head:    " " + fit(c.id, cols.id) + " " + fit(c.status, cols.status) + " " + fit(c.fill, colFill) + " ",
		tail:    st.Mark(c.mark).Render(reason) + st.Muted.Render(market),
		tailSel: reason + market,
	}
}

// padLines pads lines with blank lines up to height.
func padLines(lines []string, width, height int) []string {
	blank := strings.Repeat(" ", max(0, width))
	for len(lines) < height {
		lines = append(lines, blank)
	}
	return lines[:height]
}

// summary is the title bar's counts: orders by outcome, marks by kind,
// and stale orders on their own.
type summary struct {
	total, active, done, failed int
	errors, warnings, notFound  int
	stale                       int
}

// summaryKey says what a cached summary was computed from: the rows (which
// change with every round, add and remove) and the second, since data goes
// stale with time alone.
type summaryKey struct {
	gen uint64
	sec int64
}

// summary counts orders by outcome and mark, once per change or second
// rather than once per frame. The marks counted are exactly the marks
// the list shows.
func (m *Model) summary() summary {
	now := m.now()
	k := summaryKey{gen: m.rowsGen, sec: now.Unix()}
	return m.sum.get(k, func() summary { return m.countRows(now) })
}

// countRows counts the rows for summary at now.
func (m *Model) countRows(now time.Time) summary {
	var s summary
	for _, r := range m.rows {
		s.total++
		c := r.cached()
		switch c.mark {
		case engine.MarkError:
			s.errors++
		case engine.MarkWarn:
			s.warnings++
		case engine.MarkNotFound:
			s.notFound++
		}
		switch {
		case r.snap == nil || !c.terminal:
			s.active++
		case c.outcome == engine.OutcomeFailure:
			s.failed++
		case c.outcome != engine.OutcomeNotFound:
			s.done++
		}
		if r.stale(now, m.interval) {
			s.stale++
		}
	}
	return s
}

// jumpAttention selects the next (dir 1) or previous (dir -1) visible
// order that needs attention, wrapping around.
func (m *Model) jumpAttention(dir int) bool {
	n := len(m.visible)
	pos := m.visiblePos()
	for step := 1; step <= n; step++ {
		p := ((pos+dir*step)%n + n) % n
		if m.rows[m.visible[p]].cached().mark.Attention() {
			m.selected = m.visible[p]
			return true
		}
	}
	return false
}
