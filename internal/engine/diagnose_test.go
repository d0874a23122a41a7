package engine

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Stage timestamps of the realistic fixture: created t0, validated +5s,
// placed +7s, filled +67s, on chain +80s.
var (
	tValidated = at(5 * sec)
	tPlaced    = at(7 * sec)
	tFilled    = at(67 * sec)
	tTxn       = at(80 * sec)
)

// healthy returns a legacy-shaped intent at status st with every stamp up
// to st set, joined with a Kalshi order, queue and market that agree with
// it: what a fresh, healthy order looks like at that stage.
func healthy(st pipeline.Status) Snapshot {
	in := &pipeline.Intent{
		ID: "123", Status: st, CreatedAt: t0,
		ActionType: "MarketOrder", MarketID: "BTC-100K", Side: "yes", OrderType: "buy",
		Quantity: dec("10"), PriceCents: dec("42"), QuoteAmount: dec("4.20"),
		Shape: pipeline.ShapeLegacy,
	}
	s := Snapshot{Target: Target{Kind: KindIntent, ID: "123"}, Intent: in, PeakStatus: st}
	stage, _ := pipeline.StageOf(st)
	if stage >= pipeline.StageValidated {
		in.BalanceValidatedAt = tValidated
	}
	if stage >= pipeline.StagePlaced {
		in.OrderPlacedAt = tPlaced
		in.KalshiOrderID = "ORD-1"
		in.KalshiOrderStatus = "resting"
		in.KalshiFillCount = decp("0")
		s.Order = kOrder(kalshi.StatusResting, "0", "10")
		s.Order.LastUpdateTime = tPlaced
		s.QueueAhead = decp("12.00")
		s.Market = &kalshi.Market{Ticker: "BTC-100K", YesBid: dec("0.4500"), YesAsk: dec("0.4700"), NoBid: dec("0.5300"), NoAsk: dec("0.5500")}
		s.Sources.Kalshi = SourceStatus{Used: true, LastSuccess: tPlaced}
	}
	if stage >= pipeline.StageFilled {
		in.OrderFilledAt = tFilled
		in.KalshiOrderStatus = "filled"
		in.KalshiFillCount = decp("10")
		*s.Order = *kOrder(kalshi.StatusExecuted, "10", "10")
		s.Order.LastUpdateTime = at(66 * sec)
		s.QueueAhead = nil
	}
	if stage >= pipeline.StageTxnFilled {
		in.TxnFilledAt = tTxn
		in.TxHash = "0xabc"
		in.ChainID = 8453
	}
	if stage == pipeline.StageCompleted {
		in.IsComplete = true
	}
	s.Sources.Intent = SourceStatus{Used: true, LastSuccess: t0}
	return s
}

// with applies edits to a copy of s, deep enough that the fixture is not
// shared between cases.
func with(s Snapshot, edits ...func(*Snapshot)) Snapshot {
	if s.Intent != nil {
		in := *s.Intent
		s.Intent = &in
	}
	if s.Order != nil {
		o := *s.Order
		s.Order = &o
	}
	for _, e := range edits {
		e(&s)
	}
	return s
}

func renderFindings(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Code + ":" + f.Severity.String()
	}
	return out
}

type diagCase struct {
	name string
	s    Snapshot
	th   Thresholds
	now  time.Time
	want []string // "code:severity", in order
	// msg lists substrings the first finding's message must contain.
	msg []string
}

func runDiagCases(t *testing.T, tests []diagCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diagnose(tt.s, tt.th, tt.now, time.UTC)
			if g, w := strings.Join(renderFindings(got), " "), strings.Join(tt.want, " "); g != w {
				t.Fatalf("findings:\n got [%s]\nwant [%s]\n%s", g, w, messages(got))
			}
			for _, f := range got {
				assertCleanMessage(t, f)
			}
			for _, sub := range tt.msg {
				if !strings.Contains(got[0].Message, sub) {
					t.Errorf("message %q\n does not contain %q", got[0].Message, sub)
				}
			}
		})
	}
}

func messages(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Code + ": " + f.Message + "\n")
	}
	return b.String()
}

func assertCleanMessage(t *testing.T, f Finding) {
	t.Helper()
	if f.Message == "" {
		t.Errorf("%s: empty message", f.Code)
	}
	for _, r := range f.Message {
		if unicode.IsControl(r) {
			t.Errorf("%s: message has control character %U: %q", f.Code, r, f.Message)
		}
	}
}

