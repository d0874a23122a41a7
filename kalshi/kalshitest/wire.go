package kalshitest

import (
	"encoding/json"
	"time"

	"ordermon/internal/fixed"
)

// shape is which wire format the exchange serves.
type shape int

const (
	shapeCurrent shape = iota // OpenAPI 3.31.0: *_fp counts, *_dollars prices
	shapeLegacy               // before March 2026: integer cents and counts
	shapeMixed                // the migration months: both at once
)

func (x *Exchange) shape() shape {
	switch {
	case x.opts.Mixed:
		return shapeMixed
	case x.opts.Legacy:
		return shapeLegacy
	}
	return shapeCurrent
}

// The wire structs are split by which shape carries each field, so that the
// current, legacy and mixed encodings are compositions of the same parts.
// Embedded parts never share a JSON name: encoding/json would silently drop
// both fields of a clash.

// orderIdentity holds the fields that name an order and say where it
// stands, which every REST shape and the WebSocket's user_order carry
// alike.
type orderIdentity struct {
	OrderID       string `json:"order_id"`
	UserID        string `json:"user_id"`
	ClientOrderID string `json:"client_order_id"`
	Ticker        string `json:"ticker"`
	// Side is deprecated but still sent by Kalshi.
	Side   string `json:"side"`
	Status string `json:"status"`
}

func encodeOrderIdentity(o OrderState) orderIdentity {
	return orderIdentity{
		OrderID: o.OrderID, UserID: o.UserID, ClientOrderID: o.ClientOrderID, Ticker: o.Ticker,
		Side: legacySide(o.OutcomeSide, o.Action), Status: o.Status,
	}
}

// orderCommon holds the Order fields every REST shape carries.
type orderCommon struct {
	orderIdentity
	// Action is deprecated but still sent by Kalshi.
	Action                  string  `json:"action"`
	Type                    string  `json:"type"`
	ExpirationTime          *string `json:"expiration_time"`
	CreatedTime             *string `json:"created_time"`
	LastUpdateTime          *string `json:"last_update_time,omitempty"`
	SelfTradePreventionType *string `json:"self_trade_prevention_type"`
	OrderGroupID            *string `json:"order_group_id"`
	CancelOrderOnPause      bool    `json:"cancel_order_on_pause"`
	LastUpdateReason        string  `json:"last_update_reason,omitempty"`
}

// orderFixed holds the fixed-point fields of OpenAPI 3.31.0: the ones the
// WebSocket's user_order carries too, and the no price, which it leaves
// out.
type orderFixed struct {
	orderFixedShared
	NoPriceDollars string `json:"no_price_dollars"`
}

// orderFixedShared holds the fixed-point fields that the REST order and the
// WebSocket's user_order both carry, under the same names, so that both
// format an order's prices and counts by one rule.
type orderFixedShared struct {
	OutcomeSide          string `json:"outcome_side"`
	BookSide             string `json:"book_side"`
	YesPriceDollars      string `json:"yes_price_dollars"`
	FillCountFP          string `json:"fill_count_fp"`
	RemainingCountFP     string `json:"remaining_count_fp"`
	InitialCountFP       string `json:"initial_count_fp"`
	TakerFeesDollars     string `json:"taker_fees_dollars"`
	MakerFeesDollars     string `json:"maker_fees_dollars"`
	TakerFillCostDollars string `json:"taker_fill_cost_dollars"`
	MakerFillCostDollars string `json:"maker_fill_cost_dollars"`
	SubaccountNumber     int    `json:"subaccount_number"`
	ExchangeIndex        int    `json:"exchange_index"`
}

func encodeOrderFixedShared(o OrderState) orderFixedShared {
	return orderFixedShared{
		OutcomeSide:          o.OutcomeSide,
		BookSide:             bookSide(o.OutcomeSide),
		YesPriceDollars:      dollars(o.YesPrice),
		FillCountFP:          count(o.FillCount),
		RemainingCountFP:     count(o.RemainingCount),
		InitialCountFP:       count(o.InitialCount),
		TakerFeesDollars:     dollars(o.TakerFees),
		MakerFeesDollars:     dollars(o.MakerFees),
		TakerFillCostDollars: dollars(o.TakerFillCost),
		MakerFillCostDollars: dollars(o.MakerFillCost),
		SubaccountNumber:     o.SubaccountNumber,
		ExchangeIndex:        o.ExchangeIndex,
	}
}

// orderCents holds the integer fields of the old shape: prices and money in
// whole cents, counts in whole contracts, and the queue position that was
// deprecated to always 0.
type orderCents struct {
	YesPrice       int64 `json:"yes_price"`
	NoPrice        int64 `json:"no_price"`
	FillCount      int64 `json:"fill_count"`
	RemainingCount int64 `json:"remaining_count"`
	InitialCount   int64 `json:"initial_count"`
	TakerFees      int64 `json:"taker_fees"`
	MakerFees      int64 `json:"maker_fees"`
	TakerFillCost  int64 `json:"taker_fill_cost"`
	MakerFillCost  int64 `json:"maker_fill_cost"`
	QueuePosition  int64 `json:"queue_position"`
}

