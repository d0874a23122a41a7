package kalshi

import (
	"time"

	"ordermon/internal/fixed"
)

// OrderStatus is an order's status as Kalshi reports it. Values Kalshi adds
// later are kept verbatim.
type OrderStatus string

// The order statuses of today's API, plus the legacy "pending" that Kalshi
// removed in November 2025 but old payloads may still carry.
const (
	StatusResting  OrderStatus = "resting"
	StatusCanceled OrderStatus = "canceled"
	StatusExecuted OrderStatus = "executed"
	StatusPending  OrderStatus = "pending"
)

// Terminal reports whether no further fills can happen: the order was
// canceled (possibly after partial fills) or fully executed.
func (s OrderStatus) Terminal() bool { return s == StatusCanceled || s == StatusExecuted }

// Shape says which wire format an order was decoded from.
type Shape int

// Order payload shapes. Current is the fixed-point shape of OpenAPI 3.31.0
// (`*_fp` counts, `*_dollars` prices, outcome_side/book_side); Legacy is the
// integer-cents shape of the old docs excerpt; Mixed carried both, in which
// case the fixed-point fields won.
const (
	ShapeUnknown Shape = iota
	ShapeCurrent
	ShapeLegacy
	ShapeMixed
)

// String names the shape.
func (s Shape) String() string {
	switch s {
	case ShapeCurrent:
		return "current"
	case ShapeLegacy:
		return "legacy"
	case ShapeMixed:
		return "mixed"
	}
	return "unknown"
}

// Order is one Kalshi order, decoded from either wire shape.
//
// Counts and dollar amounts are exact fixed-point values. Time fields are
// the zero time when Kalshi sent none. Enum-like strings (OutcomeSide,
// BookSide, Type, Status, LastUpdateReason) are kept verbatim, including
// values this program does not know; they are not sanitized, so a caller
// printing them to a terminal must pass them through textsafe.Clean.
type Order struct {
	OrderID       string
	UserID        string
	ClientOrderID string
	Ticker        string

	// OutcomeSide is "yes" or "no": the outcome the order is positioned for.
	// For legacy payloads it is derived from side and action (buy yes and
	// sell no give "yes").
	OutcomeSide string
	// BookSide is "bid" (same as outcome yes) or "ask" (outcome no).
	BookSide string
	// Side and Action are the deprecated legacy direction fields, kept only
	// for display of old payloads.
	Side   string
	Action string

	Type   string
	Status OrderStatus

	YesPrice fixed.Decimal // dollars
	NoPrice  fixed.Decimal // dollars

	FillCount      fixed.Decimal // contracts, may be fractional
	RemainingCount fixed.Decimal
	InitialCount   fixed.Decimal

	TakerFees     fixed.Decimal // dollars
	MakerFees     fixed.Decimal
	TakerFillCost fixed.Decimal
	MakerFillCost fixed.Decimal

	CreatedTime    time.Time
	LastUpdateTime time.Time
	ExpirationTime time.Time

	SelfTradePreventionType string
	OrderGroupID            string
	CancelOrderOnPause      bool
	// SubaccountNumber is nil when Kalshi sent none; 0 is the primary account.
	SubaccountNumber *int
	ExchangeIndex    int
	// LastUpdateReason is not in the OpenAPI schema but Kalshi sends it
	// (for example "PostOnlyCrossCancel").
	LastUpdateReason string

	// Shape records which wire format the order came in.
	Shape Shape
}

// PartiallyFilled reports whether the order is still resting but has some
// fills, which Kalshi's three-value status cannot say on its own.
func (o Order) PartiallyFilled() bool {
	return o.Status == StatusResting && o.FillCount.Sign() > 0
}

// TotalFees returns taker plus maker fees, in dollars.
func (o Order) TotalFees() fixed.Decimal { return o.TakerFees.Add(o.MakerFees) }

// TotalFillCost returns taker plus maker fill cost, in dollars, excluding
// fees.
func (o Order) TotalFillCost() fixed.Decimal { return o.TakerFillCost.Add(o.MakerFillCost) }

// TotalCost returns what the fills cost including fees, in dollars.
func (o Order) TotalCost() fixed.Decimal { return o.TotalFillCost().Add(o.TotalFees()) }

// AverageFillPrice returns the fill cost per filled contract, in dollars,
// rounded to four places. It reports false when nothing has filled.
func (o Order) AverageFillPrice() (fixed.Decimal, bool) {
	if o.FillCount.Sign() <= 0 {
		return fixed.Decimal{}, false
	}
	return o.TotalFillCost().Quo(o.FillCount, 4)
}