func TestDiagnoseHealthyFreshOrder(t *testing.T) {
	// Ten seconds after each stage began, a healthy order raises nothing.
	for _, st := range []pipeline.Status{pipeline.StatusPending, pipeline.StatusValidated, pipeline.StatusPlaced, pipeline.StatusFilled, pipeline.StatusTxnFilled, pipeline.StatusCompleted} {
		s := healthy(st)
		now := s.Intent.LatestStamp().Add(10 * sec)
		if got := Diagnose(s, DefaultThresholds, now, time.UTC); len(got) != 0 {
			t.Errorf("%s: healthy order got findings:\n%s", st, messages(got))
		}
	}
	k := kalshiSnap(kOrder(kalshi.StatusResting, "3", "10"))
	if got := Diagnose(k, Thresholds{}, at(time.Minute), time.UTC); len(got) != 0 {
		t.Errorf("healthy Kalshi-only order got findings:\n%s", messages(got))
	}
}

func TestDiagnoseStuckStages(t *testing.T) {
	th := DefaultThresholds
	pending := healthy(pipeline.StatusPending)
	validated := healthy(pipeline.StatusValidated)
	placed := with(healthy(pipeline.StatusPlaced), func(s *Snapshot) {
		s.Order.FillCount, s.Order.RemainingCount = dec("3.00"), dec("7.00")
		s.Intent.KalshiFillCount = decp("3.00")
	})
	filled := healthy(pipeline.StatusFilled)
	txn := healthy(pipeline.StatusTxnFilled)
	tests := []diagCase{
		{name: "pending at the threshold is quiet", s: pending, th: th, now: t0.Add(th.Pending)},
		{name: "pending past the threshold", s: pending, th: th, now: t0.Add(th.Pending + sec),
			want: []string{"stuck_pending:warn"},
			msg:  []string{"intent:123", "pending for 1m01s", "threshold 1m", "10:00:00 UTC", "no balanceValidatedAt", "needs $4.20"}},
		{name: "pending with a validation stamp is not stuck pending", th: th, now: t0.Add(time.Hour),
			s: with(pending, func(s *Snapshot) { s.Intent.BalanceValidatedAt = tValidated; s.PeakStatus = "" }),
			// Funds are locked with no order, which is the validated rule.
			want: []string{"stuck_validated:error"}},
		{name: "pending without createdAt cannot be timed", th: th, now: t0.Add(time.Hour),
			s: with(pending, func(s *Snapshot) { s.Intent.CreatedAt = time.Time{} })},

		{name: "validated at the threshold is quiet", s: validated, th: th, now: tValidated.Add(th.Validated)},
		{name: "validated past the threshold", s: validated, th: th, now: tValidated.Add(th.Validated + sec),
			want: []string{"stuck_validated:error"},
			msg:  []string{"intent:123", "funds locked but no Kalshi order for 2m01s", "threshold 2m", "validated 10:00:05 UTC", "no orderPlacedAt and no kalshiOrderId", "$4.20 locked"}},
		{name: "validated with a Kalshi order id is not stuck validated", th: th, now: tValidated.Add(time.Hour),
			s: with(validated, func(s *Snapshot) { s.Intent.KalshiOrderID = "ORD-1" })},
		{name: "validated with orderPlacedAt is not stuck validated", th: th, now: tValidated.Add(th.Validated + sec),
			s: with(validated, func(s *Snapshot) { s.Intent.OrderPlacedAt = tPlaced })},

		{name: "placed at the threshold is quiet", s: placed, th: th, now: tPlaced.Add(th.Placed)},
		{name: "placed past the threshold", s: placed, th: th, now: tPlaced.Add(th.Placed + sec),
			want: []string{"stuck_placed:warn"},
			msg: []string{"intent:123 (Kalshi order ORD-1)", "resting on Kalshi for 15m01s", "threshold 15m",
				"queue 12 contracts ahead", "filled 3 of 10", "limit $0.42 vs best yes bid $0.45 / ask $0.47, behind the best bid by $0.03"}},
		{name: "placed on the no side compares with the no book", th: th, now: tPlaced.Add(th.Placed + sec),
			s: with(placed, func(s *Snapshot) {
				s.Order.OutcomeSide, s.Order.BookSide = "no", "ask"
				s.Order.NoPrice = dec("0.5300")
			}),
			want: []string{"stuck_placed:warn"},
			msg:  []string{"limit $0.53 vs best no bid $0.53 / ask $0.55, at the best bid"}},
		{name: "placed with Kalshi unreachable uses the intent's figures", th: th, now: tPlaced.Add(th.Placed + sec),
			s:    with(placed, func(s *Snapshot) { s.Order, s.QueueAhead, s.Market = nil, nil, nil }),
			want: []string{"stuck_placed:warn"},
			msg:  []string{"intent:123 (Kalshi order ORD-1)", "filled 3 of 10 per the intent service", "limit $0.42"}},
		{name: "placed without orderPlacedAt times from Kalshi's created_time", th: th, now: at(7*sec + th.Placed + sec),
			s:    with(placed, func(s *Snapshot) { s.Intent.OrderPlacedAt = time.Time{} }),
			want: []string{"stuck_placed:warn"}},
		{name: "Kalshi-only resting past the threshold", th: th, now: at(7*sec + th.Placed + sec),
			s:    with(kalshiSnap(kOrder(kalshi.StatusResting, "0", "10")), func(s *Snapshot) { s.QueueAhead = decp("4.00") }),
			want: []string{"stuck_placed:warn"},
			msg:  []string{"kalshi:ORD-1 resting on Kalshi for 15m01s", "queue 4 contracts ahead", "filled 0 of 10", "limit $0.42"}},
		{name: "Kalshi-only resting at the threshold is quiet", th: th, now: at(7*sec + th.Placed),
			s: kalshiSnap(kOrder(kalshi.StatusResting, "0", "10"))},
		{name: "Kalshi-only executed long ago is quiet", th: th, now: at(24 * time.Hour),
			s: kalshiSnap(kOrder(kalshi.StatusExecuted, "10", "10"))},

		{name: "filled at the threshold is quiet", s: filled, th: th, now: tFilled.Add(th.Filled)},
		{name: "filled past the threshold", s: filled, th: th, now: tFilled.Add(th.Filled + sec),
			want: []string{"stuck_filled:error"},
			msg:  []string{"intent:123 (Kalshi order ORD-1)", "filled on Kalshi but no on-chain transaction for 5m01s", "threshold 5m", "orderFilledAt 10:01:07 UTC", "no txnFilledAt and no tx hash", "filled 10 of 10"}},
		{name: "filled with a tx hash is not stuck filled", th: th, now: tFilled.Add(time.Hour),
			s: with(filled, func(s *Snapshot) { s.Intent.TxHash = "0xabc" })},
		{name: "filled forward jump without orderFilledAt times from Kalshi's last update", th: th, now: at(66*sec + th.Filled + sec),
			s:    with(filled, func(s *Snapshot) { s.Intent.OrderFilledAt = time.Time{} }),
			want: []string{"stuck_filled:error"},
			msg:  []string{"Kalshi executed it at 10:01:06 UTC"}},

		{name: "txn_filled at the threshold is quiet", s: txn, th: th, now: tTxn.Add(th.TxnFilled)},
		{name: "txn_filled past the threshold", s: txn, th: th, now: tTxn.Add(th.TxnFilled + sec),
			want: []string{"stuck_txn_filled:warn"},
			msg:  []string{"intent:123", "not completed for 5m01s", "threshold 5m", "txnFilledAt 10:01:20 UTC", "tx 0xabc on chain 8453"}},
		{name: "completed long after is quiet", s: healthy(pipeline.StatusCompleted), th: th, now: tTxn.Add(24 * time.Hour)},
	}
	runDiagCases(t, tests)
}

