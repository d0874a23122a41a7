package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"ordermon/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
	"ordermon/textsafe"
)

// detailLines renders the selected order's header, timeline, Kalshi panel
// and diagnosis, each line at most width cells.
func (m *Model) detailLines(r *row, width int, compact bool) []string {
	var b lineBuilder
	b.width = width
	b.compact = compact
	st := &m.styles
	now := m.now()
	s := r.snap

	m.detailHeader(&b, r)
	if stale(s, now, m.interval) {
		b.add(st.Stale.Render(GlyphWarn+" STALE") + " " + st.Warn.Render(staleText(s, now, m.interval)))
	}
	b.blank()
	if s == nil {
		b.add(st.Muted.Render(GlyphNotYet + " waiting for the first reply from the sources"))
		return b.lines
	}
	m.timelineSection(&b, s)
	b.blank()
	m.kalshiSection(&b, s)
	b.blank()
	m.diagnosisSection(&b, s)
	return b.lines
}

// lineBuilder collects lines clipped to a width.
type lineBuilder struct {
	width int
	lines []string
	// compact drops spacing and folds the timeline into two lines, for
	// short terminals.
	compact bool
}

func (b *lineBuilder) add(s string) { b.lines = append(b.lines, clip(s, b.width)) }
func (b *lineBuilder) blank() {
	if !b.compact {
		b.lines = append(b.lines, "")
	}
}

// wrap adds prefix followed by text word-wrapped to the width, later
// lines indented by cont cells, so a long reason or message is shown in
// full rather than cut off.
func (b *lineBuilder) wrap(prefix string, cont int, text string, style Ink) {
	b.lines = append(b.lines, wrapLines(prefix, cont, text, style, b.width)...)
}

// wrapLines is wrap's work, for callers without a lineBuilder. It breaks
// at spaces only (IDs and timestamps keep their hyphens), and hard-breaks
// a word longer than the line.
func wrapLines(prefix string, cont int, text string, style Ink, width int) []string {
	pw := cells(prefix)
	first := max(10, width-pw)
	rest := max(10, width-cont)
	words := strings.Fields(text)
	var out []string
	var line strings.Builder
	lw, limit := 0, first
	flush := func() {
		p := strings.Repeat(" ", cont)
		if len(out) == 0 {
			p = prefix
		}
		out = append(out, clip(p+style.Render(line.String()), width))
		line.Reset()
		lw, limit = 0, rest
	}
	for _, w := range words {
		ww := cells(w)
		if lw > 0 && lw+1+ww > limit {
			flush()
		}
		for ww > limit {
			// A word longer than a whole line: cut it.
			head := ansi.Cut(w, 0, limit-lw)
			line.WriteString(head)
			flush()
			w = ansi.Cut(w, cells(head), ww)
			ww = cells(w)
		}
		if lw > 0 {
			line.WriteByte(' ')
			lw++
		}
		line.WriteString(w)
		lw += ww
	}
	if lw > 0 || len(out) == 0 {
		flush()
	}
	return out
}

