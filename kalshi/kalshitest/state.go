package kalshitest

import (
	"fmt"
	"math/big"
	"time"

	"ordermon/internal/fixed"
)

// Order statuses of today's API.
const (
	StatusResting  = "resting"
	StatusCanceled = "canceled"
	StatusExecuted = "executed"
)

// CancelReason is the last_update_reason Cancel records. Kalshi documents
// only "PostOnlyCrossCancel" and "Decrease" among its values; a user
// cancel's value is not public, so this one is a plausible stand-in. Use
// CancelWithReason to serve another.
const CancelReason = "Cancel"

// OrderState is an order as the exchange holds it. Zero times are served as
// null.
type OrderState struct {
	OrderID, UserID, ClientOrderID, Ticker string
	OutcomeSide                            string // "yes" or "no"
	Status                                 string // resting, canceled, executed; empty means resting
	YesPrice                               fixed.Decimal
	InitialCount, FillCount                fixed.Decimal
	TakerFees, MakerFees                   fixed.Decimal
	TakerFillCost, MakerFillCost           fixed.Decimal
	CreatedTime, LastUpdateTime            time.Time
	ExpirationTime                         time.Time
	LastUpdateReason                       string
	// QueueAhead is served by the queue-position reads while resting.
	QueueAhead fixed.Decimal

	// RemainingCount is what is left to fill. PutOrder derives it as
	// InitialCount − FillCount when it is zero and the order is resting;
	// canceled and executed orders have nothing remaining.
	RemainingCount fixed.Decimal
	// Action is the deprecated legacy action, "buy" (the default) or
	// "sell". It only changes the deprecated side field: sell-no is
	// outcome yes, so a sell order's side is the opposite of OutcomeSide.
	Action string
	// OrderGroupID and SelfTradePreventionType are served as null when
	// empty.
	OrderGroupID, SelfTradePreventionType string
	// CancelOrderOnPause, SubaccountNumber and ExchangeIndex are served
	// as they are (false, 0 and 0 by default).
	CancelOrderOnPause bool
	SubaccountNumber   int
	ExchangeIndex      int
}

// MarketState is a market as the exchange holds it.
type MarketState struct {
	Ticker, EventTicker, Title, YesSubTitle, NoSubTitle string
	Status                                              string
	YesBid, YesAsk                                      fixed.Decimal // no bid/ask are derived as 1 − yes ask/bid
	LastPrice                                           fixed.Decimal
	CloseTime                                           time.Time
}

// FillState is one fill the exchange recorded.
type FillState struct {
	FillID      string
	OrderID     string
	Ticker      string
	OutcomeSide string // the order's outcome side
	Action      string // the order's legacy action
	Count       fixed.Decimal
	// YesPrice is the fill price in yes terms; the no price is 1 − YesPrice.
	YesPrice    fixed.Decimal
	IsTaker     bool
	Fee         fixed.Decimal
	CreatedTime time.Time
}

// orderEntry is an order plus its insertion sequence, which breaks ties in
// the newest-first listing so paging is stable.
type orderEntry struct {
	OrderState
	seq uint64
}

type fillEntry struct {
	FillState
	seq uint64
}

type state struct {
	orders map[string]*orderEntry
	// archived orders are served only by GET /historical/orders, as
	// Kalshi serves orders older than its live window.
	archived map[string]*orderEntry
	markets  map[string]MarketState
	fills    []fillEntry
	seq      uint64 // last sequence number handed out
	// exchange is what GET /exchange/status serves; nil means active.
	exchange *ExchangeStatus
}

func newState() state {
	return state{orders: make(map[string]*orderEntry), archived: make(map[string]*orderEntry), markets: make(map[string]MarketState)}
}

func (s *state) next() uint64 {
	s.seq++
	return s.seq
}

var one = fixed.FromInt(1)

// PutOrder adds or replaces an order. An empty OrderID gets a generated
// one; an empty Status means resting; a zero RemainingCount on a resting
// order is derived as InitialCount − FillCount. Replacing an order keeps its
// place in GetOrders listings.
func (x *Exchange) PutOrder(o OrderState) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if o.Status == "" {
		o.Status = StatusResting
	}
	if o.Action == "" {
		o.Action = "buy"
	}
	if o.RemainingCount.IsZero() && o.Status == StatusResting {
		o.RemainingCount = o.InitialCount.Sub(o.FillCount)
		if o.RemainingCount.Sign() < 0 {
			o.RemainingCount = fixed.Decimal{}
		}
	}
	if o.OrderID == "" {
		o.OrderID = uuidFrom(0x0de5, x.state.next())
	}
	if old, ok := x.state.orders[o.OrderID]; ok {
		old.OrderState = o
	} else {
		x.state.orders[o.OrderID] = &orderEntry{OrderState: o, seq: x.state.next()}
	}
	x.pushOrderLocked(o.OrderID)
}

// Order returns the current state of an order.
func (x *Exchange) Order(id string) (OrderState, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.state.orders[id]
	if !ok {
		return OrderState{}, false
	}
	return e.OrderState, true
}

