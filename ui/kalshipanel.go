package ui

import (
	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/internal/report"
	"ordermon/internal/textsafe"
	"ordermon/internal/timefmt"
	"ordermon/kalshi"
)

// kalshiSection is the order as Kalshi sees it: status, fills, money,
// queue, book and expiry.
func (m *Model) kalshiSection(b *lineBuilder, s *engine.Snapshot) {
	st := &m.styles
	o := s.Order
	if o == nil {
		msg := "no Kalshi data yet"
		switch {
		case s.Sources.Kalshi.NotFound:
			msg = "Kalshi does not know this order (404)"
		case s.Sources.Kalshi.Err != "":
			msg = "Kalshi unavailable: " + textsafe.Clean(s.Sources.Kalshi.Err)
		case s.Intent != nil && s.Intent.KalshiOrderID == "":
			msg = "not placed on Kalshi yet"
		case s.NotFound():
			return // the verdict says it all
		}
		// The heading carries its one line, so it never stands alone.
		b.wrap(st.Section.Render("Kalshi")+"  ", 2, msg, st.Muted)
		return
	}
	status := s.KalshiStatusReason()
	var statusStyled string
	switch o.Status {
	case kalshi.StatusExecuted:
		statusStyled = st.Good.Render(GlyphReached + " " + status)
	case kalshi.StatusCanceled:
		statusStyled = st.Bad.Render(GlyphFailed + " " + status)
	default:
		statusStyled = st.Accent.Render(GlyphCurrent + " " + status)
	}
	head := []part{{text: st.Section.Render("Kalshi") + "  " + statusStyled}}
	if why := engine.UpdateReason(o.LastUpdateReason); why != "" && o.Status == kalshi.StatusResting {
		// An order that ended says why in its status; one still resting
		// says what last changed it.
		head = append(head, part{st.Muted.Render(" · "), st.Muted.Render(why)})
	}
	b.flow(8, head...)

	m.moneyLines(b, o)
	b.flow(4, m.staleFigure(m.queueParts(s), "queue", s.Figures.Queue)...)
	b.flow(4, m.staleFigure(m.bookParts(o, s.Market), "market", s.Figures.Market)...)
	b.flow(4, m.staleFigure(nil, "fills", s.Figures.Fills)...)
	m.expiryLine(b, o)
}

// staleFigure marks a figure whose last read failed, beside its last
// value, or on a line of its own, named by label, when there is no value
// to show; a fresh figure's parts are returned as they are.
func (m *Model) staleFigure(parts []part, label string, f engine.Figure) []part {
	st := &m.styles
	text := f.StaleText(m.now())
	if text == "" {
		return parts
	}
	mark := st.Warn.Render(GlyphWarn + " " + textsafe.Clean(text))
	if len(parts) == 0 {
		return []part{{text: "  " + st.Label.Render(label+" ") + mark}}
	}
	return append(parts, part{"  ", mark})
}

// moneyLines are the fill bar, the average price and fill cost, and the
// fees.
func (m *Model) moneyLines(b *lineBuilder, o *kalshi.Order) {
	st := &m.styles
	// Fill bar: never full unless everything filled, never empty once
	// anything has.
	barW := min(30, max(10, b.width-40))
	dot := st.Muted.Render(" · ")
	b.flow(4, part{text: "  " + m.fillBar(o.FillCount, o.InitialCount, barW)},
		part{"  ", st.Bold.Render(o.FillCount.Count()) + st.Muted.Render(" filled")},
		part{dot, st.Text.Render(o.RemainingCount.Count()) + st.Muted.Render(" left")},
		part{dot, st.Text.Render(o.InitialCount.Count()) + st.Muted.Render(" total")})

	if avg, ok := o.AverageFillPrice(); ok {
		b.flow(4, part{text: "  " + st.Label.Render("avg fill ") + st.Bold.Render(avg.Dollars())},
			part{"   ", st.Label.Render("fill cost ") + st.Text.Render(o.TotalFillCost().Dollars())},
			part{" ", st.Muted.Render("(taker " + o.TakerFillCost.Dollars() + ", maker " + o.MakerFillCost.Dollars() + ")")})
	} else {
		b.add("  " + st.Label.Render("avg fill ") + st.Muted.Render("— nothing filled yet"))
	}
	b.flow(4, part{text: "  " + st.Label.Render("fees ") + st.Text.Render("taker "+o.TakerFees.Dollars()+" · maker "+o.MakerFees.Dollars())},
		part{"   ", st.Label.Render("total cost ") + st.Bold.Render(o.TotalCost().Dollars())})
}

