package engine

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/textsafe"
	"ordermon/internal/timefmt"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Finding codes. They are stable: scripts, tests and tickets match on them.
const (
	// CodeStuckPending flags an intent whose balance check has not run in
	// time.
	CodeStuckPending = "stuck_pending"
	// CodeStuckValidated flags locked funds with no Kalshi order, the worst
	// case for a user: capital locked without market exposure.
	CodeStuckValidated = "stuck_validated"
	// CodeStuckPlaced flags an order resting on Kalshi for a long time.
	CodeStuckPlaced = "stuck_placed"
	// CodeStuckFilled flags a trade filled on Kalshi with nothing minted or
	// burned on chain, so the user holds no tokens for it.
	CodeStuckFilled = "stuck_filled"
	// CodeStuckTxnFilled flags an on-chain transaction that happened while
	// the intent was never marked completed.
	CodeStuckTxnFilled = "stuck_txn_filled"
	// CodeSourceMismatch flags the intent service and Kalshi disagreeing
	// about the same order.
	CodeSourceMismatch = "source_mismatch"
	// CodeKalshiOrderMissing flags a Kalshi order, named by an intent,
	// that Kalshi answers 404 for.
	CodeKalshiOrderMissing = "kalshi_order_missing"
	// CodeNotFound reports an ID that no system asked knows: the answer to
	// a mistyped or foreign ID, not an outage.
	CodeNotFound = "not_found"
	// CodeCompletedWithoutTxn flags a completed intent with no on-chain
	// evidence.
	CodeCompletedWithoutTxn = "completed_without_txn"
	// CodeFailed reports a failed intent and its termination reason.
	CodeFailed = "failed"
	// CodeTerminationReasonUnexpected flags a termination reason on an
	// intent that did not fail.
	CodeTerminationReasonUnexpected = "termination_reason_unexpected"
	// CodeTimestampsOutOfOrder flags a stage timestamp earlier than an
	// earlier stage's.
	CodeTimestampsOutOfOrder = "timestamps_out_of_order"
	// CodeStatusRegressed flags a status that moved backwards across polls.
	CodeStatusRegressed = "status_regressed"
	// CodeStatusUnrecognized notes a status outside the known pipeline,
	// which is shown as is.
	CodeStatusUnrecognized = "status_unrecognized"
)

// SyncGrace is how long after Kalshi last changed an order a disagreement
// with the intent service is reported only as info. The intent service
// learns about fills and cancels by polling Kalshi itself, so for a few
// seconds after every change the two systems are expected to differ;
// flagging that as an error would cry wolf on every healthy fill.
const SyncGrace = 30 * time.Second

// WithDefaults returns th with every zero duration replaced by
// DefaultThresholds' value, so a partly filled-in configuration works.
func (th Thresholds) WithDefaults() Thresholds {
	def := func(v, d time.Duration) time.Duration {
		if v <= 0 {
			return d
		}
		return v
	}
	return Thresholds{
		Pending:   def(th.Pending, DefaultThresholds.Pending),
		Validated: def(th.Validated, DefaultThresholds.Validated),
		Placed:    def(th.Placed, DefaultThresholds.Placed),
		Filled:    def(th.Filled, DefaultThresholds.Filled),
		TxnFilled: def(th.TxnFilled, DefaultThresholds.TxnFilled),
	}
}

// Diagnose returns what is wrong with the order in s at now, most severe
// first. It is pure: everything it needs is in the snapshot. Thresholds
// of zero mean DefaultThresholds' value. Times in messages are written in
// loc (UTC when nil), the zone of the run, with a date when not on now's
// day; counts drop trailing zeros and prices are in dollars.
//
// Findings of equal severity keep the order of the rules: stuck stages
// (pending, validated, placed, filled, txn_filled), source mismatches,
// missing Kalshi order, not found, completed without transaction, failed,
// unexpected termination reason, timestamps out of order, status
// regressed, status unrecognized. Each disagreement between the two
// systems is its own source_mismatch finding, so a ticket names exactly
// what differs.
func Diagnose(s Snapshot, th Thresholds, now time.Time, loc *time.Location) []Finding {
	if loc == nil {
		loc = time.UTC
	}
	d := diagnoser{s: &s, th: th.WithDefaults(), now: now, loc: loc}
	d.run()
	slices.SortStableFunc(d.out, func(a, b Finding) int { return cmp.Compare(b.Severity, a.Severity) })
	return d.out
}

// diagnoser carries one Diagnose call's inputs and the facts derived from
// them once, so each rule reads as its condition and its message.
type diagnoser struct {
	s   *Snapshot
	th  Thresholds
	now time.Time
	loc *time.Location
	out []Finding

	in    *pipeline.Intent
	o     *kalshi.Order
	stage pipeline.Stage
	known bool // stage is meaningful
	name  string
}

func (d *diagnoser) add(f Finding) { d.out = append(d.out, f) }

