package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/internal/timefmt"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Markdown renders one order's full report: its verdict, header, pipeline
// timeline, Kalshi figures, diagnosis and events (newest first), with every time in
// loc (UTC when nil). Server strings are sanitized. events are this
// order's events, in any order; ages are measured at now.
//
// Every server string is passed through textsafe.Clean and then has its
// Markdown-significant characters backslash-escaped, so a ticker or a
// termination reason cannot break a table, start a heading, open a code
// span or smuggle in a link or HTML.
func Markdown(s engine.Snapshot, events []engine.Event, loc *time.Location, now time.Time) string {
	if loc == nil {
		loc = time.UTC
	}
	m := mdWriter{loc: loc, zone: now.In(loc).Format("MST")}
	m.header(s, now)
	m.pipeline(s, now)
	m.kalshi(s)
	m.diagnosis(s)
	m.events(events)
	m.sources(s)
	return strings.TrimRight(m.b.String(), "\n") + "\n"
}

type mdWriter struct {
	b    strings.Builder
	loc  *time.Location
	zone string // the zone abbreviation the column headers name
}

func (m *mdWriter) printf(format string, args ...any) { fmt.Fprintf(&m.b, format, args...) }

func (m *mdWriter) header(s engine.Snapshot, now time.Time) {
	m.printf("# Order %s\n\n", md(s.Name()))
	m.printf("**%s**\n\n", md(s.Verdict(now, m.loc).String()))

	ticker, side, action, orderType, limit := orderFacts(s)
	var lines []string
	add := func(label, value string) {
		if value == "" {
			value = "—"
		}
		lines = append(lines, "**"+label+":** "+value)
	}
	add("Market", marketText(s, ticker, side))
	add("Side", joinNonEmpty([]string{md(action), md(side)}, " "))
	add("Limit price", limit)
	add("Type", md(orderType))
	kalshiID := ""
	if s.Order != nil {
		kalshiID = s.Order.OrderID
	} else if s.Intent != nil {
		kalshiID = s.Intent.KalshiOrderID
	}
	add("Kalshi order ID", md(kalshiID))
	if s.Intent != nil {
		add("Intent ID", md(s.Intent.ID))
	} else {
		add("Intent ID", md(s.IntentNote()))
	}
	stage := md(s.StageText())
	if stage == "" {
		stage = "unknown"
	}
	if d, ok := s.CurrentStageSince(now); ok {
		stage += " for " + timefmt.Duration(d)
	}
	add("Stage", stage)
	outcomeText := "in progress"
	switch s.Outcome() {
	case engine.OutcomeSuccess:
		outcomeText = "succeeded"
	case engine.OutcomeFailure:
		outcomeText = "failed"
	case engine.OutcomeNotFound:
		outcomeText = "not found by " + s.NotFoundBy()
	}
	add("Outcome", outcomeText)
	// Two trailing spaces make a Markdown line break inside the paragraph.
	m.printf("%s\n\n", strings.Join(lines, "  \n"))
	m.printf("_Observed %s; report written %s._\n\n", m.stamp(s.ObservedAt), m.stamp(now))
}

// marketText is the market's ticker, title and the outcome the order is
// on, Markdown-escaped.
func marketText(s engine.Snapshot, ticker, side string) string {
	out := md(ticker)
	mk := s.Market
	if mk == nil {
		return out
	}
	if t := md(mk.Title); t != "" {
		out = joinNonEmpty([]string{out, t}, " — ")
	}
	sub := mk.YesSubTitle
	if side == "no" && mk.NoSubTitle != "" {
		sub = mk.NoSubTitle
	}
	if sub := md(sub); sub != "" {
		out += " (" + sub + ")"
	}
	return out
}

// orderFacts gathers what was ordered, preferring Kalshi's own record and
// falling back to what the intent asked for. Returned strings are raw.
func orderFacts(s engine.Snapshot) (ticker, side, action, orderType, limit string) {
	if in := s.Intent; in != nil {
		ticker, side, action = in.MarketID, strings.ToLower(in.Side), strings.ToLower(in.OrderType)
		if in.PriceCents.Sign() > 0 {
			limit = in.PriceCents.CentsToDollars().Dollars() + " (intent)"
		}
	}
	if o := s.Order; o != nil {
		if o.Ticker != "" {
			ticker = o.Ticker
		}
		if o.OutcomeSide != "" {
			side = strings.ToLower(o.OutcomeSide)
		}
		if action == "" {
			action = o.Action
		}
		orderType = o.Type
		limit = o.LimitPrice().Dollars()
	}
	if s.Market != nil && ticker == "" {
		ticker = s.Market.Ticker
	}
	return ticker, side, action, orderType, limit
}