// LimitPrice returns the order's price on its own outcome side: the yes
// price for outcome "yes", the no price for outcome "no".
func (o Order) LimitPrice() fixed.Decimal {
	if o.OutcomeSide == "no" {
		return o.NoPrice
	}
	return o.YesPrice
}

// Market is the part of a Kalshi market that matters to an order watcher.
// Prices are in dollars.
type Market struct {
	Ticker      string
	EventTicker string
	Title       string
	YesSubTitle string
	NoSubTitle  string
	// Status is verbatim: initialized, inactive, active, closed,
	// determined, disputed, amended, finalized, or a newer value.
	Status    string
	YesBid    fixed.Decimal
	YesAsk    fixed.Decimal
	NoBid     fixed.Decimal
	NoAsk     fixed.Decimal
	LastPrice fixed.Decimal
	CloseTime time.Time
	Shape     Shape
}

// Fill is one match of an order against the book.
type Fill struct {
	FillID      string
	TradeID     string
	OrderID     string
	Ticker      string
	OutcomeSide string
	BookSide    string
	Side        string
	Action      string
	Count       fixed.Decimal
	YesPrice    fixed.Decimal
	NoPrice     fixed.Decimal
	IsTaker     bool
	FeeCost     fixed.Decimal
	CreatedTime time.Time
	// Shape records which wire format the fill came in.
	Shape Shape

	// The fields below come only with a pushed fill (the WebSocket's fill
	// channel); a fill read over REST leaves them zero.

	// ClientOrderID is the order's client ID.
	ClientOrderID string
	// ExchangeIndex is the exchange shard the fill happened on.
	ExchangeIndex int
	// PostPosition is the position in the market after the fill, in
	// contracts (negative for a no position).
	PostPosition fixed.Decimal
	// SubaccountNumber is nil when Kalshi sent none; 0 is the primary
	// account.
	SubaccountNumber *int
}

// Ticker is a market's top of book and last trade, as the WebSocket's
// ticker channel pushes it whenever one of them changes. Prices are in
// dollars on the yes side; sizes and volume are contracts.
type Ticker struct {
	MarketTicker string
	MarketID     string
	LastPrice    fixed.Decimal
	YesBid       fixed.Decimal
	YesAsk       fixed.Decimal
	// YesBidSize and YesAskSize are the contracts at the best bid and ask.
	YesBidSize    fixed.Decimal
	YesAskSize    fixed.Decimal
	LastTradeSize fixed.Decimal
	Volume        fixed.Decimal
	OpenInterest  fixed.Decimal
	// DollarVolume and DollarOpenInterest are whole dollars.
	DollarVolume       int64
	DollarOpenInterest int64
	// Time is when the change happened, by Kalshi's clock.
	Time  time.Time
	Shape Shape
}

// ApplyTo returns m with t's prices: the yes bid and ask, the no bid and
// ask they imply (a no bid is one dollar less the yes ask), and the last
// price. Other fields of m are kept.
func (t Ticker) ApplyTo(m Market) Market {
	m.YesBid, m.YesAsk = t.YesBid, t.YesAsk
	m.NoBid, m.NoAsk = noPrice(t.YesAsk), noPrice(t.YesBid)
	m.LastPrice = t.LastPrice
	return m
}

// MergePush returns a pushed order completed from the last known state of
// the same order: Kalshi's user_order message leaves out the order type,
// the legacy action and cancel_order_on_pause, so a pushed order takes them
// from prev. Everything the push carries wins.
func MergePush(prev, pushed Order) Order {
	if pushed.Type == "" {
		pushed.Type = prev.Type
	}
	if pushed.Action == "" {
		pushed.Action = prev.Action
	}
	if !pushed.CancelOrderOnPause {
		pushed.CancelOrderOnPause = prev.CancelOrderOnPause
	}
	return pushed
}

// QueuePosition is one resting order's place in the book: the number of
// contracts ahead of it at its price, 0-indexed (0 means first in line).
type QueuePosition struct {
	OrderID      string
	MarketTicker string
	Ahead        fixed.Decimal
}

// OrdersQuery filters GetOrders. Empty fields are not sent.
type OrdersQuery struct {
	Ticker       string
	EventTickers []string // at most 10
	Status       OrderStatus
	MinTs, MaxTs int64 // Unix seconds; 0 means unset
	Limit        int   // 1..1000; 0 means Kalshi's default of 100
	Cursor       string
}

// OrdersPage is one page of GetOrders. An empty Cursor means the last page.
type OrdersPage struct {
	Orders []Order
	Cursor string
}
