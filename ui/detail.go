package ui

import (
	"strings"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// detailLines renders the selected order's detail, each line at most
// width cells: the market, then the verdict, then the diagnosis, the
// order's facts and IDs, the timeline and the Kalshi figures. The verdict
// and the worst finding come first so that they are on screen at every
// size; compact drops the headings and blank lines, and puts the
// diagnosis before the facts.
func (m *Model) detailLines(r *row, width int, compact bool) lineBuilder {
	b := lineBuilder{width: width, compact: compact}
	st := &m.styles
	now := m.now()
	s := m.liveSnap(r)

	b.flow(2, m.titleLine(s)...)
	if s == nil {
		b.add(st.Muted.Render(GlyphNotYet + " waiting for the first reply from the sources"))
		m.detailFacts(&b, r)
		return b
	}
	v := s.Verdict(now, m.loc)
	b.wrap(st.Mark(v.Mark).Render(v.Mark.Glyph())+" ", 2, textsafe.Clean(v.Text), st.Bold)
	if stale(s, now, m.interval) {
		b.wrap(st.Stale.Render(GlyphWarn+" STALE")+" ", 8, staleText(s, now, m.interval), st.Warn)
	}
	if compact {
		m.diagnosisSection(&b, s)
		m.detailFacts(&b, r)
	} else {
		m.detailFacts(&b, r)
		b.blank()
		m.diagnosisSection(&b, s)
	}
	b.blank()
	m.timelineSection(&b, s)
	b.blank()
	m.kalshiSection(&b, s)
	return b
}

// liveSnap is the row's snapshot diagnosed again at this second, with the
// engine's own pure rules and thresholds, so the ages in the messages
// agree with the verdict's and the timeline's, which tick every second;
// nil before the first reply.
func (m *Model) liveSnap(r *row) *engine.Snapshot {
	if r.snap == nil {
		return nil
	}
	live := *r.snap
	live.Diagnosis = engine.Diagnose(live, m.stuck, m.now(), m.loc)
	return &live
}

// staleText says which source is stale and since when.
func staleText(s *engine.Snapshot, now time.Time, interval time.Duration) string {
	var parts []string
	for _, src := range []struct {
		name string
		ss   engine.SourceStatus
	}{{"kalshi", s.Sources.Kalshi}, {"intent", s.Sources.Intent}} {
		if !sourceStale(src.ss, now, interval) {
			continue
		}
		p := src.name + " data from " + ago(src.ss.LastSuccess, now)
		if src.ss.LastSuccess.IsZero() {
			p = "no " + src.name + " data yet"
		}
		if src.ss.Err != "" {
			// Whole: the line wraps, and this is where the detail says
			// why the data is old.
			p += " (" + textsafe.Clean(src.ss.Err) + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// titleLine is the order's market and, once the market is read, the
// outcome it bets on.
func (m *Model) titleLine(s *engine.Snapshot) []part {
	st := &m.styles
	ticker, side := "", ""
	var mk *kalshi.Market
	if s != nil {
		ticker, mk = marketOf(s), s.Market
		_, side, _ = s.Limit()
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
	return []part{{text: st.Bold.Render(title)}, {st.Muted.Render(" · "), st.Text.Render(textsafe.Clean(sub))}}
}

// detailFacts is the direction, price, size and money locked, then both
// IDs.
func (m *Model) detailFacts(b *lineBuilder, r *row) {
	st := &m.styles
	facts := orderFacts(r.snap)
	parts := make([]part, len(facts))
	for i, f := range facts {
		parts[i] = part{" · ", f}
	}
	b.flowInk(st.Text, 2, parts...)
	m.detailIDs(b, r)
}

// orderFacts is "buy yes", "limit $0.56", "10 contracts", "$5.60 locked":
// Kalshi's record where it has one, else what the intent asked for.
func orderFacts(s *engine.Snapshot) []string {
	var o *kalshi.Order
	var in *pipeline.Intent
	if s != nil {
		o, in = s.Order, s.Intent
	}
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
	kind := "limit"
	if o != nil && o.Type != "" {
		kind = textsafe.Clean(o.Type)
	}
	if s != nil {
		if limit, side, ok := s.Limit(); ok {
			dir = strings.TrimSpace(dir + " " + side)
			if !limit.IsZero() {
				facts = append(facts, kind+" "+limit.Dollars())
			}
		}
	}
	if dir != "" {
		facts = append([]string{dir}, facts...)
	}
	switch {
	case o != nil && !o.InitialCount.IsZero():
		facts = append(facts, o.InitialCount.Count()+" contracts")
	case in != nil && !in.Quantity.IsZero():
		facts = append(facts, in.Quantity.Count()+" contracts")
	}
	if in != nil && !in.QuoteAmount.IsZero() {
		facts = append(facts, in.QuoteAmount.Dollars()+" locked")
	}
	if in != nil && in.ActionType != "" && in.ActionType != "MarketOrder" {
		facts = append(facts, textsafe.Clean(in.ActionType))
	}
	return facts
}

// detailIDs is the intent's and the Kalshi order's IDs, or why there is
// none.
func (m *Model) detailIDs(b *lineBuilder, r *row) {
	st := &m.styles
	s := r.snap
	var o *kalshi.Order
	var in *pipeline.Intent
	if s != nil {
		o, in = s.Order, s.Intent
	}
	b.add(st.Label.Render("intent ") + st.Text.Render(m.intentID(r)))
	kid := ""
	switch {
	case o != nil:
		kid = o.OrderID
	case in != nil:
		kid = in.KalshiOrderID
	case r.target.Kind == engine.KindKalshi, s != nil && s.KalshiOnly():
		kid = r.target.ID
	}
	if kid == "" {
		kid = "none yet"
	}
	kline := st.Label.Render("kalshi ") + st.Text.Render(textsafe.Clean(kid))
	if s != nil && s.KalshiArchived {
		// Say where the figures come from: Kalshi no longer serves the
		// order live.
		const note = "archived by Kalshi"
		if cells(kline)+3+len(note) <= b.width {
			kline += st.Muted.Render(" · " + note)
		} else {
			b.add(kline)
			kline = "       " + st.Muted.Render(note)
		}
	}
	b.add(kline)
}

// intentID is the intent's ID, or the one phrase the engine gives for why
// there is none, so a bare ID says one consistent thing everywhere.
func (m *Model) intentID(r *row) string {
	s := r.snap
	switch {
	case s != nil && s.Intent != nil && s.Intent.ID != "":
		return textsafe.Clean(s.Intent.ID)
	case s != nil:
		return s.IntentNote()
	case r.target.Kind == engine.KindKalshi:
		return engine.Snapshot{Target: r.target}.IntentNote()
	}
	return textsafe.Clean(r.target.ID)
}

// diagnosisSection lists findings, most severe first: the glyph and code,
// then the message without the order's name, wrapped. A healthy order in
// compact mode shows nothing here; its verdict already says so.
func (m *Model) diagnosisSection(b *lineBuilder, s *engine.Snapshot) {
	st := &m.styles
	if len(s.Diagnosis) == 0 {
		if b.compact {
			return
		}
		if stale(s, m.now(), m.interval) {
			// Old data cannot vouch for the order now.
			b.add(st.Section.Render("Diagnosis") + "  " + st.Warn.Render(GlyphWarn) + st.Muted.Render(" nothing found, but the data is stale"))
		} else {
			b.add(st.Section.Render("Diagnosis") + "  " + st.Good.Render(GlyphReached) + st.Muted.Render(" no problems found"))
		}
		return
	}
	if !b.compact {
		b.heading(st.Section.Render("Diagnosis"))
	}
	indent := "  "
	if b.compact {
		indent = ""
	}
	for _, f := range sortedFindings(s.Diagnosis) {
		g := st.Finding(f).Render(f.Glyph() + " " + textsafe.Clean(f.Code))
		b.wrap(indent+g+"  ", len(indent)+2, textsafe.Clean(s.FindingText(f)), st.Text)
	}
}

// sortedFindings orders findings most severe first, keeping the engine's
// order within a severity.
func sortedFindings(in []engine.Finding) []engine.Finding {
	out := make([]engine.Finding, 0, len(in))
	for sev := engine.SevError; sev >= engine.SevInfo; sev-- {
		for _, f := range in {
			if f.Severity == sev || (sev == engine.SevInfo && f.Severity < engine.SevInfo) {
				out = append(out, f)
			}
		}
	}
	return out
}
