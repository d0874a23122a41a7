package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"ordermon/internal/engine"
	"ordermon/kalshi"
)

// Line renders one event as one plain line for a log or a pipe, such as
//
//	14:02:05 UTC  intent:123  stage validated reached (+5s)
//
// The time is in loc (UTC when nil). The line has no colour, no escape
// sequence and no newline.
func Line(e engine.Event, loc *time.Location) string {
	return clock(e.Time(), loc) + "  " + clean(e.Target.String()) + "  " + eventText(e)
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
	var done, failed, open int
	var details []string
	for _, s := range snaps {
		switch s.Outcome() {
		case engine.OutcomeSuccess:
			done++
			continue
		case engine.OutcomeFailure:
			failed++
		default:
			open++
		}
		details = append(details, "  "+summaryDetail(s, loc))
	}
	var b strings.Builder
	b.WriteString(plural(len(snaps), "order", "orders"))
	var parts []string
	if done > 0 {
		parts = append(parts, fmt.Sprintf("%d completed", done))
	}
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", failed))
	}
	if open > 0 {
		parts = append(parts, fmt.Sprintf("%d in progress", open))
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
	fields := []string{clean(s.Target.String())}
	stage := clean(s.StageText())
	if stage == "" {
		stage = "unknown"
	}
	switch {
	case s.Outcome() == engine.OutcomeFailure:
		reason := ""
		if s.Intent != nil {
			reason = clean(s.Intent.TerminationReason)
		}
		if reason != "" {
			stage += ": " + reason
		}
	default:
		if d, ok := s.CurrentStageSince(s.ObservedAt); ok {
			stage += " for " + duration(d)
		}
	}
	fields = append(fields, stage)
	if codes := findingCodes(s.Diagnosis); codes != "" {
		fields = append(fields, codes)
	}
	fields = append(fields, sourceErrors(s)...)
	if s.Outcome() == engine.OutcomeNone && !s.ObservedAt.IsZero() {
		fields = append(fields, "as of "+clock(s.ObservedAt, loc))
	}
	return strings.Join(fields, "  ")
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

// Status renders one order as a compact plain block for --once: the ID and
// stage, then one labelled line for each thing known about it. Lines that
// would say nothing are left out. Times are in loc (UTC when nil); ages
// are measured at now.
func Status(s engine.Snapshot, loc *time.Location, now time.Time) string {
	var b strings.Builder
	head := clean(s.Target.String())
	stage := clean(s.StageText())
	if stage == "" {
		stage = "unknown"
	}
	head += "  " + stage
	if d, ok := s.CurrentStageSince(now); ok {
		head += " for " + duration(d)
	}
	switch s.Outcome() {
	case engine.OutcomeSuccess:
		head += "  (succeeded)"
	case engine.OutcomeFailure:
		head += "  (failed)"
	}
	b.WriteString(head)
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "\n  %-9s %s", label+":", value)
		}
	}

	if in := s.Intent; in != nil {
		row("reason", clean(in.TerminationReason))
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
	if s.QueueAhead != nil {
		row("queue", s.QueueAhead.String()+" contracts ahead")
	}
	if m := s.Market; m != nil {
		row("market", marketLine(m, outcomeSide(s)))
	}
	for _, e := range sourceErrors(s) {
		row("source", e)
	}
	for _, f := range s.Diagnosis {
		row(f.Severity.String(), clean(f.Code)+": "+clean(f.Message))
	}
	if !s.ObservedAt.IsZero() {
		row("observed", clock(s.ObservedAt, loc))
	}
	return b.String()
}

// kalshiLine is the order ID, Kalshi's status and the fills as x/y.
func kalshiLine(s engine.Snapshot) string {
	o := s.Order
	parts := []string{clean(o.OrderID), clean(s.KalshiStatusText())}
	fills := "filled " + o.FillCount.String() + "/" + o.InitialCount.String()
	if o.RemainingCount.Sign() != 0 {
		fills += ", " + o.RemainingCount.String() + " remaining"
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
	s := kind + " " + joinNonEmpty([]string{side, o.LimitPrice().String()}, " ")
	if avg, ok := o.AverageFillPrice(); ok {
		s += ", average fill " + avg.String()
	}
	return s
}

// feesLine is the fees and fill costs in dollars, and their total.
func feesLine(o *kalshi.Order) string {
	return fmt.Sprintf("taker %s, maker %s; fill cost %s; total %s",
		o.TakerFees, o.MakerFees, o.TotalFillCost(), o.TotalCost())
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
	return joinNonEmpty([]string{head, label + " bid " + bid.String() + " / ask " + ask.String()}, "  ")
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

// clock formats t as a wall-clock time with its zone, such as
// "14:02:05 UTC", or "--:--:--" when t is unknown.
func clock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "--:--:--"
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("15:04:05 MST")
}

// duration formats d compactly with at most two units, rounded to the
// second: "5s", "4m05s", "2h07m", "3d04h". Negative durations, which
// out-of-order server timestamps produce, keep their sign.
func duration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Round(time.Second)
	sec := int64(d / time.Second)
	switch {
	case sec < 60:
		return fmt.Sprintf("%s%ds", sign, sec)
	case sec < 3600:
		return fmt.Sprintf("%s%dm%02ds", sign, sec/60, sec%60)
	case sec < 86400:
		return fmt.Sprintf("%s%dh%02dm", sign, sec/3600, sec%3600/60)
	}
	return fmt.Sprintf("%s%dd%02dh", sign, sec/86400, sec%86400/3600)
}

func plural(n int, one, many string) string {
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