func TestDiagnoseThresholds(t *testing.T) {
	placed := healthy(pipeline.StatusPlaced)
	now := tPlaced.Add(2 * time.Minute)
	if got := Diagnose(placed, Thresholds{}, now, time.UTC); len(got) != 0 {
		t.Errorf("zero thresholds should mean defaults (15m for placed):\n%s", messages(got))
	}
	got := Diagnose(placed, Thresholds{Placed: time.Minute}, now, time.UTC)
	if len(got) != 1 || got[0].Code != CodeStuckPlaced || !strings.Contains(got[0].Message, "threshold 1m") {
		t.Errorf("custom 1m threshold: got\n%s", messages(got))
	}
	// The finding carries the threshold it passed, for the timeline.
	if len(got) == 1 && got[0].Limit != time.Minute {
		t.Errorf("stuck_placed Limit = %v, want the 1m threshold it passed", got[0].Limit)
	}
	for _, f := range Diagnose(healthy(pipeline.StatusValidated), Thresholds{}, tValidated.Add(time.Hour), time.UTC) {
		if f.Code == CodeStuckValidated && f.Limit != DefaultThresholds.Validated {
			t.Errorf("stuck_validated Limit = %v, want %v", f.Limit, DefaultThresholds.Validated)
		}
	}
	if w := (Thresholds{Placed: time.Minute}).WithDefaults(); w.Placed != time.Minute || w.Pending != DefaultThresholds.Pending || w.TxnFilled != DefaultThresholds.TxnFilled {
		t.Errorf("WithDefaults = %+v", w)
	}
}