func (m *mdWriter) pipeline(s engine.Snapshot, now time.Time) {
	m.printf("## Pipeline\n\n")
	in := s.Intent
	if in == nil {
		m.printf("Intent: %s.\n\n", md(s.IntentNote()))
		return
	}
	m.printf("| Stage | Reached at (%s) | +since prev | State |\n|---|---|---|---|\n", m.zone)
	for _, r := range pipeline.Timeline(in, now) {
		at := ""
		if !r.At.IsZero() {
			at = m.cellTime(r.At)
		} else if r.Reached {
			at = "—"
		}
		since := ""
		if r.SincePrev != 0 {
			since = "+" + timefmt.Duration(r.SincePrev)
			if r.SincePrev < 0 {
				since = timefmt.Duration(r.SincePrev)
			}
		}
		state := "○"
		switch {
		case r.Failed:
			state = "✗ failed"
		case r.Current:
			state = "● " + timefmt.Duration(r.For)
		case r.Reached:
			state = "✓"
		}
		m.printf("| %s | %s | %s | %s |\n", r.Stage, at, since, state)
	}
	m.printf("\n")
	if _, ok := pipeline.StageOf(in.Status); !ok && in.Status != pipeline.StatusFailed {
		m.printf("Status %s is not one of the pipeline's stages; the table shows only what the timestamps say.\n\n", md(string(in.Status)))
	}
	if r := md(in.TerminationReason); r != "" {
		m.printf("**Termination reason:** %s\n\n", r)
	}
	if in.TxHash != "" {
		chain := ""
		if in.ChainID != 0 {
			chain = fmt.Sprintf(" on chain %d", in.ChainID)
		}
		m.printf("**Transaction:** %s%s\n\n", md(in.TxHash), chain)
	}
}

func (m *mdWriter) kalshi(s engine.Snapshot) {
	m.printf("## Kalshi\n\n")
	o := s.Order
	if o == nil {
		switch {
		case s.Intent != nil && s.Intent.KalshiOrderID == "":
			m.printf("No Kalshi order yet: the intent has not been placed.\n\n")
		case s.Sources.Kalshi.NotFound:
			m.printf("Kalshi does not know this order (404).\n\n")
		default:
			m.printf("Kalshi has not answered yet.\n\n")
		}
		return
	}
	m.printf("| Figure | Value |\n|---|---|\n")
	row := func(k, v string) { m.printf("| %s | %s |\n", k, v) }
	row("Status", md(s.KalshiStatusText()))
	row("Filled / remaining / initial", o.FillCount.Count()+" / "+o.RemainingCount.Count()+" / "+o.InitialCount.Count())
	if avg, ok := o.AverageFillPrice(); ok {
		row("Average fill price", avg.Dollars())
	} else {
		row("Average fill price", "— (nothing filled)")
	}
	row("Taker fees", o.TakerFees.Dollars())
	row("Maker fees", o.MakerFees.Dollars())
	row("Taker fill cost", o.TakerFillCost.Dollars())
	row("Maker fill cost", o.MakerFillCost.Dollars())
	row("Total cost incl. fees", o.TotalCost().Dollars())
	queue := "— (not resting)"
	if q := QueueText(s); q != "" {
		queue = q + queueTrend(s.QueueAhead, s.PrevQueueAhead)
	}
	row("Queue position", queue)
	row("Best bid / ask vs limit", bookVsLimit(s.Market, o))
	staleRows(s, row)
	if mk := s.Market; mk != nil {
		row("Market status", md(mk.Status))
		if !mk.CloseTime.IsZero() {
			row("Market closes", m.stamp(mk.CloseTime))
		}
	}
	expiry := "none (good till canceled)"
	if !o.ExpirationTime.IsZero() {
		expiry = m.stamp(o.ExpirationTime)
	}
	row("Expires", expiry)
	if !o.LastUpdateTime.IsZero() {
		row("Last update", m.stamp(o.LastUpdateTime))
	}
	if r := md(engine.UpdateReason(o.LastUpdateReason)); r != "" {
		row("Last update reason", r)
	}
	m.printf("\n")
}

// staleRows adds a row for each figure whose last read failed, saying
// how old the value above is and why.
func staleRows(s engine.Snapshot, row func(k, v string)) {
	for _, f := range []struct {
		name string
		fig  engine.Figure
	}{{"Queue position", s.Figures.Queue}, {"Market", s.Figures.Market}, {"Fills", s.Figures.Fills}} {
		if t := f.fig.StaleText(s.ObservedAt); t != "" {
			row(f.name+" read", "⚠ "+md(t))
		}
	}
}

