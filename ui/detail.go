package ui

import (
	"strings"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
	"ordermon/kalshi"
	"ordermon/pipeline"
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
	case r.target.Kind == engine.KindKalshi:
		kid = r.target.ID
	}
	iid := ""
	switch {
	case in != nil && in.ID != "":
		iid = in.ID
	case r.target.Kind == engine.KindIntent:
		iid = r.target.ID
	case r.target.Kind == engine.KindAuto && (s == nil || s.Order == nil):
		iid = r.target.ID + " (unresolved)"
	}
	if iid == "" {
		iid = "none (Kalshi order only)"
	}
	if kid == "" {
		kid = "none yet"
	}
	b.add(st.Label.Render("intent ") + st.Text.Render(textsafe.Clean(iid)))
	kline := st.Label.Render("kalshi ") + st.Text.Render(textsafe.Clean(kid))
	if s != nil && s.KalshiArchived {
		// Say where the figures come from: Kalshi no longer serves the
		// order live.
		kline += st.Muted.Render(" · archived by Kalshi")
	}
	b.add(kline)
}

// diagnosisSection lists findings, most severe first.
func (m *Model) diagnosisSection(b *lineBuilder, s *engine.Snapshot) {
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
		case engine.SevError:
			g = st.Bad.Render(GlyphFailed + " " + textsafe.Clean(f.Code))
		case engine.SevWarn:
			g = st.Warn.Render(GlyphWarn + " " + textsafe.Clean(f.Code))
		default:
			g = st.Info.Render(GlyphInfo + " " + textsafe.Clean(f.Code))
		}
		b.wrap("  "+g+"  ", 6, textsafe.Clean(f.Message), st.Text)
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
