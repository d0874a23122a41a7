package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/timefmt"
	"ordermon/kalshi"
)

// Line renders one event as one plain line for a log or a pipe, such as
//
//	14:02:05 UTC  intent:123  stage validated reached (+5s)
//
// The time is in loc (UTC when nil). The line has no colour, no escape
// sequence and no newline.
func Line(e engine.Event, loc *time.Location) string {
	return clock(e.Time(), loc, e.At) + "  " + clean(e.Target.String()) + "  " + eventText(e)
}

// eventText is the event's message, or, when the tracker left it empty,
// what changed in the plainest words.
func eventText(e engine.Event) string {
	if m := clean(e.Message); m != "" {
		return m
	}
	kind := strings.ReplaceAll(clean(string(e.Kind)), "_", " ")
	from, to := clean(e.From), clean(e.To)
	switch {
	case from != "" && to != "":
		return kind + " " + from + " → " + to
	case to != "":
		return kind + " " + to
	}
	return kind
}

// Summary renders the final summary after a watch: a count line such as
//
//	3 orders: 1 completed, 1 failed, 1 in progress
//
// then one indented line for every order that did not complete, saying
// where it stopped and why, for example
//
//	intent:9  placed for 4m05s  stuck_placed
//	intent:7  failed: insufficient balance
//
// Times are in loc (UTC when nil). Ages are measured at each snapshot's
// ObservedAt, so the summary says what was last known.
func Summary(snaps []engine.Snapshot, loc *time.Location) string {
	var done, failed, open, missing int
	var details []string
	for _, s := range snaps {
		switch s.Outcome() {
		case engine.OutcomeSuccess:
			done++
			continue
		case engine.OutcomeFailure:
			failed++
		case engine.OutcomeNotFound:
			missing++
		default:
			open++
		}
		details = append(details, "  "+summaryDetail(s, loc))
	}
	var b strings.Builder
	b.WriteString(Plural(len(snaps), "order", "orders"))
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{done, "completed"}, {failed, "failed"}, {missing, "not found"}, {open, "in progress"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) > 0 {
		b.WriteString(": " + strings.Join(parts, ", "))
	}
	for _, d := range details {
		b.WriteString("\n" + d)
	}
	return b.String()
}

// summaryDetail is one order that did not complete: its stage, how long it
// has been there, the worst findings and any source error.
func summaryDetail(s engine.Snapshot, loc *time.Location) string {
	fields := []string{clean(s.Name())}
	fields = append(fields, stageText(s, s.ObservedAt))
	if codes := findingCodes(s.Diagnosis); codes != "" {
		fields = append(fields, codes)
	}
	fields = append(fields, sourceErrors(s)...)
	if s.Outcome() == engine.OutcomeNone && !s.ObservedAt.IsZero() {
		fields = append(fields, "as of "+clock(s.ObservedAt, loc, s.ObservedAt))
	}
	return strings.Join(fields, "  ")
}

// stageText is where the order stands in its own system's words, with how
// long it has been there ("placed for 4m05s"), why it failed ("failed:
// insufficient balance"), or who does not know it.
func stageText(s engine.Snapshot, now time.Time) string {
	switch s.Outcome() {
	case engine.OutcomeNotFound:
		return "not found by " + s.NotFoundBy()
	case engine.OutcomeFailure:
		stage := clean(s.StageText())
		if s.Intent != nil && s.Intent.TerminationReason != "" {
			stage += ": " + clean(s.Intent.TerminationReason)
		}
		return stage
	}
	stage := clean(s.StageText())
	if stage == "" {
		stage = "unknown"
	}
	if d, ok := s.CurrentStageSince(now); ok {
		stage += " for " + timefmt.Duration(d)
	}
	return stage
}

// findingCodes lists the codes of the warnings and errors, most severe
// first, comma-separated.
// The failed code is left out: the stage already says the order failed.
func findingCodes(fs []engine.Finding) string {
	var codes []string
	for _, f := range fs {
		c := clean(f.Code)
		if f.Severity >= engine.SevWarn && c != engine.CodeFailed && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	return strings.Join(codes, ", ")
}

// sourceErrors names each involved source's last error, such as
// "kalshi error: timeout".
func sourceErrors(s engine.Snapshot) []string {
	var out []string
	if e := sourceError(s.Sources.Intent); e != "" {
		out = append(out, string(engine.SourceIntent)+" error: "+e)
	}
	if e := sourceError(s.Sources.Kalshi); e != "" {
		out = append(out, string(engine.SourceKalshi)+" error: "+e)
	}
	return out
}

// Status renders one order as a compact plain block for --once: the ID
// and the verdict, then one labelled line for each thing known about it,
// starting with its stage. Lines that would say nothing are left out.
// Times are in loc (UTC when nil); ages are measured at now.
func Status(s engine.Snapshot, loc *time.Location, now time.Time) string {
	var b strings.Builder
	b.WriteString(clean(s.Name()) + "  " + clean(s.Verdict(now, loc).String()))
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "\n  %-9s %s", label+":", value)
		}
	}
	stage := stageText(s, now)
	switch s.Outcome() {
	case engine.OutcomeSuccess:
		stage += "  (succeeded)"
	case engine.OutcomeFailure:
		if !strings.HasPrefix(stage, "failed") {
			stage += "  (failed)"
		}
	}
	row("stage", stage)
	if in := s.Intent; in != nil {
		if in.TxHash != "" {
			tx := clean(in.TxHash)
			if in.ChainID != 0 {
				tx += fmt.Sprintf(" (chain %d)", in.ChainID)
			}
			row("tx", tx)
		}
	}
	if o := s.Order; o != nil {
		row("kalshi", kalshiLine(s))
		row("price", priceLine(o))
		row("fees", feesLine(o))
	} else if s.Intent != nil && s.Intent.KalshiOrderID != "" {
		row("kalshi", clean(s.Intent.KalshiOrderID)+"  (not read yet)")
	}
	figureRows(s, now, row)
	for _, e := range sourceErrors(s) {
		row("source", e)
	}
	for _, f := range s.Diagnosis {
		row(f.Severity.String(), clean(f.Code)+": "+clean(f.Message))
	}
	if !s.ObservedAt.IsZero() {
		row("observed", clock(s.ObservedAt, loc, now))
	}
	return b.String()
}