func TestDiagnoseSourceMismatch(t *testing.T) {
	placed := healthy(pipeline.StatusPlaced)
	late := tPlaced.Add(time.Minute)
	canceled := with(placed, func(s *Snapshot) {
		s.Order.Status = kalshi.StatusCanceled
		s.Order.LastUpdateReason = "PostOnlyCrossCancel\x1b[2J"
		s.Order.LastUpdateTime = at(20 * sec)
		s.QueueAhead = nil
	})
	executed := with(placed, func(s *Snapshot) {
		s.Order.Status = kalshi.StatusExecuted
		s.Order.FillCount, s.Order.RemainingCount = dec("10"), dec("0")
		s.Order.LastUpdateTime = at(20 * sec)
		s.QueueAhead = nil
	})
	tests := []diagCase{
		{name: "Kalshi canceled while the intent says placed", s: canceled, now: late,
			want: []string{"source_mismatch:error", "source_mismatch:error"},
			msg:  []string{"intent:123 (Kalshi order ORD-1)", "Kalshi says canceled (filled 0 of 10): post-only order would have crossed the book (PostOnlyCrossCancel)", "intent still says placed", "will not fill"}},
		{name: "Kalshi executed while the intent says placed, after the grace", s: executed, now: at(20*sec + SyncGrace + sec),
			// Order done, fill count and status all differ: one finding each.
			want: []string{"source_mismatch:error", "source_mismatch:error", "source_mismatch:error"},
			msg:  []string{"Kalshi says executed (filled 10 of 10)", "intent still says placed"}},
		{name: "Kalshi executed a moment ago is only info", s: executed, now: at(20*sec + SyncGrace),
			want: []string{"source_mismatch:info", "source_mismatch:info", "source_mismatch:info"},
			msg:  []string{"within the 30s"}},
		{name: "Kalshi executed long ago: mismatch and stuck filled", s: executed, now: at(20*sec + 5*time.Minute + sec),
			want: []string{"stuck_filled:error", "source_mismatch:error", "source_mismatch:error", "source_mismatch:error"},
			msg:  []string{"Kalshi executed it at 10:00:20 UTC"}},
		{name: "validated with an order id while Kalshi canceled", now: late,
			s: with(canceled, func(s *Snapshot) {
				s.Intent.Status, s.PeakStatus = pipeline.StatusValidated, pipeline.StatusValidated
				s.Intent.OrderPlacedAt = time.Time{}
				s.Intent.KalshiOrderStatus = ""
			}),
			want: []string{"source_mismatch:error"},
			msg:  []string{"Kalshi says canceled", "intent still says validated"}},
		{name: "fill count differs", now: late,
			s: with(placed, func(s *Snapshot) {
				s.Order.FillCount = dec("3.00")
				s.Order.LastUpdateTime = time.Time{}
			}),
			want: []string{"source_mismatch:error"},
			msg:  []string{"fill count differs, intent kalshiFillCount 0 vs Kalshi fill_count 3 of 10"}},
		{name: "fill count equal in value but not in places", now: late,
			s: with(placed, func(s *Snapshot) { s.Intent.KalshiFillCount = decp("0.00") })},
		{name: "status differs", now: late,
			s:    with(placed, func(s *Snapshot) { s.Intent.KalshiOrderStatus = "canceled" }),
			want: []string{"source_mismatch:error"},
			msg:  []string{`order status differs, intent kalshiOrderStatus "canceled" vs Kalshi "resting"`}},
		{name: "status compared case-insensitively", now: late,
			s: with(placed, func(s *Snapshot) { s.Intent.KalshiOrderStatus = "RESTING" })},
		{name: "intent's filled matches Kalshi's executed", s: healthy(pipeline.StatusFilled), now: tFilled.Add(10 * sec)},
		{name: "intent failed while the order still rests", now: late,
			s: with(placed, func(s *Snapshot) {
				s.Intent.Status, s.Intent.TerminationReason = pipeline.StatusFailed, "timeout"
				s.PeakStatus = pipeline.StatusFailed
			}),
			want: []string{"source_mismatch:error", "failed:error"},
			msg:  []string{"the intent says failed but the order is still resting on Kalshi", "it can still fill"}},
		{name: "intent failed after Kalshi filled part of it", now: late,
			s: with(canceled, func(s *Snapshot) {
				s.Intent.Status, s.PeakStatus = pipeline.StatusFailed, pipeline.StatusFailed
				s.Intent.KalshiOrderStatus, s.Intent.KalshiFillCount = "canceled", decp("2")
				s.Order.FillCount = dec("2")
			}),
			want: []string{"source_mismatch:error", "failed:error"},
			msg:  []string{"the intent says failed but Kalshi filled 2 of 10", "no settlement on chain"}},
		{name: "intent failed and Kalshi canceled unfilled agree", now: late,
			s: with(canceled, func(s *Snapshot) {
				s.Intent.Status, s.PeakStatus = pipeline.StatusFailed, pipeline.StatusFailed
				s.Intent.KalshiOrderStatus = "canceled"
			}),
			want: []string{"failed:error"}},
		{name: "no Kalshi data, no mismatch", now: late,
			s: with(placed, func(s *Snapshot) { s.Order = nil; s.Intent.KalshiOrderStatus = "canceled" })},
		{name: "intent reports no fill count or status", now: late,
			s: with(placed, func(s *Snapshot) {
				s.Intent.KalshiFillCount, s.Intent.KalshiOrderStatus = nil, ""
				s.Order.FillCount = dec("2")
			})},
	}
	runDiagCases(t, tests)
}

