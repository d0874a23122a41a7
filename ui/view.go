package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/viewport"

	tea "charm.land/bubbletea/v2"

	"ordermon/internal/textsafe"
	"ordermon/internal/timefmt"
)

// Minimum and "wide" terminal sizes. Below the minimum there is no room to
// show an order truthfully; from the wide size up, list and detail sit
// side by side.
const (
	minWidth   = 60
	minHeight  = 20
	wideWidth  = 120
	wideHeight = 40
	// listMinWide is the narrowest the list gets beside the detail.
	listMinWide = 52
)

// View renders the screen.
//
// Bubble Tea asks for the view after every message; the frame is drawn
// again only when a message may have changed it (see Update), so an idle
// screen is drawn once a second, for its clock and ages, and the
// renderer, finding the same frame, writes nothing.
func (m *Model) View() tea.View {
	if !m.frameOK {
		m.frame, m.title, m.frameOK = m.render(), m.windowTitle(), true
	}
	v := tea.NewView(m.frame)
	v.AltScreen = true
	v.WindowTitle = m.title
	return v
}

// windowTitle names the selected order's status and fill, so a trader
// with many terminal tabs sees it on the tab, and counts failures.
func (m *Model) windowTitle() string {
	sum := m.summary()
	t := "ordermon"
	if r := m.current(); r != nil {
		c := r.cached()
		t += " · " + textsafe.Truncate(c.id, 12) + " " + c.status
		if c.fill != "" {
			t += " " + c.fill
		}
	}
	if sum.errors > 0 {
		t += " · " + GlyphFailed + " " + itoa(sum.errors)
	}
	return t
}