func (d *diagnoser) run() {
	d.in, d.o = d.s.Intent, d.s.Order
	d.name = textsafe.Clean(d.s.Name())
	if d.in != nil {
		d.stage, d.known = pipeline.StageOf(d.in.Status)
		d.stuckPending()
		d.stuckValidated()
	}
	d.stuckPlaced()
	if d.in != nil {
		d.stuckFilled()
		d.stuckTxnFilled()
		d.mismatch()
	}
	d.kalshiMissing()
	d.notFound()
	if d.in != nil {
		d.completedWithoutTxn()
		d.failed()
		d.terminationUnexpected()
		d.outOfOrder()
		d.regressed()
	}
	d.unrecognized()
}

// at writes a server timestamp in the run's zone.
func (d *diagnoser) at(t time.Time) string { return timefmt.Clock(t, d.loc, d.now) }

// kalshiID returns the Kalshi order ID as known from either system.
func (d *diagnoser) kalshiID() string {
	if d.o != nil && d.o.OrderID != "" {
		return d.o.OrderID
	}
	if d.in != nil {
		return d.in.KalshiOrderID
	}
	return ""
}

// withKalshi is the order's name plus its Kalshi order ID, for the rules
// where a support person must look the order up on Kalshi too.
func (d *diagnoser) withKalshi() string {
	id := d.kalshiID()
	if id == "" || d.s.KalshiOnly() {
		return d.name
	}
	return d.name + " (Kalshi order " + textsafe.Clean(id) + ")"
}

// over reports how long since `since` and whether that exceeds limit.
// Exactly at the limit is not yet stuck.
func (d *diagnoser) over(since time.Time, limit time.Duration) (time.Duration, bool) {
	if since.IsZero() {
		return 0, false
	}
	age := d.now.Sub(since)
	return age, age > limit
}

// stuckHead is the start of every stuck message: what is stuck, for how
// long, against which threshold.
func stuckHead(what string, age, limit time.Duration) string {
	return what + " for " + timefmt.Duration(age) + " (threshold " + timefmt.Duration(limit) + ")"
}

func (d *diagnoser) stuckPending() {
	in := d.in
	if !d.known || d.stage != pipeline.StagePending || !in.BalanceValidatedAt.IsZero() {
		return
	}
	age, stuck := d.over(in.CreatedAt, d.th.Pending)
	if !stuck {
		return
	}
	var b strings.Builder
	b.WriteString(d.name + " " + stuckHead("stuck in pending", age, d.th.Pending) + ": ")
	b.WriteString("created " + d.at(in.CreatedAt) + ", no balanceValidatedAt yet")
	if l := d.lockedText(); l != "" {
		b.WriteString("; needs " + l)
	}
	b.WriteString("; check the wallet's USDC or token balance and the validation worker")
	d.add(Finding{Code: CodeStuckPending, Severity: SevWarn, Message: b.String(),
		Short: "not validated", Cause: "the balance check has not run", Since: in.CreatedAt, Limit: d.th.Pending})
}

func (d *diagnoser) stuckValidated() {
	in := d.in
	validated := d.known && (d.stage == pipeline.StageValidated || (d.stage == pipeline.StagePending && !in.BalanceValidatedAt.IsZero()))
	if !validated || !in.OrderPlacedAt.IsZero() || in.KalshiOrderID != "" || d.o != nil {
		return
	}
	age, stuck := d.over(in.BalanceValidatedAt, d.th.Validated)
	if !stuck {
		return
	}
	var b strings.Builder
	b.WriteString(d.name + " " + stuckHead("funds locked but no Kalshi order", age, d.th.Validated) + ": ")
	b.WriteString("validated " + d.at(in.BalanceValidatedAt) + ", no orderPlacedAt and no kalshiOrderId")
	if l := d.lockedText(); l != "" {
		b.WriteString("; " + l + " locked without market exposure")
	}
	d.add(Finding{Code: CodeStuckValidated, Severity: SevError, Message: b.String(),
		Short: "no Kalshi order", Cause: "funds locked, no Kalshi order", Since: in.BalanceValidatedAt, Limit: d.th.Validated})
}

// resting reports whether the order is live on Kalshi (or, with no Kalshi
// data, whether the intent says so), and since when.
func (d *diagnoser) resting() (time.Time, bool) {
	o, in := d.o, d.in
	if in == nil {
		if !d.s.KalshiOnly() || o == nil || o.Status != kalshi.StatusResting {
			return time.Time{}, false
		}
		return o.CreatedTime, true
	}
	if !d.known || !in.OrderFilledAt.IsZero() {
		return time.Time{}, false
	}
	switch {
	case d.stage == pipeline.StagePlaced && (o == nil || !o.Status.Terminal()):
	case d.stage == pipeline.StageValidated && o != nil && o.Status == kalshi.StatusResting:
	default:
		return time.Time{}, false
	}
	since := in.OrderPlacedAt
	if since.IsZero() && o != nil {
		since = o.CreatedTime
	}
	return since, true
}