// staleText says which source is stale and since when.
func staleText(s *pipeline.Snapshot, now time.Time, interval time.Duration) string {
	var parts []string
	for _, src := range []struct {
		name string
		ss   pipeline.SourceStatus
	}{{"kalshi", s.Sources.Kalshi}, {"intent", s.Sources.Intent}} {
		if !sourceStale(src.ss, now, interval) {
			continue
		}
		p := src.name + " data from " + ago(src.ss.LastSuccess, now)
		if src.ss.LastSuccess.IsZero() {
			p = "no " + src.name + " data yet"
		}
		if src.ss.Err != "" {
			p += " (" + shortErr(src.ss.Err) + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// detailHeader is the market, side, price, type and both IDs.
func (m *Model) detailHeader(b *lineBuilder, r *row) {
	st := &m.styles
	s := r.snap
	var o *kalshi.Order
	var in *pipeline.Intent
	var mk *kalshi.Market
	if s != nil {
		o, in, mk = s.Order, s.Intent, s.Market
	}

	ticker, side := "", ""
	switch {
	case o != nil:
		ticker, side = o.Ticker, o.OutcomeSide
	case in != nil:
		ticker, side = in.MarketID, strings.ToLower(in.Side)
	}
	if mk != nil && ticker == "" {
		ticker = mk.Ticker
	}
	title := textsafe.Clean(ticker)
	if title == "" {
		title = "market unknown yet"
	}
	sub := ""
	if mk != nil {
		sub = mk.Title
		switch {
		case side == "no" && mk.NoSubTitle != "":
			sub = mk.NoSubTitle
		case side != "no" && mk.YesSubTitle != "":
			sub = mk.YesSubTitle
		}
	}
	line := st.Bold.Render(title)
	if sub = textsafe.Clean(sub); sub != "" {
		line += st.Muted.Render(" · ") + st.Text.Render(sub)
	}
	b.add(line)

	// Direction, price, size and money locked.
	var facts []string
	dir := ""
	switch {
	case in != nil && in.OrderType != "":
		dir = strings.ToLower(textsafe.Clean(in.OrderType))
	case o != nil && o.Action != "":
		dir = textsafe.Clean(o.Action)
	case o != nil:
		dir = "buy" // today's API expresses every order as a bid on its outcome
	}
	if side != "" {
		dir = strings.TrimSpace(dir + " " + textsafe.Clean(side))
	}
	if dir != "" {
		facts = append(facts, dir)
	}
	kind := "limit"
	if o != nil && o.Type != "" {
		kind = textsafe.Clean(o.Type)
	}
	switch {
	case o != nil && !o.LimitPrice().IsZero():
		facts = append(facts, kind+" "+dollars(o.LimitPrice()))
	case in != nil && !in.PriceCents.IsZero():
		facts = append(facts, kind+" "+count(in.PriceCents)+"¢")
	case o != nil:
		facts = append(facts, kind+" order")
	}
	switch {
	case o != nil && !o.InitialCount.IsZero():
		facts = append(facts, count(o.InitialCount)+" contracts")
	case in != nil && !in.Quantity.IsZero():
		facts = append(facts, count(in.Quantity)+" contracts")
	}
	if in != nil && !in.QuoteAmount.IsZero() {
		facts = append(facts, dollars(in.QuoteAmount)+" locked")
	}
	if in != nil && in.ActionType != "" && in.ActionType != "MarketOrder" {
		facts = append(facts, textsafe.Clean(in.ActionType))
	}
	if len(facts) > 0 {
		b.add(st.Text.Render(strings.Join(facts, " · ")))
	}

	kid := ""
	switch {
	case o != nil:
		kid = o.OrderID
	case in != nil:
		kid = in.KalshiOrderID
	case r.target.Kind == pipeline.KindKalshi:
		kid = r.target.ID
	}
	iid := ""
	switch {
	case in != nil && in.ID != "":
		iid = in.ID
	case r.target.Kind == pipeline.KindIntent:
		iid = r.target.ID
	case r.target.Kind == pipeline.KindAuto && (s == nil || s.Order == nil):
		iid = r.target.ID + " (unresolved)"
	}
	if iid == "" {
		iid = "none (Kalshi order only)"
	}
	if kid == "" {
		kid = "none yet"
	}
	b.add(st.Label.Render("intent ") + st.Text.Render(textsafe.Clean(iid)))
	b.add(st.Label.Render("kalshi ") + st.Text.Render(textsafe.Clean(kid)))
}

// timelineSection is one row per pipeline stage.
func (m *Model) timelineSection(b *lineBuilder, s *pipeline.Snapshot) {
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
	rows := pipeline.Timeline(in, now)
	if b.compact {
		m.compactTimeline(b, in, rows, now)
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

// kalshiSection is the order as Kalshi sees it: status, fills, money,
// queue, book and expiry.
func (m *Model) kalshiSection(b *lineBuilder, s *pipeline.Snapshot) {
	st := &m.styles
	o := s.Order
	if o == nil {
		b.add(st.Section.Render("Kalshi"))
		msg := "no Kalshi data yet"
		switch {
		case s.Sources.Kalshi.NotFound:
			msg = "Kalshi does not know this order (404)"
		case s.Sources.Kalshi.Err != "":
			msg = "Kalshi unavailable: " + textsafe.Clean(s.Sources.Kalshi.Err)
		case s.Intent != nil && s.Intent.KalshiOrderID == "":
			msg = "not placed on Kalshi yet"
		}
		b.add("  " + st.Muted.Render(msg))
		return
	}
	now := m.now()
	status := s.KalshiStatusText()
	var statusStyled string
	switch {
	case o.Status == kalshi.StatusExecuted:
		statusStyled = st.Good.Render(GlyphReached + " " + status)
	case o.Status == kalshi.StatusCanceled:
		statusStyled = st.Bad.Render(GlyphFailed + " " + status)
	default:
		statusStyled = st.Accent.Render(GlyphCurrent + " " + status)
	}
	head := st.Section.Render("Kalshi") + "  " + statusStyled
	if reason := textsafe.Clean(o.LastUpdateReason); reason != "" {
		head += st.Muted.Render(" (" + reason + ")")
	}
	b.add(head)

	// Fill bar: never full unless everything filled, never empty once
	// anything has.
	barW := min(30, max(10, b.width-40))
	b.add("  " + m.fillBar(o.FillCount, o.InitialCount, barW) + "  " +
		st.Bold.Render(count(o.FillCount)) + st.Muted.Render(" filled · ") +
		st.Text.Render(count(o.RemainingCount)) + st.Muted.Render(" left · ") +
		st.Text.Render(count(o.InitialCount)) + st.Muted.Render(" total"))

	if avg, ok := o.AverageFillPrice(); ok {
		b.add("  " + st.Label.Render("avg fill ") + st.Bold.Render(dollars(avg)) +
			st.Label.Render("   fill cost ") + st.Text.Render(dollars(o.TotalFillCost())) +
			st.Muted.Render(" (taker "+dollars(o.TakerFillCost)+", maker "+dollars(o.MakerFillCost)+")"))
	} else {
		b.add("  " + st.Label.Render("avg fill ") + st.Muted.Render("— nothing filled yet"))
	}
	b.add("  " + st.Label.Render("fees ") + st.Text.Render("taker "+dollars(o.TakerFees)+" · maker "+dollars(o.MakerFees)) +
		st.Label.Render("   total cost ") + st.Bold.Render(dollars(o.TotalCost())))

	if q := m.queueLine(s); q != "" {
		b.add("  " + q)
	}
	if bk := m.bookLine(o, s.Market); bk != "" {
		b.add("  " + bk)
	}
	switch {
	case !o.ExpirationTime.IsZero() && !o.Status.Terminal():
		left := o.ExpirationTime.Sub(now)
		if left <= 0 {
			b.add("  " + st.Warn.Render(GlyphWarn+" expiry passed "+age(-left)+" ago at "+clock(o.ExpirationTime, m.loc, now)))
		} else {
			b.add("  " + st.Label.Render("expires in ") + st.Text.Render(age(left)) + st.Muted.Render(" at "+clock(o.ExpirationTime, m.loc, now)))
		}
	case o.ExpirationTime.IsZero() && !o.Status.Terminal():
		b.add("  " + st.Label.Render("expires ") + st.Muted.Render("never (good till canceled)"))
	}
}

// fillBar draws filled/initial as a static bar with its percentage. The
// cell count is worked out in integers so 99.9% never looks like 100%.
func (m *Model) fillBar(filled, initial fixed.Decimal, width int) string {
	st := &m.styles
	cells, pct := 0, 0
	if initial.Sign() > 0 && filled.Sign() > 0 {
		f, in := filled.Micros(), initial.Micros()
		if f >= in {
			cells, pct = width, 100
		} else {
			cells = max(1, min(width-1, int(f*int64(width)/in)))
			pct = min(99, int(f*100/in))
		}
	}
	m.bar.SetWidth(width)
	bar := m.bar.ViewAs(float64(cells) / float64(width))
	return bar + st.Text.Render(fitLeft(itoa(pct)+"%", 5))
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// queueLine is "queue 12 ahead ▼ from 20", or "" when Kalshi gave no
// position (the order is not resting).
func (m *Model) queueLine(s *pipeline.Snapshot) string {
	st := &m.styles
	if s.QueueAhead == nil {
		return ""
	}
	q := *s.QueueAhead
	out := st.Label.Render("queue ")
	if q.IsZero() {
		out += st.Good.Render("first in line (0 ahead)")
	} else {
		out += st.Bold.Render(count(q) + " ahead")
	}
	if p := s.PrevQueueAhead; p != nil {
		switch q.Cmp(*p) {
		case -1:
			out += " " + st.Good.Render(GlyphDown+" from "+count(*p))
		case 1:
			out += " " + st.Warn.Render(GlyphUp+" from "+count(*p))
		default:
			out += st.Muted.Render("  unchanged")
		}
	}
	return out
}

// bookLine sets the order's price against the best bid and ask on its own
// side of the market.
func (m *Model) bookLine(o *kalshi.Order, mk *kalshi.Market) string {
	st := &m.styles
	if mk == nil {
		return ""
	}
	bid, ask := mk.YesBid, mk.YesAsk
	side := "yes"
	if o.OutcomeSide == "no" {
		bid, ask, side = mk.NoBid, mk.NoAsk, "no"
	}
	out := st.Label.Render(side+" bid ") + st.Text.Render(dollars(bid)) +
		st.Label.Render(" · ask ") + st.Text.Render(dollars(ask))
	lim := o.LimitPrice()
	if lim.IsZero() || o.Status.Terminal() {
		return out
	}
	out += st.Label.Render(" · yours ") + st.Bold.Render(dollars(lim))
	switch {
	case !ask.IsZero() && lim.Cmp(ask) >= 0:
		out += " " + st.Warn.Render(GlyphWarn+" at or above the ask")
	case bid.IsZero():
		out += st.Muted.Render(" (no bids)")
	case lim.Cmp(bid) == 0:
		out += st.Muted.Render(" (at the best bid)")
	case lim.Cmp(bid) > 0:
		out += st.Muted.Render(" (above the best bid)")
	default:
		out += st.Muted.Render(" (" + dollars(bid.Sub(lim)) + " below the best bid)")
	}
	return out
}

// diagnosisSection lists findings, most severe first.
func (m *Model) diagnosisSection(b *lineBuilder, s *pipeline.Snapshot) {
	st := &m.styles
	b.add(st.Section.Render("Diagnosis"))
	if len(s.Diagnosis) == 0 {
		if stale(s, m.now(), m.interval) {
			// Old data cannot vouch for the order now.
			b.add("  " + st.Warn.Render(GlyphWarn) + st.Muted.Render(" nothing found, but the data is stale"))
		} else {
			b.add("  " + st.Good.Render(GlyphReached) + st.Muted.Render(" no problems found"))
		}
		return
	}
	fs := sortedFindings(s.Diagnosis)
	for _, f := range fs {
		var g string
		switch f.Severity {
		case pipeline.SevError:
			g = st.Bad.Render(GlyphFailed + " " + textsafe.Clean(f.Code))
		case pipeline.SevWarn:
			g = st.Warn.Render(GlyphWarn + " " + textsafe.Clean(f.Code))
		default:
			g = st.Info.Render(GlyphInfo + " " + textsafe.Clean(f.Code))
		}
		b.wrap("  "+g+"  ", 6, textsafe.Clean(f.Message), st.Text)
	}
}

// sortedFindings orders findings most severe first, keeping the engine's
// order within a severity.
func sortedFindings(in []pipeline.Finding) []pipeline.Finding {
	out := make([]pipeline.Finding, 0, len(in))
	for sev := pipeline.SevError; sev >= pipeline.SevInfo; sev-- {
		for _, f := range in {
			if f.Severity == sev || (sev == pipeline.SevInfo && f.Severity < pipeline.SevInfo) {
				out = append(out, f)
			}
		}
	}
	return out
}

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
		case e.Kind == pipeline.EventSourceFailed:
			gs = st.Warn.Render(g)
		case g == GlyphReached:
			gs = st.Good.Render(g)
		default:
			gs = st.Accent.Render(g)
		}
		msg := textsafe.Clean(e.Message)
		if msg == "" {
			msg = textsafe.Clean(string(e.Kind) + " " + e.From + " → " + e.To)
		}
		prefix := st.Muted.Render(clock(e.At, m.loc, now)) + "  " + gs + " "
		lines = append(lines, wrapLines(prefix, cells(prefix), msg, st.Text, width)...)
	}
	if len(lines) == 0 {
		lines = append(lines, st.Muted.Render("no events yet"))
	}
	return lines
}

// eventGlyph picks a glyph that says what kind of change an event was.
func eventGlyph(e pipeline.Event) string {
	switch e.Kind {
	case pipeline.EventStageReached, pipeline.EventKalshiStatus:
		if e.To == string(pipeline.StatusFailed) || e.To == string(kalshi.StatusCanceled) {
			return GlyphFailed
		}
		if e.Kind == pipeline.EventStageReached {
			return GlyphReached
		}
	case pipeline.EventSourceRecovered:
		return GlyphReached
	case pipeline.EventSourceFailed:
		return GlyphWarn
	case pipeline.EventQueueMoved:
		from, err1 := fixed.Parse(e.From)
		to, err2 := fixed.Parse(e.To)
		if err1 == nil && err2 == nil && to.Cmp(from) > 0 {
			return GlyphUp
		}
		return GlyphDown
	}
	return GlyphCurrent
}