func TestDiagnoseOtherRules(t *testing.T) {
	placed := healthy(pipeline.StatusPlaced)
	completed := healthy(pipeline.StatusCompleted)
	now := tTxn.Add(10 * sec)
	noTxn := func(s *Snapshot) { s.Intent.TxnFilledAt, s.Intent.TxHash = time.Time{}, "" }
	failedAt := func(st pipeline.Status) func(*Snapshot) {
		return func(s *Snapshot) {
			*s = with(healthy(st))
			s.Intent.Status, s.PeakStatus = pipeline.StatusFailed, pipeline.StatusFailed
			s.Order = nil
		}
	}
	tests := []diagCase{
		{name: "Kalshi 404 for the intent's order", now: tPlaced.Add(10 * sec),
			s: with(placed, func(s *Snapshot) {
				s.Order = nil
				s.Sources.Kalshi.NotFound, s.Sources.Kalshi.Err = true, "404 Not Found"
			}),
			want: []string{"kalshi_order_missing:error"},
			msg:  []string{"intent:123 names Kalshi order ORD-1 but Kalshi answers 404", "/historical/orders"}},
		{name: "Kalshi 404 with no order id named is not this rule", now: tValidated.Add(10 * sec),
			s: with(healthy(pipeline.StatusValidated), func(s *Snapshot) { s.Sources.Kalshi.NotFound = true })},
		{name: "Kalshi-only 404 is not found", now: t0,
			s:    Snapshot{Target: Target{Kind: KindKalshi, ID: "ORD-9"}, Sources: Sources{Kalshi: SourceStatus{Used: true, NotFound: true}}},
			want: []string{"not_found:error"},
			msg:  []string{"kalshi:ORD-9: not found, Kalshi answered 404"}},
		{name: "intent 404 is not found", now: t0,
			s:    Snapshot{Target: Target{Kind: KindIntent, ID: "98765"}, Sources: Sources{Intent: SourceStatus{Used: true, NotFound: true}}},
			want: []string{"not_found:error"},
			msg:  []string{"intent:98765: not found, the intent service answered 404", "kalshi:<order_id>"}},
		{name: "bare ID neither system knows", now: t0,
			s: Snapshot{Target: Target{Kind: KindKalshi, ID: "98765"},
				Sources: Sources{Intent: SourceStatus{NotFound: true}, Kalshi: SourceStatus{Used: true, NotFound: true}}},
			want: []string{"not_found:error"},
			msg:  []string{"98765: not found, the intent service and Kalshi answered 404"}},

		{name: "completed without txn", s: with(completed, noTxn), now: now,
			want: []string{"completed_without_txn:error"},
			msg:  []string{"intent:123 completed with no txnFilledAt and no tx hash"}},
		{name: "completed with only a tx hash is fine", now: now,
			s: with(completed, func(s *Snapshot) { s.Intent.TxnFilledAt = time.Time{} })},
		{name: "completed with only txnFilledAt is fine", now: now,
			s: with(completed, func(s *Snapshot) { s.Intent.TxHash = "" })},

		{name: "failed before validation", s: with(Snapshot{}, failedAt(pipeline.StatusPending), func(s *Snapshot) {
			s.Intent.TerminationReason = "insufficient balance\x1b]0;owned\x07"
		}), now: now,
			want: []string{"failed:error"},
			msg:  []string{"intent:123 failed before reaching validated", `reason "insufficient balance"`, "locked funds ($4.20) were released"}},
		{name: "failed before placement with no reason", s: with(Snapshot{}, failedAt(pipeline.StatusValidated)), now: now,
			want: []string{"failed:error"},
			msg:  []string{"failed before reaching placed", "last stage timestamp 10:00:05 UTC", "no reason given", "released"}},
		{name: "failed before chain", s: with(Snapshot{}, failedAt(pipeline.StatusFilled)), now: now,
			want: []string{"failed:error"},
			msg:  []string{"failed before reaching txn_filled"}},
		{name: "failed before completion", s: with(Snapshot{}, failedAt(pipeline.StatusTxnFilled)), now: now,
			want: []string{"failed:error"},
			msg:  []string{"failed before reaching completed"}},

		{name: "termination reason while completed", now: now,
			s:    with(completed, func(s *Snapshot) { s.Intent.TerminationReason = "partial refund" }),
			want: []string{"termination_reason_unexpected:warn"},
			msg:  []string{`terminationReason "partial refund" but status "completed"`}},

		{name: "placed before validated", now: tPlaced.Add(10 * sec),
			s:    with(placed, func(s *Snapshot) { s.Intent.OrderPlacedAt = at(3 * sec) }),
			want: []string{"timestamps_out_of_order:warn"},
			msg:  []string{"orderPlacedAt 10:00:03 UTC is 2s before balanceValidatedAt 10:00:05 UTC"}},
		{name: "two violations in one finding", now: now,
			s: with(completed, func(s *Snapshot) {
				s.Intent.CreatedAt = at(70 * sec)
			}),
			want: []string{"timestamps_out_of_order:warn"},
			msg:  []string{"balanceValidatedAt", "orderPlacedAt", "orderFilledAt 10:01:07 UTC is 3s before createdAt"}},
		{name: "equal timestamps are in order", now: now,
			s: with(completed, func(s *Snapshot) { s.Intent.BalanceValidatedAt = t0 })},

		{name: "status went back", now: tPlaced.Add(10 * sec),
			s:    with(placed, func(s *Snapshot) { s.Intent.Status = pipeline.StatusValidated; s.PeakStatus = pipeline.StatusFilled }),
			want: []string{"status_regressed:error"},
			msg:  []string{`intent:123 status went back from "filled" to "validated"`}},
		{name: "status changed after completion", now: now,
			s:    with(completed, func(s *Snapshot) { s.Intent.Status = pipeline.StatusTxnFilled; s.PeakStatus = pipeline.StatusCompleted }),
			want: []string{"status_regressed:error"}},
		{name: "failed after completion", now: now,
			s: with(completed, func(s *Snapshot) { s.Intent.Status = pipeline.StatusFailed; s.PeakStatus = pipeline.StatusCompleted }),
			// Kalshi traded 10 contracts that will now never settle.
			want: []string{"source_mismatch:error", "failed:error", "status_regressed:error"},
			msg:  []string{"the intent says failed but Kalshi filled 10 of 10"}},
		{name: "forward move is not a regression", now: tPlaced.Add(10 * sec),
			s: with(placed, func(s *Snapshot) { s.PeakStatus = pipeline.StatusPending })},
		{name: "unknown peak is not a regression", now: tPlaced.Add(10 * sec),
			s: with(placed, func(s *Snapshot) { s.PeakStatus = pipeline.StatusExecuting })},

		{name: "executing is shown as is", now: t0.Add(10 * time.Minute),
			s:    with(healthy(pipeline.StatusPending), func(s *Snapshot) { s.Intent.Status, s.PeakStatus = pipeline.StatusExecuting, pipeline.StatusExecuting }),
			want: []string{"status_unrecognized:info"},
			msg:  []string{`intent:123 reports status "executing"`, "shown as is"}},
		{name: "unknown status is sanitized", now: t0,
			s:    with(healthy(pipeline.StatusPending), func(s *Snapshot) { s.Intent.Status, s.PeakStatus = "weird\x1b[31m\x00", "" }),
			want: []string{"status_unrecognized:info"},
			msg:  []string{`"weird"`}},
		{name: "empty status", now: t0,
			s:    with(healthy(pipeline.StatusPending), func(s *Snapshot) { s.Intent.Status, s.PeakStatus = "", "" }),
			want: []string{"status_unrecognized:info"},
			msg:  []string{"reports no status"}},
		{name: "Kalshi-only unknown status", now: t0,
			s:    kalshiSnap(kOrder("paused", "0", "10")),
			want: []string{"status_unrecognized:info"},
			msg:  []string{`kalshi:ORD-1: Kalshi reports status "paused"`}},
	}
	runDiagCases(t, tests)
}

