package engine

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/fixed"
	"ordermon/internal/textsafe"
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
	// CodeKalshiOrderMissing flags a Kalshi order that Kalshi answers 404
	// for.
	CodeKalshiOrderMissing = "kalshi_order_missing"
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
// of zero mean DefaultThresholds' value.
//
// Findings of equal severity keep the order of the rules: stuck stages
// (pending, validated, placed, filled, txn_filled), source mismatches,
// missing Kalshi order, completed without transaction, failed,
// unexpected termination reason, timestamps out of order, status
// regressed, status unrecognized. Each disagreement between the two
// systems is its own source_mismatch finding, so a ticket names exactly
// what differs.
func Diagnose(s Snapshot, th Thresholds, now time.Time) []Finding {
	d := diagnoser{s: &s, th: th.WithDefaults(), now: now}
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
	out []Finding

	in    *pipeline.Intent
	o     *kalshi.Order
	stage pipeline.Stage
	known bool // stage is meaningful
	name  string
}

func (d *diagnoser) add(code string, sev Severity, msg string) {
	d.out = append(d.out, Finding{Code: code, Severity: sev, Message: msg})
}

func (d *diagnoser) run() {
	d.in, d.o = d.s.Intent, d.s.Order
	d.name = orderName(d.s)
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
	if d.in != nil {
		d.completedWithoutTxn()
		d.failed()
		d.terminationUnexpected()
		d.outOfOrder()
		d.regressed()
	}
	d.unrecognized()
}

// orderName names the order for a ticket: the target in canonical form,
// resolving a bare ID by whichever system answered.
func orderName(s *Snapshot) string {
	t := s.Target
	if t.Kind == KindAuto {
		switch {
		case s.Intent != nil:
			t.Kind = KindIntent
		case s.Order != nil:
			t.Kind = KindKalshi
		}
	}
	if t.ID == "" {
		switch {
		case s.Intent != nil:
			t.ID = s.Intent.ID
		case s.Order != nil:
			t.ID = s.Order.OrderID
		}
	}
	return textsafe.Clean(t.String())
}

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

// lockedText describes the funds the intent locked, or "" when unknown.
func (d *diagnoser) lockedText() string {
	if d.in == nil || d.in.QuoteAmount.IsZero() {
		return ""
	}
	return d.in.QuoteAmount.String() + " USDC"
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
	b.WriteString(d.name + " stuck in pending for " + fmtDur(age) + " (threshold " + fmtDur(d.th.Pending) + "): ")
	b.WriteString("created " + stamp(in.CreatedAt) + ", no balanceValidatedAt yet")
	if l := d.lockedText(); l != "" {
		b.WriteString("; needs " + l)
	}
	b.WriteString("; check the wallet's USDC or token balance and the validation worker")
	d.add(CodeStuckPending, SevWarn, b.String())
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
	b.WriteString(d.name + " funds locked but no Kalshi order for " + fmtDur(age) + " (threshold " + fmtDur(d.th.Validated) + "): ")
	b.WriteString("validated " + stamp(in.BalanceValidatedAt) + ", no orderPlacedAt and no kalshiOrderId")
	if l := d.lockedText(); l != "" {
		b.WriteString("; " + l + " locked without market exposure")
	}
	d.add(CodeStuckValidated, SevError, b.String())
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
	b.WriteString(d.withKalshi() + " resting on Kalshi for " + fmtDur(age) + " (threshold " + fmtDur(d.th.Placed) + ")")
	sep := ": "
	fact := func(s string) {
		if s != "" {
			b.WriteString(sep + s)
			sep = "; "
		}
	}
	fact(d.s.Exchange.Pause())
	if q := d.s.QueueAhead; q != nil {
		fact("queue " + q.String() + " contracts ahead")
	}
	fact(d.fillProgress())
	fact(d.priceVsBook())
	d.add(CodeStuckPlaced, SevWarn, b.String())
}

// fillProgress is "filled 3.00 of 10.00" from Kalshi, or from the intent
// service when Kalshi has not answered.
func (d *diagnoser) fillProgress() string {
	if o := d.o; o != nil {
		return "filled " + o.FillCount.String() + " of " + o.InitialCount.String()
	}
	if in := d.in; in != nil && in.KalshiFillCount != nil {
		return "filled " + in.KalshiFillCount.String() + " of " + in.Quantity.String() + " per the intent service"
	}
	return ""
}

