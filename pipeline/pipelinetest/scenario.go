package pipelinetest

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi/kalshitest"
)

// The order every ready-made scenario trades: 10 YES contracts at $0.56,
// locking $5.60 of USDC.
var (
	ScenarioSide     = "yes"
	ScenarioYesPrice = fixed.MustParse("0.56")
	ScenarioCount    = fixed.MustParse("10")
	ScenarioQuote    = fixed.MustParse("5.60")
	scenarioFee      = fixed.MustParse("0.02")
)

// Scenario builds the steps of one order's story for a Kalshi order ID and
// market ticker.
type Scenario func(kalshiOrderID, ticker string) []Step

// NewIntent returns a pending intent for the scenario order on ticker, as
// the create-order endpoint would have recorded it; CreatedAt is left zero
// so PutIntent stamps it with Now.
func NewIntent(id, ticker string) IntentState {
	return IntentState{
		ID:          id,
		ClientID:    "client-" + id,
		Status:      "pending",
		MarketID:    ticker,
		Side:        ScenarioSide,
		OrderType:   "buy",
		Quantity:    ScenarioCount,
		Price:       sidePriceCents(ScenarioSide, ScenarioYesPrice),
		QuoteAmount: ScenarioQuote,
	}
}

// TxHashFor returns a deterministic, realistic-looking transaction hash for
// an intent, so scripted runs are reproducible.
func TxHashFor(intentID string) string {
	sum := sha256.Sum256([]byte("txn:" + intentID))
	return "0x" + hex.EncodeToString(sum[:])
}

func place(kalshiOrderID, ticker string) Step {
	return Place(kalshiOrderID, ticker, ScenarioSide, ScenarioYesPrice, ScenarioCount)
}

// placeBehind places the scenario order behind ahead contracts.
func placeBehind(kalshiOrderID, ticker, ahead string) Step {
	return PlaceBehind(kalshiOrderID, ticker, ScenarioSide, ScenarioYesPrice, ScenarioCount, fixed.MustParse(ahead))
}

// CleanCompletion walks the whole pipeline with both systems agreeing: the
// order rests behind 40 contracts, moves up the queue, fills in two parts,
// is minted on chain and completes. 10 steps.
func CleanCompletion(kalshiOrderID, ticker string) []Step {
	return []Step{
		Validate(),
		placeBehind(kalshiOrderID, ticker, "40"),
		SetQueue(fixed.MustParse("15")),
		KalshiFill(fixed.MustParse("4"), ScenarioYesPrice, scenarioFee),
		SyncFill(),
		KalshiFill(fixed.MustParse("6"), ScenarioYesPrice, scenarioFee),
		SyncFill(),
		MarkFilled(),
		TxnFilled(""),
		Complete(),
	}
}

// PartialFillInQueue leaves the order resting on Kalshi with 3 of 10
// contracts filled and 12 contracts ahead of it. 5 steps.
func PartialFillInQueue(kalshiOrderID, ticker string) []Step {
	return []Step{
		Validate(),
		placeBehind(kalshiOrderID, ticker, "30"),
		KalshiFill(fixed.MustParse("3"), ScenarioYesPrice, scenarioFee),
		SyncFill(),
		SetQueue(fixed.MustParse("12")),
	}
}

// FailureReason is the termination reason FailureWithReason reports.
const FailureReason = "Kalshi order canceled before fill: market closed"

// FailureWithReason has Kalshi cancel the resting order, the service notice
// it, and the intent fail with FailureReason: consistent, but failed.
// 5 steps.
func FailureWithReason(kalshiOrderID, ticker string) []Step {
	return []Step{
		Validate(),
		place(kalshiOrderID, ticker),
		KalshiCancel("CloseCancel"),
		SyncFill(),
		Fail(FailureReason),
	}
}

// StuckValidated locks the funds and never places the order: the worst
// stuck case for a user, capital locked without exposure. The arguments are
// unused; they keep every scenario the same type. 1 step.
func StuckValidated(kalshiOrderID, ticker string) []Step {
	return []Step{Validate()}
}

// KalshiCancelUnnoticed has Kalshi cancel the resting order, because
// trading in its market was halted, while the intent still says "placed"
// with kalshiOrderStatus "resting": the two systems disagree. 3 steps.
func KalshiCancelUnnoticed(kalshiOrderID, ticker string) []Step {
	return []Step{
		Validate(),
		placeBehind(kalshiOrderID, ticker, "20"),
		KalshiCancel("HaltCancel"),
	}
}

// ensureMarket puts an active market for ticker on the exchange unless it
// already has one, quoting a cent either side of yesPrice.
func (s *Service) ensureMarket(ticker string, yesPrice fixed.Decimal) {
	x := s.opts.Exchange
	if _, ok := x.Market(ticker); ok {
		return
	}
	cent := fixed.MustParse("0.01")
	x.PutMarket(kalshitest.MarketState{
		Ticker:      ticker,
		EventTicker: eventOf(ticker),
		Title:       ticker,
		YesSubTitle: "Yes",
		NoSubTitle:  "No",
		Status:      "active",
		YesBid:      yesPrice.Sub(cent),
		YesAsk:      yesPrice.Add(cent),
		LastPrice:   yesPrice,
		CloseTime:   s.now().Add(30 * 24 * time.Hour),
	})
}

// eventOf guesses the event ticker as Kalshi builds them: the market
// ticker without its last dash-separated part.
func eventOf(ticker string) string {
	for i := len(ticker) - 1; i > 0; i-- {
		if ticker[i] == '-' {
			return ticker[:i]
		}
	}
	return ticker
}