type wireOrderCurrent struct {
	orderCommon
	orderFixed
}

type wireOrderLegacy struct {
	orderCommon
	orderCents
}

type wireOrderMixed struct {
	orderCommon
	orderFixed
	orderCents
}

// encodeOrder returns the JSON value of an order in shape s.
func encodeOrder(o OrderState, s shape) any {
	c := orderCommon{
		orderIdentity:           encodeOrderIdentity(o),
		Action:                  o.Action,
		Type:                    "limit",
		ExpirationTime:          timePtr(o.ExpirationTime),
		CreatedTime:             timePtr(o.CreatedTime),
		LastUpdateTime:          timePtr(o.LastUpdateTime),
		SelfTradePreventionType: strPtr(o.SelfTradePreventionType),
		OrderGroupID:            strPtr(o.OrderGroupID),
		CancelOrderOnPause:      o.CancelOrderOnPause,
		LastUpdateReason:        o.LastUpdateReason,
	}
	noPrice := one.Sub(o.YesPrice)
	f := orderFixed{orderFixedShared: encodeOrderFixedShared(o), NoPriceDollars: dollars(noPrice)}
	cents := orderCents{
		YesPrice:       toCents(o.YesPrice),
		NoPrice:        toCents(noPrice),
		FillCount:      wholeCount(o.FillCount),
		RemainingCount: wholeCount(o.RemainingCount),
		InitialCount:   wholeCount(o.InitialCount),
		TakerFees:      toCents(o.TakerFees),
		MakerFees:      toCents(o.MakerFees),
		TakerFillCost:  toCents(o.TakerFillCost),
		MakerFillCost:  toCents(o.MakerFillCost),
	}
	switch s {
	case shapeLegacy:
		return wireOrderLegacy{c, cents}
	case shapeMixed:
		return wireOrderMixed{c, f, cents}
	}
	return wireOrderCurrent{c, f}
}

// marketCommon holds the Market fields every shape carries. Title is
// deprecated in 3.31.0 but still served.
type marketCommon struct {
	Ticker      string  `json:"ticker"`
	EventTicker string  `json:"event_ticker"`
	MarketType  string  `json:"market_type"`
	Title       string  `json:"title"`
	YesSubTitle string  `json:"yes_sub_title"`
	NoSubTitle  string  `json:"no_sub_title"`
	Status      string  `json:"status"`
	CloseTime   *string `json:"close_time"`
}

type marketFixed struct {
	YesBidDollars    string `json:"yes_bid_dollars"`
	YesAskDollars    string `json:"yes_ask_dollars"`
	NoBidDollars     string `json:"no_bid_dollars"`
	NoAskDollars     string `json:"no_ask_dollars"`
	LastPriceDollars string `json:"last_price_dollars"`
}

type marketCents struct {
	YesBid    int64 `json:"yes_bid"`
	YesAsk    int64 `json:"yes_ask"`
	NoBid     int64 `json:"no_bid"`
	NoAsk     int64 `json:"no_ask"`
	LastPrice int64 `json:"last_price"`
}

func encodeMarket(m MarketState, s shape) any {
	c := marketCommon{
		Ticker:      m.Ticker,
		EventTicker: m.EventTicker,
		MarketType:  "binary",
		Title:       m.Title,
		YesSubTitle: m.YesSubTitle,
		NoSubTitle:  m.NoSubTitle,
		Status:      m.Status,
		CloseTime:   timePtr(m.CloseTime),
	}
	noBid, noAsk := one.Sub(m.YesAsk), one.Sub(m.YesBid)
	f := marketFixed{
		YesBidDollars:    dollars(m.YesBid),
		YesAskDollars:    dollars(m.YesAsk),
		NoBidDollars:     dollars(noBid),
		NoAskDollars:     dollars(noAsk),
		LastPriceDollars: dollars(m.LastPrice),
	}
	cents := marketCents{
		YesBid:    toCents(m.YesBid),
		YesAsk:    toCents(m.YesAsk),
		NoBid:     toCents(noBid),
		NoAsk:     toCents(noAsk),
		LastPrice: toCents(m.LastPrice),
	}
	switch s {
	case shapeLegacy:
		return struct {
			marketCommon
			marketCents
		}{c, cents}
	case shapeMixed:
		return struct {
			marketCommon
			marketFixed
			marketCents
		}{c, f, cents}
	}
	return struct {
		marketCommon
		marketFixed
	}{c, f}
}

// fillCommon holds the Fill fields every shape carries.
type fillCommon struct {
	TradeID     string `json:"trade_id"`
	OrderID     string `json:"order_id"`
	Ticker      string `json:"ticker"`
	Side        string `json:"side"`
	Action      string `json:"action"`
	IsTaker     bool   `json:"is_taker"`
	CreatedTime string `json:"created_time"`
}