// priceVsBook compares the order's limit with the best bid and ask on its
// own outcome side. Every Kalshi order is a bid on its outcome, so a limit
// below the best bid has other orders ahead of it at better prices.
func (d *diagnoser) priceVsBook() string {
	var limit fixed.Decimal
	var side string
	switch {
	case d.o != nil:
		limit, side = d.o.LimitPrice(), d.o.OutcomeSide
	case d.in != nil && !d.in.PriceCents.IsZero():
		limit, side = centsToDollars(d.in.PriceCents), strings.ToLower(d.in.Side)
	default:
		return ""
	}
	m := d.s.Market
	if m == nil {
		return "limit " + limit.String()
	}
	bid, ask := m.YesBid, m.YesAsk
	if side == "no" {
		bid, ask = m.NoBid, m.NoAsk
	} else {
		side = "yes"
	}
	s := "limit " + limit.String() + " vs best " + side + " bid " + bid.String() + " / ask " + ask.String()
	switch limit.Cmp(bid) {
	case -1:
		s += ", behind the best bid by " + bid.Sub(limit).String()
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
	b.WriteString(d.withKalshi() + " filled on Kalshi but no on-chain transaction for " + fmtDur(age) + " (threshold " + fmtDur(d.th.Filled) + "): ")
	if !in.OrderFilledAt.IsZero() {
		b.WriteString("orderFilledAt " + stamp(in.OrderFilledAt))
	} else {
		b.WriteString("Kalshi executed it at " + stamp(since))
	}
	b.WriteString(", no txnFilledAt and no tx hash")
	if f := d.fillProgress(); f != "" {
		b.WriteString("; " + f)
	}
	b.WriteString("; the user holds no tokens for this trade yet")
	d.add(CodeStuckFilled, SevError, b.String())
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
	b.WriteString(d.name + " on chain but not completed for " + fmtDur(age) + " (threshold " + fmtDur(d.th.TxnFilled) + "): txnFilledAt " + stamp(in.TxnFilledAt))
	if in.TxHash != "" {
		b.WriteString(", tx " + textsafe.Clean(in.TxHash))
	}
	if in.ChainID != 0 {
		b.WriteString(" on chain " + strconv.FormatInt(in.ChainID, 10))
	}
	b.WriteString("; only bookkeeping remains")
	d.add(CodeStuckTxnFilled, SevWarn, b.String())
}

// mismatchSeverity is error, or info while Kalshi's last change is recent
// enough that the intent service may simply not have polled it yet.
func (d *diagnoser) mismatchSeverity() (Severity, string) {
	if lu := d.o.LastUpdateTime; !lu.IsZero() && d.now.Sub(lu) <= SyncGrace {
		return SevInfo, " (Kalshi changed it " + fmtDur(max(d.now.Sub(lu), 0)) + " ago, within the " + fmtDur(SyncGrace) + " the intent service may need to catch up)"
	}
	return SevError, ""
}

func (d *diagnoser) mismatch() {
	in, o := d.in, d.o
	if o == nil {
		return
	}
	sev, note := d.mismatchSeverity()
	status := textsafe.Clean(string(in.Status))
	fills := "filled " + o.FillCount.String() + " of " + o.InitialCount.String()
	orderLive := d.known && (d.stage == pipeline.StagePlaced || (d.stage == pipeline.StageValidated && in.KalshiOrderID != ""))

	// Kalshi finished the order while the intent still waits on it.
	if orderLive && o.Status.Terminal() {
		msg := d.withKalshi() + ": Kalshi says " + textsafe.Clean(string(o.Status)) + " (" + fills
		if o.LastUpdateReason != "" {
			msg += ", reason " + quoted(o.LastUpdateReason)
		}
		msg += ") but the intent still says " + status
		if o.Status == kalshi.StatusCanceled {
			msg += "; the order will not fill, check the locked funds"
		}
		d.add(CodeSourceMismatch, sev, msg+note)
	}
	// The intent gave up while Kalshi traded, or still can: contracts
	// with nobody to settle them. Not a polling lag, so no grace.
	if in.Status.Is(pipeline.StatusFailed) {
		switch {
		case o.Status == kalshi.StatusResting:
			d.add(CodeSourceMismatch, SevError, d.withKalshi()+": the intent says failed but the order is still resting on Kalshi ("+fills+"); it can still fill")
		case o.FillCount.Sign() > 0:
			d.add(CodeSourceMismatch, SevError, d.withKalshi()+": the intent says failed but Kalshi "+fills+"; those contracts were bought or sold with no settlement on chain")
		}
	}
	if in.Status.Is(pipeline.StatusCompleted) && o.Status == kalshi.StatusResting {
		d.add(CodeSourceMismatch, SevError, d.withKalshi()+": the intent says completed but the order is still resting on Kalshi ("+fills+"); it can still fill")
	}
	if in.KalshiFillCount != nil && !in.KalshiFillCount.Equal(o.FillCount) {
		d.add(CodeSourceMismatch, sev, d.withKalshi()+": fill count differs, intent kalshiFillCount "+in.KalshiFillCount.String()+" vs Kalshi fill_count "+o.FillCount.String()+" of "+o.InitialCount.String()+note)
	}
	if in.KalshiOrderStatus != "" && o.Status != "" && !sameKalshiStatus(in.KalshiOrderStatus, string(o.Status)) {
		d.add(CodeSourceMismatch, sev, d.withKalshi()+": order status differs, intent kalshiOrderStatus "+quoted(in.KalshiOrderStatus)+" vs Kalshi "+quoted(string(o.Status))+note)
	}
}

// sameKalshiStatus compares the intent's copy of the Kalshi status with
// Kalshi's own, ignoring case; the intent service's documented example
// says "filled" where Kalshi says "executed".
func sameKalshiStatus(intent, k string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "filled" {
			return string(kalshi.StatusExecuted)
		}
		return s
	}
	return norm(intent) == norm(k)
}

