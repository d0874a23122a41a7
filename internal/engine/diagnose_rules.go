package engine

import (
	"strconv"
	"strings"
	"time"

	"ordermon/internal/textsafe"
	"ordermon/internal/timefmt"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// The rules that compare the two systems and check the intent's own
// record, after the stuck-stage rules of diagnose.go.

// mismatchSeverity is error, or info while Kalshi's last change is recent
// enough that the intent service may simply not have polled it yet.
func (d *diagnoser) mismatchSeverity() (Severity, string) {
	if lu := d.o.LastUpdateTime; !lu.IsZero() && d.now.Sub(lu) <= SyncGrace {
		return SevInfo, " (Kalshi changed it " + timefmt.Duration(max(d.now.Sub(lu), 0)) + " ago, within the " +
			timefmt.Duration(SyncGrace) + " the intent service may need to catch up)"
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
	fills := "filled " + o.FillCount.Count() + " of " + o.InitialCount.Count()
	mismatch := func(sev Severity, msg, short, cause string) {
		d.add(Finding{Code: CodeSourceMismatch, Severity: sev, Message: msg, Short: short, Cause: cause})
	}

	// Kalshi finished the order while the intent still waits on it.
	if ended := d.s.KalshiEndedFirst(); ended != "" {
		kst, why := textsafe.Clean(string(ended)), endWhy(o, ": ")
		msg := d.withKalshi() + ": Kalshi says " + kst + " (" + fills + ")" + why
		if why != "" {
			msg += ","
		}
		msg += " but the intent still says " + status
		cause := "Kalshi " + kst + " it" + why + ", the intent still says " + status
		if ended == kalshi.StatusCanceled {
			msg += "; the order will not fill, check the locked funds"
			cause += "; check the locked funds"
		}
		mismatch(sev, msg+note, "Kalshi "+kst, cause)
	}
	// The intent gave up while Kalshi traded, or still can: contracts
	// with nobody to settle them. Not a polling lag, so no grace.
	if in.Status.Is(pipeline.StatusFailed) {
		switch {
		case o.Status == kalshi.StatusResting:
			mismatch(SevError, d.withKalshi()+": the intent says failed but the order is still resting on Kalshi ("+fills+"); it can still fill",
				"failed, still resting", "the intent failed but the order still rests on Kalshi ("+fills+")")
		case o.FillCount.Sign() > 0:
			mismatch(SevError, d.withKalshi()+": the intent says failed but Kalshi "+fills+"; those contracts were bought or sold with no settlement on chain",
				"failed after fills", "the intent failed but Kalshi "+fills+", with no settlement on chain")
		}
	}
	if in.Status.Is(pipeline.StatusCompleted) && o.Status == kalshi.StatusResting {
		mismatch(SevError, d.withKalshi()+": the intent says completed but the order is still resting on Kalshi ("+fills+"); it can still fill",
			"still resting", "the intent says completed but the order rests on Kalshi")
	}
	if in.KalshiFillCount != nil && !in.KalshiFillCount.Equal(o.FillCount) {
		mismatch(sev, d.withKalshi()+": fill count differs, intent kalshiFillCount "+in.KalshiFillCount.Count()+" vs Kalshi fill_count "+o.FillCount.Count()+" of "+o.InitialCount.Count()+note,
			"fills differ", "fill counts differ: the intent says "+in.KalshiFillCount.Count()+", Kalshi "+o.FillCount.Count()+" of "+o.InitialCount.Count())
	}
	if in.KalshiOrderStatus != "" && o.Status != "" && !sameKalshiStatus(in.KalshiOrderStatus, string(o.Status)) {
		mismatch(sev, d.withKalshi()+": order status differs, intent kalshiOrderStatus "+quoted(in.KalshiOrderStatus)+" vs Kalshi "+quoted(string(o.Status))+note,
			"status differs", "Kalshi status differs: the intent says "+quoted(in.KalshiOrderStatus)+", Kalshi "+quoted(string(o.Status)))
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

// kalshiMissing flags the Kalshi order an intent names when Kalshi does
// not know it. A Kalshi order watched on its own that Kalshi does not
// know is simply not found (see notFound).
func (d *diagnoser) kalshiMissing() {
	if !d.s.Sources.Kalshi.NotFound || d.in == nil || d.in.KalshiOrderID == "" {
		return
	}
	const where = "; it may belong to another account or subaccount, or be an old finished order that Kalshi now serves only from /historical/orders"
	id := textsafe.Clean(d.in.KalshiOrderID)
	d.add(Finding{Code: CodeKalshiOrderMissing, Severity: SevError,
		Message: d.name + " names Kalshi order " + id + " but Kalshi answers 404 for it" + where,
		Short:   "not on Kalshi", Cause: "Kalshi answers 404 for its order " + id})
}

// notFound reports an ID that nobody asked knows, naming who answered 404.
func (d *diagnoser) notFound() {
	if !d.s.NotFound() {
		return
	}
	who := d.s.NotFoundBy()
	msg := d.name + ": not found, " + who + " answered 404 for it; check the ID"
	if d.s.Target.Kind == KindKalshi {
		msg += " (it may belong to another account or subaccount)"
	}
	if d.s.Target.Kind == KindIntent {
		msg += " (a Kalshi order is watched as kalshi:<order_id>)"
	}
	d.add(Finding{Code: CodeNotFound, Severity: SevError, Message: msg, Short: "not found", Cause: "not found: " + who + " answered 404"})
}

func (d *diagnoser) completedWithoutTxn() {
	in := d.in
	if !in.Status.Is(pipeline.StatusCompleted) || !in.TxnFilledAt.IsZero() || in.TxHash != "" {
		return
	}
	d.add(Finding{Code: CodeCompletedWithoutTxn, Severity: SevError,
		Message: d.name + " completed with no txnFilledAt and no tx hash: no evidence that tokens were minted or burned on chain; check the wallet on chain",
		Short:   "no on-chain txn", Cause: "completed with no on-chain transaction recorded"})
}

func (d *diagnoser) failed() {
	in := d.in
	if !in.Status.Is(pipeline.StatusFailed) {
		return
	}
	reason := "no reason given"
	if r := textsafe.Clean(in.TerminationReason); r != "" {
		reason = r
	}
	cause := "failed"
	var b strings.Builder
	b.WriteString(d.name + " failed")
	for _, r := range pipeline.Timeline(in, d.now) {
		if r.Failed {
			b.WriteString(" before reaching " + r.Stage.String())
			cause += " before " + r.Stage.String()
		}
	}
	cause += ": " + reason
	if last := in.LatestStamp(); !last.IsZero() {
		b.WriteString(" (last stage timestamp " + d.at(last) + ")")
	}
	if in.TerminationReason != "" {
		b.WriteString(": reason " + quoted(in.TerminationReason))
	} else {
		b.WriteString(": no reason given")
	}
	if o := d.o; o != nil {
		if why := endWhy(o, ": "); why != "" {
			b.WriteString("; Kalshi " + textsafe.Clean(string(o.Status)) + " its order" + why)
		}
	}
	b.WriteString("; check that any locked funds")
	if l := d.lockedText(); l != "" {
		b.WriteString(" (" + l + ")")
	}
	b.WriteString(" were released, the intent service does not document a refund")
	d.add(Finding{Code: CodeFailed, Severity: SevError, Message: b.String(),
		Short: textsafe.Truncate(reason, 40), Cause: cause})
}

func (d *diagnoser) terminationUnexpected() {
	in := d.in
	if in.TerminationReason == "" || in.Status.Is(pipeline.StatusFailed) {
		return
	}
	d.add(Finding{Code: CodeTerminationReasonUnexpected, Severity: SevWarn,
		Message: d.name + " has terminationReason " + quoted(in.TerminationReason) + " but status " + quoted(string(in.Status)) + ", not failed",
		Short:   "odd end reason", Cause: "a termination reason on an order that did not fail"})
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
			bad = append(bad, st.StampName()+" "+d.at(at)+" is "+timefmt.Duration(prev.Sub(at))+" before "+prevStage.StampName()+" "+d.at(prev))
			continue // keep comparing against the latest timestamp so far
		}
		prev, prevStage = at, st
	}
	if len(bad) > 0 {
		d.add(Finding{Code: CodeTimestampsOutOfOrder, Severity: SevWarn,
			Message: d.name + " stage timestamps out of order: " + strings.Join(bad, "; "),
			Short:   "times out of order", Cause: "stage timestamps go backwards"})
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
		d.add(Finding{Code: CodeStatusRegressed, Severity: SevError,
			Message: d.name + " status went back from " + quoted(string(peak)) + " to " + quoted(string(in.Status)) + " between polls",
			Short:   "status went back", Cause: "the status went back from " + quoted(string(peak)) + " to " + quoted(string(in.Status))})
	}
}

func (d *diagnoser) unrecognized() {
	info := func(msg string) { d.add(Finding{Code: CodeStatusUnrecognized, Severity: SevInfo, Message: msg}) }
	if in := d.in; in != nil {
		if d.known || in.Status.Is(pipeline.StatusFailed) {
			return
		}
		if in.Status == "" {
			info(d.name + " reports no status")
			return
		}
		info(d.name + " reports status " + quoted(string(in.Status)) + ", outside the documented pipeline (pending → validated → placed → filled → txn_filled → completed); it is shown as is")
		return
	}
	if o := d.o; o != nil && d.s.KalshiOnly() {
		switch o.Status {
		case kalshi.StatusResting, kalshi.StatusCanceled, kalshi.StatusExecuted, kalshi.StatusPending:
			return
		}
		info(d.name + ": Kalshi reports status " + quoted(string(o.Status)) + ", which this program does not know; it is shown as is")
	}
}

// lockedText describes the funds the intent locked, or "" when unknown.
func (d *diagnoser) lockedText() string {
	if d.in == nil || d.in.QuoteAmount.IsZero() {
		return ""
	}
	return d.in.QuoteAmount.Dollars()
}

// quoted renders an untrusted server string sanitized and quoted, so an
// empty or odd value is visible as such.
func quoted(s string) string { return strconv.Quote(textsafe.Clean(s)) }