// expiryLine says when a live order expires, or that it never does.
func (m *Model) expiryLine(b *lineBuilder, o *kalshi.Order) {
	st := &m.styles
	now := m.now()
	switch {
	case !o.ExpirationTime.IsZero() && !o.Status.Terminal():
		left := o.ExpirationTime.Sub(now)
		if left <= 0 {
			b.add("  " + st.Warn.Render(GlyphWarn+" expiry passed "+age(-left)+" ago at "+timefmt.Clock(o.ExpirationTime, m.loc, now)))
		} else {
			b.flow(4, part{text: "  " + st.Label.Render("expires in ") + st.Text.Render(age(left))},
				part{" ", st.Muted.Render("at " + timefmt.Clock(o.ExpirationTime, m.loc, now))})
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
	bar := m.panes.bar.get([2]int{cells, width}, func() string {
		m.bar.SetWidth(width)
		return m.bar.ViewAs(float64(cells) / float64(width))
	})
	return bar + st.Text.Render(fitLeft(itoa(pct)+"%", 5))
}

// queueParts is "queue 12 ahead at your price $0.56 ▲ 8 closer", or
// nothing when Kalshi gave no position (the order is not resting).
func (m *Model) queueParts(s *engine.Snapshot) []part {
	st := &m.styles
	text := report.QueueText(*s)
	if text == "" {
		return nil
	}
	head := "  " + st.Label.Render("queue ")
	if s.QueueAhead.IsZero() {
		head += st.Good.Render(text)
	} else {
		head += st.Bold.Render(text)
	}
	parts := []part{{text: head}}
	if p := s.PrevQueueAhead; p != nil {
		move := engine.QueueMove(*p, *s.QueueAhead)
		switch s.QueueAhead.Cmp(*p) {
		case -1:
			parts = append(parts, part{" ", st.Good.Render(move)})
		case 1:
			parts = append(parts, part{" ", st.Warn.Render(move)})
		default:
			parts = append(parts, part{"  ", st.Muted.Render("unchanged")})
		}
	}
	return parts
}

// bookParts sets the order's price against the best bid and ask on its
// own side of the market.
func (m *Model) bookParts(o *kalshi.Order, mk *kalshi.Market) []part {
	st := &m.styles
	if mk == nil {
		return nil
	}
	bid, ask := mk.YesBid, mk.YesAsk
	side := "yes"
	if o.OutcomeSide == "no" {
		bid, ask, side = mk.NoBid, mk.NoAsk, "no"
	}
	dot := st.Label.Render(" · ")
	parts := []part{{text: "  " + st.Label.Render(side+" bid ") + st.Text.Render(bid.Dollars())},
		{dot, st.Label.Render("ask ") + st.Text.Render(ask.Dollars())}}
	lim := o.LimitPrice()
	if lim.IsZero() || o.Status.Terminal() {
		return parts
	}
	parts = append(parts, part{dot, st.Label.Render("yours ") + st.Bold.Render(lim.Dollars())})
	var where string
	switch {
	case !ask.IsZero() && lim.Cmp(ask) >= 0:
		return append(parts, part{" ", st.Warn.Render(GlyphWarn + " at or above the ask")})
	case bid.IsZero():
		where = "(no bids)"
	case lim.Cmp(bid) == 0:
		where = "(at the best bid)"
	case lim.Cmp(bid) > 0:
		where = "(above the best bid)"
	default:
		where = "(" + bid.Sub(lim).Dollars() + " below the best bid)"
	}
	return append(parts, part{" ", st.Muted.Render(where)})
}