// figureRows adds the queue, market and fills rows of Status. A figure
// whose last read failed keeps its last value, marked with its age and the
// error; one never read has only the mark.
func figureRows(s engine.Snapshot, now time.Time, row func(label, value string)) {
	figure := func(label, value string, f engine.Figure) {
		switch stale := clean(f.StaleText(now)); {
		case stale == "":
		case value == "":
			value = stale
		default:
			value += "  (" + stale + ")"
		}
		row(label, value)
	}
	figure("queue", QueueText(s), s.Figures.Queue)
	market := ""
	if m := s.Market; m != nil {
		market = marketLine(m, outcomeSide(s))
	}
	figure("market", market, s.Figures.Market)
	figure("fills", "", s.Figures.Fills)
}

// QueueText is the queue position as a trader reads it: "12 ahead at your
// price $0.56", or "" when Kalshi gave none (the order is not resting).
func QueueText(s engine.Snapshot) string {
	if s.QueueAhead == nil {
		return ""
	}
	out := s.QueueAhead.Count() + " ahead"
	if s.QueueAhead.IsZero() {
		out = "first in line"
	}
	if limit, _, ok := s.Limit(); ok {
		out += " at your price " + limit.Dollars()
	}
	return out
}

// kalshiLine is the order ID, Kalshi's status and the fills as x/y.
func kalshiLine(s engine.Snapshot) string {
	o := s.Order
	parts := []string{clean(o.OrderID), clean(s.KalshiStatusReason())}
	fills := o.FillCount.Count() + "/" + o.InitialCount.Count() + " filled"
	if o.RemainingCount.Sign() != 0 {
		fills += ", " + o.RemainingCount.Count() + " remaining"
	}
	parts = append(parts, fills)
	return joinNonEmpty(parts, "  ")
}

// priceLine is the limit price on the order's side, and the average fill
// price once something filled.
func priceLine(o *kalshi.Order) string {
	side := clean(o.OutcomeSide)
	// Every order Kalshi takes today is a limit order; say the type only
	// when it is something else.
	kind := "limit"
	if t := clean(o.Type); t != "" {
		kind = t
	}
	s := kind + " " + joinNonEmpty([]string{side, o.LimitPrice().Dollars()}, " ")
	if avg, ok := o.AverageFillPrice(); ok {
		s += ", average fill " + avg.Dollars()
	}
	return s
}

// feesLine is the fees and fill costs in dollars, and their total.
func feesLine(o *kalshi.Order) string {
	return fmt.Sprintf("taker %s, maker %s; fill cost %s; total %s",
		o.TakerFees.Dollars(), o.MakerFees.Dollars(), o.TotalFillCost().Dollars(), o.TotalCost().Dollars())
}

// marketLine is the market's ticker and status and the best bid and ask on
// the order's side.
func marketLine(m *kalshi.Market, side string) string {
	bid, ask := m.YesBid, m.YesAsk
	label := "yes"
	if side == "no" {
		bid, ask, label = m.NoBid, m.NoAsk, "no"
	}
	head := joinNonEmpty([]string{clean(m.Ticker), clean(m.Status)}, " ")
	return joinNonEmpty([]string{head, label + " bid " + bid.Dollars() + " / ask " + ask.Dollars()}, "  ")
}

// outcomeSide is the side the order is for: Kalshi's outcome side, else
// the intent's.
func outcomeSide(s engine.Snapshot) string {
	if s.Order != nil && s.Order.OutcomeSide != "" {
		return strings.ToLower(s.Order.OutcomeSide)
	}
	if s.Intent != nil {
		return strings.ToLower(s.Intent.Side)
	}
	return ""
}

// clock formats t in loc (UTC when nil) with its zone, and the date when
// t is not on now's day; "--:--:--" when t is unknown.
func clock(t time.Time, loc *time.Location, now time.Time) string {
	if t.IsZero() {
		return "--:--:--"
	}
	return timefmt.Clock(t, loc, now)
}

// Plural writes a count with its noun: "1 order", "3 orders".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func joinNonEmpty(parts []string, sep string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// Ticket is an order's verdict and diagnosis as plain text for a support
// ticket: the ID and verdict on the first line, then each finding, most
// severe first, as "error stuck_validated: <message>". Times are in loc
// (UTC when nil); ages are measured at now.
func Ticket(s engine.Snapshot, loc *time.Location, now time.Time) string {
	var b strings.Builder
	b.WriteString(clean(s.Name()) + "  " + clean(s.Verdict(now, loc).String()))
	for _, f := range s.Diagnosis {
		b.WriteString("\n  " + f.Severity.String() + " " + clean(f.Code) + ": " + clean(f.Message))
	}
	if len(s.Diagnosis) == 0 {
		b.WriteString("\n  no problems found")
	}
	return b.String() + "\n"
}