func TestDiagnoseOrdersBySeverityThenRule(t *testing.T) {
	s := with(healthy(pipeline.StatusCompleted), func(s *Snapshot) {
		s.Intent.TxnFilledAt, s.Intent.TxHash = time.Time{}, ""
		s.Intent.TerminationReason = "odd"
		s.Intent.OrderPlacedAt = at(3 * sec)
		s.PeakStatus = pipeline.StatusFailed
	})
	got := renderFindings(Diagnose(s, DefaultThresholds, tTxn, time.UTC))
	want := []string{"completed_without_txn:error", "status_regressed:error", "termination_reason_unexpected:warn", "timestamps_out_of_order:warn"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order:\n got %v\nwant %v", got, want)
	}
}

func TestDiagnoseSanitizesNames(t *testing.T) {
	s := with(healthy(pipeline.StatusValidated), func(s *Snapshot) {
		s.Target.ID = "12\x1b[2J3"
		s.Intent.QuoteAmount = dec("1")
	})
	got := Diagnose(s, DefaultThresholds, tValidated.Add(time.Hour), time.UTC)
	if len(got) != 1 {
		t.Fatalf("got %d findings:\n%s", len(got), messages(got))
	}
	assertCleanMessage(t, got[0])
	if !strings.HasPrefix(got[0].Message, "intent:123 ") {
		t.Errorf("message %q should name intent:123", got[0].Message)
	}
}