// RemoveOrder forgets an order, so reads of it get 404. Its fills stay, as
// Kalshi keeps fills of orders moved to historical storage.
func (x *Exchange) RemoveOrder(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.state.orders, id)
}

// Archive moves an order to Kalshi's historical data: reads of it by ID
// get 404, and only GET /historical/orders lists it. Kalshi archives
// canceled and executed orders once they are older than its live window.
func (x *Exchange) Archive(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.state.orders[id]; ok {
		x.state.archived[id] = e
		delete(x.state.orders, id)
	}
}

// PutMarket adds or replaces a market.
func (x *Exchange) PutMarket(m MarketState) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.state.markets[m.Ticker] = m
	x.pushTickerLocked(m)
}

// Market returns the current state of a market.
func (x *Exchange) Market(ticker string) (MarketState, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	m, ok := x.state.markets[ticker]
	return m, ok
}

// Fill matches count contracts of a resting order at price (dollars per
// contract on the order's side): it raises the fill count and fill cost,
// charges fee, records a Fill, and marks the order executed when nothing
// remains.
//
// A count larger than what remains is cut to what remains, because an
// exchange cannot overfill. Unknown and non-resting orders and
// non-positive counts are ignored.
func (x *Exchange) Fill(orderID string, count, price, fee fixed.Decimal, taker bool) {
	now := x.now()
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.state.orders[orderID]
	if !ok || e.Status != StatusResting || count.Sign() <= 0 || e.RemainingCount.Sign() <= 0 {
		return
	}
	if count.Cmp(e.RemainingCount) > 0 {
		count = e.RemainingCount
	}
	cost := mul(count, price)
	e.FillCount = e.FillCount.Add(count)
	e.RemainingCount = e.RemainingCount.Sub(count)
	if taker {
		e.TakerFillCost = e.TakerFillCost.Add(cost)
		e.TakerFees = e.TakerFees.Add(fee)
	} else {
		e.MakerFillCost = e.MakerFillCost.Add(cost)
		e.MakerFees = e.MakerFees.Add(fee)
	}
	e.LastUpdateTime = now
	if e.RemainingCount.Sign() <= 0 {
		e.Status = StatusExecuted
		e.QueueAhead = fixed.Decimal{}
	}
	yes := price
	if e.OutcomeSide == "no" {
		yes = one.Sub(price)
	}
	seq := x.state.next()
	x.state.fills = append(x.state.fills, fillEntry{seq: seq, FillState: FillState{
		FillID:      uuidFrom(0xf111, seq),
		OrderID:     orderID,
		Ticker:      e.Ticker,
		OutcomeSide: e.OutcomeSide,
		Action:      e.Action,
		Count:       count,
		YesPrice:    yes,
		IsTaker:     taker,
		Fee:         fee,
		CreatedTime: now,
	}})
	x.pushOrderLocked(orderID)
	x.pushFillLocked(x.state.fills[len(x.state.fills)-1].FillState)
}

// Fills returns the fills recorded for an order, oldest first.
func (x *Exchange) Fills(orderID string) []FillState {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []FillState
	for _, f := range x.state.fills {
		if f.OrderID == orderID {
			out = append(out, f.FillState)
		}
	}
	return out
}

// Cancel cancels a resting order, keeping its fills: the status becomes
// canceled, nothing remains, and last_update_reason is CancelReason.
func (x *Exchange) Cancel(orderID string) { x.CancelWithReason(orderID, CancelReason) }

// CancelWithReason is Cancel with a chosen last_update_reason, such as
// "PostOnlyCrossCancel".
func (x *Exchange) CancelWithReason(orderID, reason string) {
	now := x.now()
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.state.orders[orderID]
	if !ok || e.Status != StatusResting {
		return
	}
	e.Status = StatusCanceled
	e.RemainingCount = fixed.Decimal{}
	e.QueueAhead = fixed.Decimal{}
	e.LastUpdateReason = reason
	e.LastUpdateTime = now
	x.pushOrderLocked(orderID)
}

// SetQueue sets the number of contracts ahead of a resting order.
func (x *Exchange) SetQueue(orderID string, ahead fixed.Decimal) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.state.orders[orderID]; ok {
		e.QueueAhead = ahead
	}
}

// mul returns a × b exactly when the product fits in six decimal places,
// and rounded half away from zero to six places otherwise (a count with
// two places times a price with four always fits).
func mul(a, b fixed.Decimal) fixed.Decimal {
	p := new(big.Int).Mul(big.NewInt(a.Micros()), big.NewInt(b.Micros()))
	q, r := new(big.Int).QuoRem(p, big.NewInt(1_000_000), new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(big.NewInt(1_000_000)) >= 0 {
		if p.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return fixed.FromMicros(q.Int64(), a.Places()+b.Places())
}

// uuidFrom makes a deterministic UUID-shaped ID, so runs are repeatable
// while IDs still look like Kalshi's.
func uuidFrom(kind uint16, n uint64) string {
	return fmt.Sprintf("%08x-%04x-4000-8000-%012x", uint32(n>>48), kind, n&0xffffffffffff)
}