func (d *diagnoser) kalshiMissing() {
	if !d.s.Sources.Kalshi.NotFound {
		return
	}
	const where = "; it may belong to another account or subaccount, or be an old finished order that Kalshi now serves only from /historical/orders"
	switch {
	case d.in != nil && d.in.KalshiOrderID != "":
		d.add(CodeKalshiOrderMissing, SevError, d.name+" names Kalshi order "+textsafe.Clean(d.in.KalshiOrderID)+" but Kalshi answers 404 for it"+where)
	case d.s.KalshiOnly():
		d.add(CodeKalshiOrderMissing, SevError, d.name+": Kalshi answers 404 for this order"+where)
	}
}

func (d *diagnoser) completedWithoutTxn() {
	in := d.in
	if !in.Status.Is(pipeline.StatusCompleted) || !in.TxnFilledAt.IsZero() || in.TxHash != "" {
		return
	}
	d.add(CodeCompletedWithoutTxn, SevError, d.name+" completed with no txnFilledAt and no tx hash: no evidence that tokens were minted or burned on chain; check the wallet on chain")
}

func (d *diagnoser) failed() {
	in := d.in
	if !in.Status.Is(pipeline.StatusFailed) {
		return
	}
	reason := "no reason given"
	if in.TerminationReason != "" {
		reason = "reason " + quoted(in.TerminationReason)
	}
	rows := pipeline.Timeline(in, d.now)
	var b strings.Builder
	b.WriteString(d.name + " failed")
	for i := range rows {
		if rows[i].Failed {
			b.WriteString(" before reaching " + rows[i].Stage.String())
		}
	}
	if last := in.LatestStamp(); !last.IsZero() {
		b.WriteString(" (last stage timestamp " + stamp(last) + ")")
	}
	b.WriteString(": " + reason + "; check that any locked funds")
	if l := d.lockedText(); l != "" {
		b.WriteString(" (" + l + ")")
	}
	b.WriteString(" were released, the intent service does not document a refund")
	d.add(CodeFailed, SevError, b.String())
}

