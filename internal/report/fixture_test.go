package report

import (
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

var (
	t0  = time.Date(2026, 3, 14, 14, 0, 0, 0, time.UTC)
	dec = fixed.MustParse
)

func ptr[T any](v T) *T { return &v }

// placedSnapshot is an intent placed on Kalshi and resting with a partial
// fill, every field set, as a full fixture for the renderers.
func placedSnapshot() engine.Snapshot {
	return engine.Snapshot{
		Target:     engine.Target{Kind: engine.KindIntent, ID: "123"},
		ObservedAt: t0.Add(4*time.Minute + 5*time.Second),
		Intent: &pipeline.Intent{
			ID:                 "123",
			Status:             pipeline.StatusPlaced,
			CreatedAt:          t0,
			BalanceValidatedAt: t0.Add(5 * time.Second),
			OrderPlacedAt:      t0.Add(7 * time.Second),
			KalshiOrderID:      "ORD-1",
			KalshiFillCount:    ptr(dec("3")),
			ActionType:         "MarketOrder",
			MarketID:           "KXBTC-26MAR14-B100",
			Side:               "yes",
			OrderType:          "buy",
			Quantity:           dec("10"),
			PriceCents:         dec("56"),
			QuoteAmount:        dec("5.60"),
		},
		Order: &kalshi.Order{
			OrderID:        "ORD-1",
			ClientOrderID:  "cli-9",
			Ticker:         "KXBTC-26MAR14-B100",
			OutcomeSide:    "yes",
			BookSide:       "bid",
			Type:           "limit",
			Status:         kalshi.StatusResting,
			YesPrice:       dec("0.5600"),
			NoPrice:        dec("0.4400"),
			FillCount:      dec("3.00"),
			RemainingCount: dec("7.00"),
			InitialCount:   dec("10.00"),
			TakerFees:      dec("0.0700"),
			MakerFees:      dec("0.0000"),
			TakerFillCost:  dec("1.6800"),
			MakerFillCost:  dec("0.0000"),
			CreatedTime:    t0.Add(7 * time.Second),
			LastUpdateTime: t0.Add(90 * time.Second),
			ExpirationTime: t0.Add(24 * time.Hour),
		},
		QueueAhead: ptr(dec("120.00")),
		Market: &kalshi.Market{
			Ticker:      "KXBTC-26MAR14-B100",
			Title:       "Bitcoin above 100k?",
			YesSubTitle: "Above $100,000",
			Status:      "active",
			YesBid:      dec("0.5500"),
			YesAsk:      dec("0.5700"),
			NoBid:       dec("0.4300"),
			NoAsk:       dec("0.4500"),
			CloseTime:   t0.Add(10 * time.Hour),
		},
		Sources: engine.Sources{
			Kalshi: engine.SourceStatus{Used: true, LastSuccess: t0.Add(4 * time.Minute), Err: "kalshi: GET /portfolio/orders/ORD-1: timeout"},
			Intent: engine.SourceStatus{Used: true, LastSuccess: t0.Add(4 * time.Minute)},
		},
		PeakStatus: pipeline.StatusPlaced,
		Diagnosis: []engine.Finding{
			{Code: "partial_fill", Severity: engine.SevInfo, Message: "3 of 10 contracts filled"},
		},
	}
}

// kalshiOnlySnapshot is a bare Kalshi order, executed.
func kalshiOnlySnapshot() engine.Snapshot {
	return engine.Snapshot{
		Target:     engine.Target{Kind: engine.KindKalshi, ID: "ORD-2"},
		ObservedAt: t0,
		Order: &kalshi.Order{
			OrderID:        "ORD-2",
			Ticker:         "KXRAIN",
			OutcomeSide:    "no",
			BookSide:       "ask",
			Type:           "limit",
			Status:         kalshi.StatusExecuted,
			YesPrice:       dec("0.30"),
			NoPrice:        dec("0.70"),
			FillCount:      dec("5"),
			InitialCount:   dec("5"),
			TakerFillCost:  dec("3.50"),
			TakerFees:      dec("0.02"),
			RemainingCount: dec("0"),
		},
		Sources: engine.Sources{Kalshi: engine.SourceStatus{Used: true, LastSuccess: t0}},
	}
}