// render draws the whole screen as exactly height lines of width cells.
func (m *Model) render() string {
	w, h := m.width, m.height
	if w == 0 || h == 0 {
		return "starting…"
	}
	if w < minWidth || h < minHeight {
		return m.tooSmall()
	}

	var top []string
	top = append(top, m.titleBar(w))
	top = append(top, m.promptLines(w)...)
	bottom := m.footerLines(w)
	bodyH := h - len(top) - len(bottom)

	// The frame is written in one piece: joining the panes' lines first
	// would copy it twice more every second.
	var left, right []string
	if w >= wideWidth && h >= wideHeight {
		// The list gets what its columns need, from listMinWide up to
		// half the screen (at least 64 cells, for its reasons, and at
		// most 90); what it does not need widens the detail, whose
		// facts then seldom wrap.
		listW := max(listMinWide, min(m.listNeeds(), max(64, min(90, w/2))))
		left = m.listBox(listW, bodyH)
		right = m.detailBox(w-listW, bodyH)
	} else {
		listH := max(5, min(len(m.visible)+3, bodyH*2/5))
		if len(m.rows) == 0 {
			listH = 5
		}
		left = append(m.listBox(w, listH), m.detailBox(w, bodyH-listH)...)
	}
	var b strings.Builder
	b.Grow(len(m.frame) + 256)
	for i, l := range top {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	for i := range bodyH {
		b.WriteByte('\n')
		b.WriteString(left[i])
		if right != nil {
			b.WriteString(right[i])
		}
	}
	for _, l := range bottom {
		b.WriteByte('\n')
		b.WriteString(l)
	}
	return b.String()
}

// tooSmall is the whole screen when the terminal cannot hold the layout.
func (m *Model) tooSmall() string {
	msg := []string{
		"terminal too small",
		"(need " + itoa(minWidth) + "×" + itoa(minHeight) + ", have " + itoa(m.width) + "×" + itoa(m.height) + ")",
		"q quits",
	}
	lines := make([]string, 0, m.height)
	topPad := max(0, (m.height-len(msg))/2)
	for range topPad {
		lines = append(lines, "")
	}
	for _, s := range msg {
		s = clip(s, m.width)
		pad := max(0, (m.width-cells(s))/2)
		lines = append(lines, strings.Repeat(" ", pad)+m.styles.Warn.Render(s))
	}
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	return strings.Join(lines, "\n")
}

// titleBar is the top line: name, counts, pause state and the clock,
// drawn again only when one of them changed.
func (m *Model) titleBar(w int) string {
	k := titleKey{width: w, sec: m.now().Unix(), paused: m.paused, sum: m.summary()}
	return m.panes.title.get(k, func() string { return m.drawTitle(w) })
}

// drawTitle draws the title bar.
func (m *Model) drawTitle(w int) string {
	st := &m.styles
	left := st.Title.Render("ordermon")
	if m.opts.Version != "" && w >= 100 {
		left += st.Muted.Render(" " + textsafe.Clean(m.opts.Version))
	}
	if m.opts.Demo {
		left += " " + st.Warn.Render("DEMO")
	}
	left += "  " + m.counts(w)
	right := st.Muted.Render(timefmt.Clock(m.now(), m.loc, m.now()))
	if m.paused {
		right = st.Paused.Render(" PAUSED ") + " " + right
	}
	gap := w - cells(left) - cells(right)
	if gap < 1 {
		return clip(left, w-cells(right)-1) + " " + right
	}
	return left + strings.Repeat(" ", gap) + right
}

// counts is the title bar's summary: first the marked orders, errors,
// warnings and unknown IDs apart, exactly as the list marks them, and
// stale orders on their own; then the orders by outcome. A narrow
// terminal cuts the end, so the marks come first.
func (m *Model) counts(w int) string {
	st := &m.styles
	sum := m.summary()
	if sum.total == 0 {
		return st.Text.Render("0 watched")
	}
	sep := st.Muted.Render(" · ")
	var marks []string
	for _, c := range []struct {
		n     int
		glyph string
		ink   Ink
	}{{sum.errors, GlyphFailed, st.Bad}, {sum.warnings, GlyphWarn, st.Warn}, {sum.notFound, GlyphNotFound, st.NotFound}} {
		if c.n > 0 {
			marks = append(marks, c.ink.Render(c.glyph+" "+itoa(c.n)))
		}
	}
	if sum.stale > 0 {
		marks = append(marks, st.Stale.Render(itoa(sum.stale)+" stale"))
	}
	out := ""
	if len(marks) > 0 {
		out = strings.Join(marks, sep) + st.Muted.Render("  │  ")
	}
	if w >= 100 {
		out += st.Text.Render(itoa(sum.total)+" watched") + sep
	}
	out += st.Text.Render(itoa(sum.active)+" active") + sep + st.Text.Render(itoa(sum.done)+" done")
	if sum.failed > 0 {
		out += sep + st.Bad.Render(itoa(sum.failed)+" failed")
	}
	return out
}

// promptLines is the add or filter prompt with its error, if open.
func (m *Model) promptLines(w int) []string {
	if m.mode == modeNormal {
		return nil
	}
	m.input.SetWidth(max(10, w-cells(m.input.Prompt)-2))
	lines := []string{fit(m.input.View(), w)}
	switch {
	case m.inputErr != "":
		lines = append(lines, fit(m.styles.FlashError.Render(GlyphFailed+" "+m.inputErr), w))
	case m.mode == modeAdd && len(m.rows) == 0:
		lines = append(lines, fit(m.styles.Muted.Render("no orders watched yet: type or paste an order ID and press enter"), w))
	}
	return lines
}

// listBox is the order list in its pane, drawn again only when the rows,
// their order, the selection, the focus or the second changed.
func (m *Model) listBox(w, h int) []string {
	focused := m.focus == focusList && m.mode == modeNormal
	k := listKey{width: w, height: h, rowsGen: m.rowsGen, visGen: m.visGen, selected: m.selected, focused: focused, sec: m.now().Unix()}
	return m.panes.list.get(k, func() []string { return m.drawList(w, h, focused) })
}

// drawList draws the order list's pane.
func (m *Model) drawList(w, h int, focused bool) []string {
	title := "Orders"
	if len(m.visible) != len(m.rows) {
		title += " " + itoa(len(m.visible)) + "/" + itoa(len(m.rows))
	} else {
		title += " " + itoa(len(m.rows))
	}
	if m.problemsOnly {
		title += " · problems only"
	}
	if m.sortBy != sortAttention {
		title += " · by " + m.sortBy.String()
	}
	if m.filter != "" {
		title += " · filter “" + m.filter + "”"
	}
	lines := m.renderList(w-2, h-2) // settles listTop
	if rows := h - 3; rows > 0 && len(m.visible) > rows {
		title += scrollHint(m.listTop == 0, m.listTop+rows >= len(m.visible))
	}
	if focused {
		title = GlyphSelected + " " + title
	}
	return m.box(title, lines, w, h, focused)
}

// detailBox is the selected order's detail and event log in one pane.
func (m *Model) detailBox(w, h int) []string {
	inner, innerH := w-2, h-2
	r := m.current()
	if r == nil {
		return m.box("Order", []string{m.styles.Muted.Render("  select an order to see its detail")}, w, h, false)
	}
	compact := m.height < wideHeight
	prev := m.panes.detail.val.lines
	dt := m.panes.detail.get(detailKey{row: r, snap: r.snap, width: inner - 1, compact: compact, sec: m.now().Unix()}, func() detailText {
		lb := m.detailLines(r, inner-1, compact)
		lines := indent(lb.lines)
		if slices.Equal(lines, prev) {
			// Most seconds change nothing here; the same slice tells
			// the viewport so (see setContent).
			lines = prev
		}
		return detailText{lines: lines, headings: lb.headings}
	})
	detail := dt.lines
	events := m.cachedEvents(r, inner-1)

	// The detail gets what it needs; the event log keeps at least a few
	// lines, and everything scrolls when focused.
	minEvents := min(5, max(2, innerH/4))
	dh := min(len(detail), innerH-1-minEvents)
	dh = max(1, dh)
	eh := max(1, innerH-dh-1)

	// The viewports keep the scroll state; the visible lines are sliced
	// here, because the viewport's own View re-measures and re-styles
	// every line on every frame. They are given the lines only when the
	// lines or the height changed: measuring every line is most of what
	// setting them costs.
	setContent(&m.detailVP, &m.detailSet, inner, dh, detail)
	setContent(&m.eventsVP, &m.eventsSet, inner, eh, events)

	lines := make([]string, 0, innerH)
	shown := window(detail, m.detailVP.YOffset(), dh)
	if last := m.detailVP.YOffset() + dh - 1; last < len(detail)-1 && slices.Contains(dt.headings, last) {
		// A heading with nothing under it says nothing: the pane's
		// title already says there is more below.
		shown[dh-1] = ""
	}
	lines = append(lines, shown...)
	evTitle := "Events " + itoa(len(r.history())) + " · newest first"
	if m.focus == focusEvents {
		evTitle = GlyphSelected + " " + evTitle
	}
	evTitle += scrollHint(m.eventsVP.AtTop(), m.eventsVP.AtBottom())
	lines = append(lines, m.divider(evTitle, inner))
	lines = append(lines, window(events, m.eventsVP.YOffset(), eh)...)

	title := "Order"
	if m.focus == focusDetail {
		title = GlyphSelected + " " + title
	}
	title += scrollHint(m.detailVP.AtTop(), m.detailVP.AtBottom())
	focused := m.mode == modeNormal && (m.focus == focusDetail || m.focus == focusEvents)
	return m.box(title, lines, w, h, focused)
}

// setContent gives a viewport its size and lines, skipping the lines when
// they are the very slice it was last given (*set) and the height is
// unchanged.
func setContent(vp *viewport.Model, set *[]string, w, h int, lines []string) {
	vp.SetWidth(w)
	if vp.Height() == h && sameLines(*set, lines) {
		return
	}
	vp.SetHeight(h)
	vp.SetContentLines(lines)
	*set = lines
}

// scrollHint says which way a pane has more to show.
func scrollHint(atTop, atBottom bool) string {
	switch {
	case atTop && atBottom:
		return ""
	case atTop:
		return " · ↓ more"
	case atBottom:
		return " · ↑ more"
	}
	return " · ↑↓ more"
}

// eventsKey says what a cached event log was rendered from: the events
// (by count appended), the width, and the day, since times from another
// day show their date.
type eventsKey struct {
	seq   uint64
	width int
	day   int
}

// cachedEvents is the event log's lines, indented off the border,
// rendered once per new event, width or day.
func (m *Model) cachedEvents(r *row, width int) []string {
	k := eventsKey{seq: r.evSeq, width: width, day: m.now().In(m.loc).YearDay()}
	return r.ev.get(k, func() []string { return indent(m.eventLines(r, width)) })
}

// indent shifts every line one cell right, off the border.
func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = " " + l
	}
	return out
}