func (d *diagnoser) terminationUnexpected() {
	in := d.in
	if in.TerminationReason == "" || in.Status.Is(pipeline.StatusFailed) {
		return
	}
	d.add(CodeTerminationReasonUnexpected, SevWarn, d.name+" has terminationReason "+quoted(in.TerminationReason)+" but status "+quoted(string(in.Status))+", not failed")
}

func (d *diagnoser) outOfOrder() {
	in := d.in
	var bad []string
	var prev time.Time
	prevStage := pipeline.StagePending
	for i := range pipeline.NumStages {
		st := pipeline.Stage(i)
		at := in.StageAt(st)
		if at.IsZero() {
			continue
		}
		if !prev.IsZero() && at.Before(prev) {
			bad = append(bad, st.StampName()+" "+stamp(at)+" is "+fmtDur(prev.Sub(at))+" before "+prevStage.StampName()+" "+stamp(prev))
			continue // keep comparing against the latest timestamp so far
		}
		prev, prevStage = at, st
	}
	if len(bad) > 0 {
		d.add(CodeTimestampsOutOfOrder, SevWarn, d.name+" stage timestamps out of order: "+strings.Join(bad, "; "))
	}
}

func (d *diagnoser) regressed() {
	in, peak := d.in, d.s.PeakStatus
	if peak == "" || in.Status.Is(peak) {
		return
	}
	back := false
	if peak.Is(pipeline.StatusCompleted) || peak.Is(pipeline.StatusFailed) {
		back = true // any change after the intent finished
	} else if ps, ok := pipeline.StageOf(peak); ok && d.known && d.stage < ps {
		back = true
	}
	if back {
		d.add(CodeStatusRegressed, SevError, d.name+" status went back from "+quoted(string(peak))+" to "+quoted(string(in.Status))+" between polls")
	}
}

func (d *diagnoser) unrecognized() {
	if in := d.in; in != nil {
		if d.known || in.Status.Is(pipeline.StatusFailed) {
			return
		}
		if in.Status == "" {
			d.add(CodeStatusUnrecognized, SevInfo, d.name+" reports no status")
			return
		}
		d.add(CodeStatusUnrecognized, SevInfo, d.name+" reports status "+quoted(string(in.Status))+", outside the documented pipeline (pending → validated → placed → filled → txn_filled → completed); it is shown as is")
		return
	}
	if o := d.o; o != nil && d.s.KalshiOnly() {
		switch o.Status {
		case kalshi.StatusResting, kalshi.StatusCanceled, kalshi.StatusExecuted, kalshi.StatusPending:
			return
		}
		d.add(CodeStatusUnrecognized, SevInfo, d.name+": Kalshi reports status "+quoted(string(o.Status))+", which this program does not know; it is shown as is")
	}
}

// fmtDur renders a duration for messages and event logs: whole seconds, at
// most two units ("45s", "3m05s", "15m", "1h02m", "2d03h"), short and exact
// enough for a ticket.
func fmtDur(d time.Duration) string {
	if d < 0 {
		return "-" + fmtDur(-d)
	}
	d = d.Round(time.Second)
	two := func(hi int64, hu string, lo int64, lu string) string {
		s := strconv.FormatInt(hi, 10) + hu
		if lo == 0 {
			return s
		}
		if lo < 10 {
			s += "0"
		}
		return s + strconv.FormatInt(lo, 10) + lu
	}
	const day = 24 * time.Hour
	switch {
	case d < time.Minute:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d < time.Hour:
		return two(int64(d/time.Minute), "m", int64(d%time.Minute/time.Second), "s")
	case d < day:
		return two(int64(d/time.Hour), "h", int64(d%time.Hour/time.Minute), "m")
	}
	return two(int64(d/day), "d", int64(d%day/time.Hour), "h")
}

// stamp renders a server timestamp in UTC, RFC 3339, as tickets want it.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// quoted renders an untrusted server string sanitized and quoted, so an
// empty or odd value is visible as such.
func quoted(s string) string { return strconv.Quote(textsafe.Clean(s)) }

// centsToDollars converts the older intent API's limit price in cents to
// dollars with Kalshi's four places.
func centsToDollars(c fixed.Decimal) fixed.Decimal {
	d, _ := c.Quo(fixed.FromInt(100), 4)
	return d
}
