package engine

import (
	"testing"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

func dec(s string) fixed.Decimal { return fixed.MustParse(s) }

func decp(s string) *fixed.Decimal {
	d := fixed.MustParse(s)
	return &d
}

func kOrder(status kalshi.OrderStatus, filled, initial string) *kalshi.Order {
	return &kalshi.Order{
		OrderID: "ORD-1", Ticker: "BTC-100K", OutcomeSide: "yes", BookSide: "bid",
		Status: status, YesPrice: dec("0.4200"), NoPrice: dec("0.5800"),
		FillCount: dec(filled), InitialCount: dec(initial), RemainingCount: dec(initial).Sub(dec(filled)),
		CreatedTime: at(7 * sec),
	}
}

func intentSnap(st pipeline.Status) Snapshot {
	return Snapshot{Target: Target{Kind: KindIntent, ID: "123"}, Intent: &pipeline.Intent{ID: "123", Status: st, CreatedAt: at(0)}}
}

func kalshiSnap(o *kalshi.Order) Snapshot {
	return Snapshot{Target: Target{Kind: KindKalshi, ID: "ORD-1"}, Order: o}
}

func TestSnapshotOutcomeAndTerminal(t *testing.T) {
	complete := intentSnap(pipeline.StatusPlaced)
	complete.Intent.IsComplete = true
	auto := kalshiSnap(kOrder(kalshi.StatusExecuted, "10", "10"))
	auto.Target = Target{ID: "ORD-1"}
	autoNoAnswer := Snapshot{Target: Target{ID: "x"}}
	tests := []struct {
		name         string
		s            Snapshot
		want         Outcome
		wantTerminal bool
	}{
		{"intent pending", intentSnap(pipeline.StatusPending), OutcomeNone, false},
		{"intent placed", intentSnap(pipeline.StatusPlaced), OutcomeNone, false},
		{"intent txn_filled", intentSnap(pipeline.StatusTxnFilled), OutcomeNone, false},
		{"intent completed", intentSnap(pipeline.StatusCompleted), OutcomeSuccess, true},
		{"intent COMPLETED", intentSnap("COMPLETED"), OutcomeSuccess, true},
		{"intent failed", intentSnap(pipeline.StatusFailed), OutcomeFailure, true},
		{"intent executing", intentSnap(pipeline.StatusExecuting), OutcomeNone, false},
		{"intent isComplete without a final status", complete, OutcomeNone, true},
		{"intent placed while Kalshi executed is still in progress", func() Snapshot {
			s := intentSnap(pipeline.StatusPlaced)
			s.Order = kOrder(kalshi.StatusExecuted, "10", "10")
			return s
		}(), OutcomeNone, false},
		{"kalshi resting", kalshiSnap(kOrder(kalshi.StatusResting, "0", "10")), OutcomeNone, false},
		{"kalshi partially filled", kalshiSnap(kOrder(kalshi.StatusResting, "3", "10")), OutcomeNone, false},
		{"kalshi executed", kalshiSnap(kOrder(kalshi.StatusExecuted, "10", "10")), OutcomeSuccess, true},
		{"kalshi canceled", kalshiSnap(kOrder(kalshi.StatusCanceled, "2", "10")), OutcomeFailure, true},
		{"kalshi unknown status", kalshiSnap(kOrder("paused", "0", "10")), OutcomeNone, false},
		{"kalshi not answered yet", kalshiSnap(nil), OutcomeNone, false},
		{"bare id resolved by Kalshi", auto, OutcomeSuccess, true},
		{"bare id with no answer", autoNoAnswer, OutcomeNone, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Outcome(); got != tt.want {
				t.Errorf("Outcome() = %q, want %q", got, tt.want)
			}
			if got := tt.s.Terminal(); got != tt.wantTerminal {
				t.Errorf("Terminal() = %v, want %v", got, tt.wantTerminal)
			}
		})
	}
}

func TestSnapshotStageText(t *testing.T) {
	withOrder := intentSnap(pipeline.StatusPlaced)
	withOrder.Order = kOrder(kalshi.StatusResting, "3", "10")
	tests := []struct {
		name       string
		s          Snapshot
		stage      string
		kalshiText string
	}{
		{"nothing yet", Snapshot{Target: Target{Kind: KindIntent, ID: "1"}}, "", ""},
		{"intent status verbatim", intentSnap(pipeline.StatusTxnFilled), "txn_filled", ""},
		{"newer status shown as is", intentSnap(pipeline.StatusExecuting), "executing", ""},
		{"intent status sanitized", intentSnap("placed\x1b]0;pwned\x07\x1b[2J"), "placed", ""},
		{"intent with partially filled Kalshi order keeps its stage", withOrder, "placed", "partially filled"},
		{"kalshi resting", kalshiSnap(kOrder(kalshi.StatusResting, "0", "10")), "resting", "resting"},
		{"kalshi partially filled is not a stage", kalshiSnap(kOrder(kalshi.StatusResting, "0.50", "10")), "resting", "partially filled"},
		{"kalshi canceled after partial fills", kalshiSnap(kOrder(kalshi.StatusCanceled, "3", "10")), "canceled", "canceled"},
		{"kalshi executed", kalshiSnap(kOrder(kalshi.StatusExecuted, "10", "10")), "executed", "executed"},
		{"kalshi newer status verbatim, sanitized", kalshiSnap(kOrder("paused\x1b[31m", "0", "10")), "paused", "paused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.StageText(); got != tt.stage {
				t.Errorf("StageText() = %q, want %q", got, tt.stage)
			}
			if got := tt.s.KalshiStatusText(); got != tt.kalshiText {
				t.Errorf("KalshiStatusText() = %q, want %q", got, tt.kalshiText)
			}
		})
	}
}

func TestSnapshotCurrentStageSince(t *testing.T) {
	now := at(100 * sec)
	placed := intentSnap(pipeline.StatusPlaced)
	placed.Intent.BalanceValidatedAt = at(5 * sec)
	placed.Intent.OrderPlacedAt = at(7 * sec)
	jumped := intentSnap(pipeline.StatusFilled)
	jumped.Intent.OrderPlacedAt = at(40 * sec)
	executing := intentSnap(pipeline.StatusExecuting)
	executing.Intent.BalanceValidatedAt = at(10 * sec)
	noStamps := Snapshot{Target: Target{Kind: KindIntent, ID: "1"}, Intent: &pipeline.Intent{Status: pipeline.StatusPlaced}}
	tests := []struct {
		name   string
		s      Snapshot
		want   time.Duration
		wantOK bool
	}{
		{"placed since orderPlacedAt", placed, 93 * sec, true},
		{"forward jump measures from the latest stamp", jumped, 60 * sec, true},
		{"executing measures from the latest stamp", executing, 90 * sec, true},
		{"completed has no current stage", intentSnap(pipeline.StatusCompleted), 0, false},
		{"failed has no current stage", intentSnap(pipeline.StatusFailed), 0, false},
		{"no timestamps", noStamps, 0, false},
		{"kalshi resting since created", kalshiSnap(kOrder(kalshi.StatusResting, "0", "10")), 93 * sec, true},
		{"kalshi executed", kalshiSnap(kOrder(kalshi.StatusExecuted, "10", "10")), 0, false},
		{"nothing known", Snapshot{Target: Target{ID: "x"}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.s.CurrentStageSince(now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("CurrentStageSince = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