// window returns n lines of lines starting at off, padded with blanks.
func window(lines []string, off, n int) []string {
	out := make([]string, n)
	for i := range n {
		if j := off + i; j >= 0 && j < len(lines) {
			out[i] = lines[j]
		}
	}
	return out
}

// divider is a titled rule across a pane.
func (m *Model) divider(title string, w int) string {
	t := "─ " + title + " "
	return m.styles.Muted.Render(fit(t+strings.Repeat("─", max(0, w-cells(t))), w))
}

// box draws lines in a bordered pane of exactly w × h cells with title in
// the top edge. A focused pane has a thick border; the caller marks the
// focused part's title with GlyphSelected.
func (m *Model) box(title string, lines []string, w, h int, focused bool) []string {
	b := m.styles.Pane
	if focused {
		b = m.styles.PaneFocused
	}
	inner := w - 2
	t := clip(" "+title+" ", max(0, inner-2))
	out := make([]string, 0, h)
	out = append(out, b.Ink.Render(b.TopLeft+b.Horizontal)+m.styles.PaneTitle.Render(t)+
		b.Ink.Render(strings.Repeat(b.Horizontal, max(0, inner-1-cells(t)))+b.TopRight))
	side := b.Ink.Render(b.Vertical)
	for i := 0; i < h-2; i++ {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		out = append(out, side+fit(l, inner)+side)
	}
	out = append(out, b.Ink.Render(b.BottomLeft+strings.Repeat(b.Horizontal, max(0, inner))+b.BottomRight))
	return out
}