func TestDiagnoseNamesUnresolvedTarget(t *testing.T) {
	s := with(healthy(pipeline.StatusPending), func(s *Snapshot) { s.Target = Target{ID: "123"} })
	got := Diagnose(s, DefaultThresholds, t0.Add(time.Hour), time.UTC)
	if len(got) != 1 || !strings.HasPrefix(got[0].Message, "intent:123 ") {
		t.Errorf("bare ID answered by the intent service should read intent:123:\n%s", messages(got))
	}
}

func BenchmarkDiagnose(b *testing.B) {
	// A partially filled order resting past its threshold, with the
	// intent lagging Kalshi: the common "why is this stuck" case.
	s := with(healthy(pipeline.StatusPlaced), func(s *Snapshot) {
		s.Order.FillCount, s.Order.RemainingCount = dec("3.00"), dec("7.00")
		s.Intent.KalshiFillCount = decp("2.00")
	})
	now := tPlaced.Add(20 * time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		if len(Diagnose(s, DefaultThresholds, now, time.UTC)) != 2 {
			b.Fatal("unexpected findings")
		}
	}
}

// FuzzDiagnose feeds arbitrary statuses, server strings and timestamp
// orders through Timeline, Diagnose, the Snapshot methods and the Tracker:
// none may panic, every message must be free of control characters, and
// the findings must come most severe first.
func FuzzDiagnose(f *testing.F) {
	f.Add("placed", "resting", "", "placed", int64(0), int64(5), int64(7), int64(0), int64(0), "3.00", int64(1200))
	f.Add("failed", "canceled", "boom\x1b[31m", "completed", int64(0), int64(-5), int64(7), int64(9), int64(0), "10", int64(99999))
	f.Add("executing", "weird\x00", "x", "", int64(-1), int64(0), int64(0), int64(0), int64(3), "0", int64(-10))
	f.Add("COMPLETED", "executed", "", "txn_filled", int64(0), int64(1), int64(2), int64(3), int64(0), "0.01", int64(600))
	f.Fuzz(func(t *testing.T, status, kstatus, reason, peak string, c, v, p, fl, tx int64, fills string, nowSec int64) {
		stampOf := func(n int64) time.Time {
			if n <= 0 {
				return time.Time{}
			}
			return at(time.Duration(n%100000) * sec)
		}
		in := &pipeline.Intent{ID: "i\x1b[2J", Status: pipeline.Status(status), TerminationReason: reason, KalshiOrderStatus: kstatus,
			CreatedAt: stampOf(c), BalanceValidatedAt: stampOf(v), OrderPlacedAt: stampOf(p), OrderFilledAt: stampOf(fl), TxnFilledAt: stampOf(tx),
			KalshiOrderID: reason, PriceCents: dec("42"), Side: kstatus}
		o := kOrder(kalshi.OrderStatus(kstatus), "0", "10")
		if d, err := fixed.Parse(fills); err == nil {
			o.FillCount = d
			in.KalshiFillCount = &d
		}
		o.LastUpdateReason = reason
		o.OutcomeSide = status
		now := at(time.Duration(nowSec%1000000) * sec)
		snaps := []Snapshot{
			{Target: Target{Kind: KindIntent, ID: reason}, Intent: in, Order: o, PeakStatus: pipeline.Status(peak), QueueAhead: decp("1"),
				Market: &kalshi.Market{}, Sources: Sources{Kalshi: SourceStatus{NotFound: len(reason)%2 == 1, Err: reason}}},
			{Target: Target{Kind: KindKalshi, ID: reason}, Order: o, Fills: []kalshi.Fill{{FillID: reason, TradeID: kstatus}}},
			{Target: Target{ID: reason}, Intent: in},
		}
		tr := NewTracker()
		for _, s := range snaps {
			rows := pipeline.Timeline(in, now)
			if len(rows) != pipeline.NumStages {
				t.Fatalf("Timeline has %d rows", len(rows))
			}
			cur, failed := 0, 0
			for _, r := range rows {
				if r.Current {
					cur++
				}
				if r.Failed {
					failed++
				}
				if r.For < 0 {
					t.Fatalf("negative For %v", r.For)
				}
			}
			if cur > 1 || failed > 1 || cur+failed > 1 {
				t.Fatalf("timeline has %d current and %d failed rows", cur, failed)
			}
			got := Diagnose(s, Thresholds{}, now, time.UTC)
			for i, fd := range got {
				if i > 0 && got[i-1].Severity < fd.Severity {
					t.Fatalf("findings not most severe first: %v", renderFindings(got))
				}
				for _, r := range fd.Message {
					if unicode.IsControl(r) {
						t.Fatalf("control character in %q", fd.Message)
					}
				}
			}
			_ = s.Outcome()
			_, _ = s.CurrentStageSince(now)
			for _, text := range []string{s.StageText(), s.KalshiStatusText()} {
				for _, r := range text {
					if unicode.IsControl(r) {
						t.Fatalf("control character in %q", text)
					}
				}
			}
			s.ObservedAt = now
			for range 2 {
				for _, e := range tr.Observe(s) {
					for _, r := range e.Message + e.From + e.To {
						if unicode.IsControl(r) {
							t.Fatalf("control character in event %q", e.Message)
						}
					}
				}
			}
		}
	})
}