// queueTrend says how the queue moved since the last poll: " (▲ 3
// closer)" or " (▼ 5 further back)".
func queueTrend(now, prev *fixed.Decimal) string {
	if prev == nil || now.Equal(*prev) {
		return ""
	}
	return " (" + engine.QueueMove(*prev, *now) + ")"
}

// bookVsLimit compares the best bid and ask on the order's side with its
// limit price.
func bookVsLimit(mk *kalshi.Market, o *kalshi.Order) string {
	if mk == nil {
		return "— (market not read) vs limit " + o.LimitPrice().Dollars()
	}
	bid, ask, side := mk.YesBid, mk.YesAsk, "yes"
	if strings.EqualFold(o.OutcomeSide, "no") {
		bid, ask, side = mk.NoBid, mk.NoAsk, "no"
	}
	return fmt.Sprintf("%s %s / %s vs limit %s", side, bid.Dollars(), ask.Dollars(), o.LimitPrice().Dollars())
}

func (m *mdWriter) diagnosis(s engine.Snapshot) {
	m.printf("## Diagnosis\n\n")
	if len(s.Diagnosis) == 0 {
		m.printf("Nothing wrong found.\n\n")
		return
	}
	m.printf("| Severity | Code | Message |\n|---|---|---|\n")
	for _, f := range s.Diagnosis {
		m.printf("| %s | %s | %s |\n", f.Severity, md(f.Code), md(f.Message))
	}
	m.printf("\n")
}

func (m *mdWriter) events(events []engine.Event) {
	m.printf("## Events (newest first)\n\n")
	if len(events) == 0 {
		m.printf("No events observed.\n\n")
		return
	}
	sorted := slices.Clone(events)
	slices.Reverse(sorted)
	// Stable, so events observed at the same moment stay newest first.
	slices.SortStableFunc(sorted, func(a, b engine.Event) int { return b.Time().Compare(a.Time()) })
	m.printf("| Time (%s) | Event |\n|---|---|\n", m.zone)
	for _, e := range sorted {
		m.printf("| %s | %s |\n", m.cellTime(e.Time()), md(eventText(e)))
	}
	m.printf("\n")
}

func (m *mdWriter) sources(s engine.Snapshot) {
	m.printf("## Sources\n\n")
	m.printf("| Source | Last success | Latency | State |\n|---|---|---|---|\n")
	for _, src := range []struct {
		name string
		st   engine.SourceStatus
	}{{"Kalshi", s.Sources.Kalshi}, {"Intent service", s.Sources.Intent}} {
		if !src.st.Used {
			m.printf("| %s | — | — | not used for this order |\n", src.name)
			continue
		}
		last, latency := "never", "—"
		if !src.st.LastSuccess.IsZero() {
			last = m.stamp(src.st.LastSuccess)
		}
		if src.st.Latency > 0 {
			latency = src.st.Latency.Round(time.Millisecond).String()
		}
		m.printf("| %s | %s | %s | %s |\n", src.name, last, latency, m.sourceState(src.st))
	}
}

func (m *mdWriter) sourceState(st engine.SourceStatus) string {
	var parts []string
	if st.Halted {
		parts = append(parts, "halted until credentials are fixed")
	}
	if st.NotFound {
		parts = append(parts, "not found")
	}
	if e := md(st.Err); e != "" {
		parts = append(parts, "error: "+e)
	}
	if !st.RetryAt.IsZero() {
		why := "backing off"
		if st.RateLimited {
			why = "rate limited"
		}
		parts = append(parts, why+", next try "+m.stamp(st.RetryAt))
	}
	if len(parts) == 0 {
		return "ok"
	}
	return strings.Join(parts, "; ")
}

// stamp is a full date and time with its zone, for prose and cells without
// a zone in their header.
func (m *mdWriter) stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(m.loc).Format("2006-01-02 15:04:05 MST")
}

// cellTime is a date and time for a column whose header names the zone;
// it names its own zone only when that differs, as across a DST change.
func (m *mdWriter) cellTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(m.loc)
	if z := t.Format("MST"); z != m.zone {
		return t.Format("2006-01-02 15:04:05 MST")
	}
	return t.Format("2006-01-02 15:04:05")
}

// mdEscaper backslash-escapes the characters that would let text change a
// Markdown document's structure: code spans, emphasis, links and images,
// raw HTML and entities, table cells, and strikethrough.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "&", `\&`, "|", `\|`, "~", `\~`,
)

// md makes a server string safe to place anywhere in the report: cleaned
// to one line, then escaped. A leading "#", "+", "-", "=" or "!" (a
// heading, list item, setext underline or image marker at the start of a
// line) is escaped too.
func md(s string) string {
	s = mdEscaper.Replace(strings.TrimSpace(clean(s)))
	if s != "" && strings.ContainsRune("#+-=!", rune(s[0])) {
		s = `\` + s
	}
	return s
}