type fillFixed struct {
	FillID          string `json:"fill_id"`
	MarketTicker    string `json:"market_ticker"`
	OutcomeSide     string `json:"outcome_side"`
	BookSide        string `json:"book_side"`
	CountFP         string `json:"count_fp"`
	YesPriceDollars string `json:"yes_price_dollars"`
	NoPriceDollars  string `json:"no_price_dollars"`
	FeeCost         string `json:"fee_cost"`
	Ts              int64  `json:"ts"`
	ExchangeIndex   int    `json:"exchange_index"`
}

type fillCents struct {
	Count    int64 `json:"count"`
	YesPrice int64 `json:"yes_price"`
	NoPrice  int64 `json:"no_price"`
}

func encodeFill(f FillState, s shape) any {
	c := fillCommon{
		TradeID:     f.FillID,
		OrderID:     f.OrderID,
		Ticker:      f.Ticker,
		Side:        legacySide(f.OutcomeSide, f.Action),
		Action:      f.Action,
		IsTaker:     f.IsTaker,
		CreatedTime: formatTime(f.CreatedTime),
	}
	noPrice := one.Sub(f.YesPrice)
	fx := fillFixed{
		FillID:          f.FillID,
		MarketTicker:    f.Ticker,
		OutcomeSide:     f.OutcomeSide,
		BookSide:        bookSide(f.OutcomeSide),
		CountFP:         count(f.Count),
		YesPriceDollars: dollars(f.YesPrice),
		NoPriceDollars:  dollars(noPrice),
		FeeCost:         dollars(f.Fee),
		Ts:              f.CreatedTime.Unix(),
	}
	cents := fillCents{Count: wholeCount(f.Count), YesPrice: toCents(f.YesPrice), NoPrice: toCents(noPrice)}
	switch s {
	case shapeLegacy:
		return struct {
			fillCommon
			fillCents
		}{c, cents}
	case shapeMixed:
		return struct {
			fillCommon
			fillFixed
			fillCents
		}{c, fx, cents}
	}
	return struct {
		fillCommon
		fillFixed
	}{c, fx}
}

// encodeQueue returns the single-order queue-position body.
func encodeQueue(ahead fixed.Decimal, s shape) any {
	switch s {
	case shapeLegacy:
		return map[string]any{"queue_position": wholeCount(ahead)}
	case shapeMixed:
		return map[string]any{"queue_position": wholeCount(ahead), "queue_position_fp": count(ahead)}
	}
	return map[string]any{"queue_position_fp": count(ahead)}
}

// wireQueuePosition is one entry of the batch queue-positions read.
type wireQueuePosition struct {
	OrderID         string `json:"order_id"`
	MarketTicker    string `json:"market_ticker"`
	QueuePositionFP string `json:"queue_position_fp,omitempty"`
	QueuePosition   *int64 `json:"queue_position,omitempty"`
}

func encodeQueueEntry(o OrderState, s shape) wireQueuePosition {
	q := wireQueuePosition{OrderID: o.OrderID, MarketTicker: o.Ticker}
	if s != shapeLegacy {
		q.QueuePositionFP = count(o.QueueAhead)
	}
	if s != shapeCurrent {
		n := wholeCount(o.QueueAhead)
		q.QueuePosition = &n
	}
	return q
}

// mustJSON encodes v, which is always one of this package's wire values.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("kalshitest: encoding a reply: " + err.Error())
	}
	return b
}

// dollars formats money and prices as Kalshi does: at least four decimal
// places ("0.5600") and up to six when the value needs them, never
// rounded.
func dollars(d fixed.Decimal) string { return fixed.FromMicros(d.Micros(), 4).String() }

// count formats contract counts with exactly two decimals ("2.50"), as
// Kalshi's FixedPointCount always does; finer values, which Kalshi cannot
// produce, keep their extra digits rather than being rounded.
func count(d fixed.Decimal) string { return fixed.FromMicros(d.Micros(), 2).String() }

// toCents truncates dollars to whole cents, as the legacy integer fields
// could not carry sub-penny amounts.
func toCents(d fixed.Decimal) int64 { return d.Micros() / 10_000 }

// wholeCount truncates a count to whole contracts, as the legacy integer
// fields could not carry fractions.
func wholeCount(d fixed.Decimal) int64 { return d.Micros() / 1_000_000 }

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func timePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := formatTime(t)
	return &s
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// bookSide maps an outcome side to Kalshi's book vocabulary: yes is bid,
// no is ask. An unknown side is passed through so tests can serve odd
// values.
func bookSide(outcome string) string {
	switch outcome {
	case "yes":
		return "bid"
	case "no":
		return "ask"
	}
	return outcome
}

// legacySide returns the deprecated side field: buy-yes and sell-no are
// both outcome yes, so a sell order's side is the opposite outcome.
func legacySide(outcome, action string) string {
	if action != "sell" {
		return outcome
	}
	switch outcome {
	case "yes":
		return "no"
	case "no":
		return "yes"
	}
	return outcome
}