func (d *diagnoser) stuckPlaced() {
	since, ok := d.resting()
	if !ok {
		return
	}
	age, stuck := d.over(since, d.th.Placed)
	if !stuck {
		return
	}
	var b strings.Builder
	b.WriteString(d.withKalshi() + " " + stuckHead("resting on Kalshi", age, d.th.Placed))
	sep := ": "
	fact := func(s string) {
		if s != "" {
			b.WriteString(sep + s)
			sep = "; "
		}
	}
	fact(d.s.Exchange.Pause())
	if q := d.s.QueueAhead; q != nil {
		fact("queue " + q.Count() + " contracts ahead")
	}
	fact(d.fillProgress())
	fact(d.priceVsBook())
	d.add(Finding{Code: CodeStuckPlaced, Severity: SevWarn, Message: b.String(),
		Short: "resting long", Cause: d.s.RestingText(), Since: since, Limit: d.th.Placed})
}

// fillProgress is "filled 3 of 10" from Kalshi, or from the intent
// service when Kalshi has not answered.
func (d *diagnoser) fillProgress() string {
	if o := d.o; o != nil {
		return "filled " + o.FillCount.Count() + " of " + o.InitialCount.Count()
	}
	if in := d.in; in != nil && in.KalshiFillCount != nil {
		return "filled " + in.KalshiFillCount.Count() + " of " + in.Quantity.Count() + " per the intent service"
	}
	return ""
}

// priceVsBook compares the order's limit with the best bid and ask on its
// own outcome side. Every Kalshi order is a bid on its outcome, so a limit
// below the best bid has other orders ahead of it at better prices.
func (d *diagnoser) priceVsBook() string {
	limit, side, ok := d.s.Limit()
	if !ok {
		return ""
	}
	m := d.s.Market
	if m == nil {
		return "limit " + limit.Dollars()
	}
	bid, ask := m.YesBid, m.YesAsk
	if side == "no" {
		bid, ask = m.NoBid, m.NoAsk
	} else {
		side = "yes"
	}
	s := "limit " + limit.Dollars() + " vs best " + side + " bid " + bid.Dollars() + " / ask " + ask.Dollars()
	switch limit.Cmp(bid) {
	case -1:
		s += ", behind the best bid by " + bid.Sub(limit).Dollars()
	case 0:
		s += ", at the best bid"
	default:
		s += ", above the best bid"
	}
	return s
}

// filledOnKalshi reports whether the trade happened on Kalshi, and since
// when, for an intent that has not yet reached the chain.
func (d *diagnoser) filledOnKalshi() (time.Time, bool) {
	in, o := d.in, d.o
	if !d.known || d.stage < pipeline.StageValidated || d.stage > pipeline.StageFilled {
		return time.Time{}, false
	}
	executed := o != nil && o.Status == kalshi.StatusExecuted
	if d.stage != pipeline.StageFilled && in.OrderFilledAt.IsZero() && !executed {
		return time.Time{}, false
	}
	since := in.OrderFilledAt
	if since.IsZero() && o != nil {
		since = o.LastUpdateTime
	}
	return since, true
}

func (d *diagnoser) stuckFilled() {
	in := d.in
	if !in.TxnFilledAt.IsZero() || in.TxHash != "" {
		return
	}
	since, ok := d.filledOnKalshi()
	if !ok {
		return
	}
	age, stuck := d.over(since, d.th.Filled)
	if !stuck {
		return
	}
	var b strings.Builder
	b.WriteString(d.withKalshi() + " " + stuckHead("filled on Kalshi but no on-chain transaction", age, d.th.Filled) + ": ")
	if !in.OrderFilledAt.IsZero() {
		b.WriteString("orderFilledAt " + d.at(in.OrderFilledAt))
	} else {
		b.WriteString("Kalshi executed it at " + d.at(since))
	}
	b.WriteString(", no txnFilledAt and no tx hash")
	if f := d.fillProgress(); f != "" {
		b.WriteString("; " + f)
	}
	b.WriteString("; the user holds no tokens for this trade yet")
	d.add(Finding{Code: CodeStuckFilled, Severity: SevError, Message: b.String(),
		Short: "nothing on chain", Cause: "filled on Kalshi, nothing on chain", Since: since, Limit: d.th.Filled})
}

func (d *diagnoser) stuckTxnFilled() {
	in := d.in
	if !d.known || d.stage != pipeline.StageTxnFilled {
		return
	}
	age, stuck := d.over(in.TxnFilledAt, d.th.TxnFilled)
	if !stuck {
		return
	}
	var b strings.Builder
	b.WriteString(d.name + " " + stuckHead("on chain but not completed", age, d.th.TxnFilled) + ": txnFilledAt " + d.at(in.TxnFilledAt))
	if in.TxHash != "" {
		b.WriteString(", tx " + textsafe.Clean(in.TxHash))
	}
	if in.ChainID != 0 {
		b.WriteString(" on chain " + strconv.FormatInt(in.ChainID, 10))
	}
	b.WriteString("; only bookkeeping remains")
	d.add(Finding{Code: CodeStuckTxnFilled, Severity: SevWarn, Message: b.String(),
		Short: "not completed", Cause: "on chain, not marked completed", Since: in.TxnFilledAt, Limit: d.th.TxnFilled})
}
