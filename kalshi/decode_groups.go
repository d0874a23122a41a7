package kalshi

import (
	"time"

	"ordermon/internal/fixed"
)

// Kalshi's schemas (OpenAPI 3.31.0 and the WebSocket's AsyncAPI) repeat
// groups of fields: an order and a fill are both told by side, action,
// outcome_side and book_side and priced by yes_price and no_price; a market
// and a ticker both quote yes_bid and yes_ask. Each group is written here
// once, for both decoders side by side: a wire struct that the fast
// decoder's structs embed (encoding/json reads an embedded struct's fields
// as the outer struct's own) with the method that converts it, and the
// slow decoder's method on object that reads the same fields, in the same
// order, so that both paths follow one rule and the slow one names the
// same first bad field it always has.
//
// Embedded groups must never share a JSON name with each other or with
// the struct that embeds them at the same depth: encoding/json would
// silently drop both fields of such a clash.

// vocab records which of the two wire vocabularies an object's present
// fields belong to: today's fixed-point one (cur), the legacy integer one
// (leg), both or neither.
type vocab struct{ cur, leg bool }

// or is the vocabularies of v's fields and w's together.
func (v vocab) or(w vocab) vocab { return vocab{v.cur || w.cur, v.leg || w.leg} }

// shapeFrom names the shape of an object from the vocabularies of its
// groups.
func shapeFrom(vs ...vocab) Shape {
	var all vocab
	for _, v := range vs {
		all = all.or(v)
	}
	return shapeOf(all.cur, all.leg)
}

// sidesIn is the direction of an order or a fill: today's outcome_side and
// book_side, and the deprecated side and action they replace.
type sidesIn struct {
	Side        wireString `json:"side"`
	Action      wireString `json:"action"`
	OutcomeSide wireString `json:"outcome_side"`
	BookSide    wireString `json:"book_side"`
}

// read returns side, action, outcome side and book side, deriving the last
// two when they are missing (see sides).
func (w *sidesIn) read(c *conv) (side, action, outcome, book string) {
	side, action = c.str(w.Side), c.str(w.Action)
	outcome, book = sides(c.str(w.OutcomeSide), c.str(w.BookSide), side, action)
	return side, action, outcome, book
}

// vocab tells today's vocabulary by the outcome and book sides; side and
// action belong to both.
func (w *sidesIn) vocab() vocab { return vocab{cur: w.OutcomeSide.set || w.BookSide.set} }

// sideGroup reads what sidesIn reads.
func (o *object) sideGroup() (side, action, outcome, book string) {
	side, action = o.str("side"), o.str("action")
	outcome, book = sides(o.str("outcome_side"), o.str("book_side"), side, action)
	return side, action, outcome, book
}

// pricesIn is the yes and no price of an order or a fill: dollars today,
// whole cents in the legacy shape; unlike a market's quotes, a sign is not
// refused.
type pricesIn struct {
	YesPriceDollars wireDecimal `json:"yes_price_dollars"`
	NoPriceDollars  wireDecimal `json:"no_price_dollars"`
	YesPrice        wireInt     `json:"yes_price"`
	NoPrice         wireInt     `json:"no_price"`
}

// read returns the yes and no prices.
func (w *pricesIn) read(c *conv) (yes, no fixed.Decimal) {
	return c.amount(w.YesPriceDollars, w.YesPrice, true, false), c.amount(w.NoPriceDollars, w.NoPrice, true, false)
}

// vocab tells the vocabulary by which of the group's fields are present,
// as every group's vocab does.
func (w *pricesIn) vocab() vocab {
	return vocab{cur: w.YesPriceDollars.set || w.NoPriceDollars.set, leg: w.YesPrice.set || w.NoPrice.set}
}

// pushedNo returns no, unless the message carried a yes price and no no
// price, as the WebSocket's user_order and fill do: then the no price is
// the one the yes price implies.
func (w *pricesIn) pushedNo(yes, no fixed.Decimal) fixed.Decimal {
	if !w.NoPriceDollars.set && !w.NoPrice.set && (w.YesPriceDollars.set || w.YesPrice.set) {
		return noPrice(yes)
	}
	return no
}

// prices reads what pricesIn reads.
func (o *object) prices() (yes, no fixed.Decimal) {
	return o.amount("yes_price_dollars", "yes_price", true, false), o.amount("no_price_dollars", "no_price", true, false)
}

// bidAskIn is the best yes bid and ask that a market and a ticker both
// quote: dollars today, whole cents in the legacy shape, never negative.
type bidAskIn struct {
	YesBidDollars wireDecimal `json:"yes_bid_dollars"`
	YesAskDollars wireDecimal `json:"yes_ask_dollars"`
	YesBid        wireInt     `json:"yes_bid"`
	YesAsk        wireInt     `json:"yes_ask"`
}

// read returns the yes bid and ask.
func (w *bidAskIn) read(c *conv) (bid, ask fixed.Decimal) {
	return c.amount(w.YesBidDollars, w.YesBid, true, true), c.amount(w.YesAskDollars, w.YesAsk, true, true)
}

func (w *bidAskIn) vocab() vocab {
	return vocab{cur: w.YesBidDollars.set || w.YesAskDollars.set, leg: w.YesBid.set || w.YesAsk.set}
}

// bidAsk reads what bidAskIn reads.
func (o *object) bidAsk() (bid, ask fixed.Decimal) {
	return o.amount("yes_bid_dollars", "yes_bid", true, true), o.amount("yes_ask_dollars", "yes_ask", true, true)
}

// marketQuoteIn is a market's prices: the yes bid and ask a ticker quotes
// too, the no bid and ask, and the last trade's price; dollars today, whole
// cents in the legacy shape, never negative.
type marketQuoteIn struct {
	bidAskIn
	NoBidDollars     wireDecimal `json:"no_bid_dollars"`
	NoAskDollars     wireDecimal `json:"no_ask_dollars"`
	LastPriceDollars wireDecimal `json:"last_price_dollars"`
	NoBid            wireInt     `json:"no_bid"`
	NoAsk            wireInt     `json:"no_ask"`
	LastPrice        wireInt     `json:"last_price"`
}

// read returns the yes bid and ask, the no bid and ask and the last price.
func (w *marketQuoteIn) read(c *conv) (yesBid, yesAsk, noBid, noAsk, last fixed.Decimal) {
	yesBid, yesAsk = w.bidAskIn.read(c)
	return yesBid, yesAsk, c.amount(w.NoBidDollars, w.NoBid, true, true),
		c.amount(w.NoAskDollars, w.NoAsk, true, true), c.amount(w.LastPriceDollars, w.LastPrice, true, true)
}

func (w *marketQuoteIn) vocab() vocab {
	return w.bidAskIn.vocab().or(vocab{
		cur: w.NoBidDollars.set || w.NoAskDollars.set || w.LastPriceDollars.set,
		leg: w.NoBid.set || w.NoAsk.set || w.LastPrice.set,
	})
}

// marketQuote reads what marketQuoteIn reads.
func (o *object) marketQuote() (yesBid, yesAsk, noBid, noAsk, last fixed.Decimal) {
	yesBid, yesAsk = o.bidAsk()
	return yesBid, yesAsk, o.amount("no_bid_dollars", "no_bid", true, true),
		o.amount("no_ask_dollars", "no_ask", true, true), o.amount("last_price_dollars", "last_price", true, true)
}

// orderCountsIn is an order's contract counts: fixed-point today, whole
// contracts in the legacy shape, never negative.
type orderCountsIn struct {
	FillCountFP      wireDecimal `json:"fill_count_fp"`
	RemainingCountFP wireDecimal `json:"remaining_count_fp"`
	InitialCountFP   wireDecimal `json:"initial_count_fp"`
	FillCount        wireInt     `json:"fill_count"`
	RemainingCount   wireInt     `json:"remaining_count"`
	InitialCount     wireInt     `json:"initial_count"`
}

// read returns the filled, remaining and initial counts.
func (w *orderCountsIn) read(c *conv) (filled, remaining, initial fixed.Decimal) {
	return c.amount(w.FillCountFP, w.FillCount, false, true),
		c.amount(w.RemainingCountFP, w.RemainingCount, false, true),
		c.amount(w.InitialCountFP, w.InitialCount, false, true)
}

func (w *orderCountsIn) vocab() vocab {
	return vocab{
		cur: w.FillCountFP.set || w.RemainingCountFP.set || w.InitialCountFP.set,
		leg: w.FillCount.set || w.RemainingCount.set || w.InitialCount.set,
	}
}

// orderCounts reads what orderCountsIn reads.
func (o *object) orderCounts() (filled, remaining, initial fixed.Decimal) {
	return o.amount("fill_count_fp", "fill_count", false, true),
		o.amount("remaining_count_fp", "remaining_count", false, true),
		o.amount("initial_count_fp", "initial_count", false, true)
}

// orderCostsIn is what an order's fills cost and what their fees were, as
// taker and as maker: dollars today, whole cents in the legacy shape.
type orderCostsIn struct {
	TakerFeesDollars     wireDecimal `json:"taker_fees_dollars"`
	MakerFeesDollars     wireDecimal `json:"maker_fees_dollars"`
	TakerFillCostDollars wireDecimal `json:"taker_fill_cost_dollars"`
	MakerFillCostDollars wireDecimal `json:"maker_fill_cost_dollars"`
	TakerFees            wireInt     `json:"taker_fees"`
	MakerFees            wireInt     `json:"maker_fees"`
	TakerFillCost        wireInt     `json:"taker_fill_cost"`
	MakerFillCost        wireInt     `json:"maker_fill_cost"`
}

// read returns the taker and maker fees and fill costs.
func (w *orderCostsIn) read(c *conv) (takerFees, makerFees, takerCost, makerCost fixed.Decimal) {
	return c.amount(w.TakerFeesDollars, w.TakerFees, true, false),
		c.amount(w.MakerFeesDollars, w.MakerFees, true, false),
		c.amount(w.TakerFillCostDollars, w.TakerFillCost, true, false),
		c.amount(w.MakerFillCostDollars, w.MakerFillCost, true, false)
}

func (w *orderCostsIn) vocab() vocab {
	return vocab{
		cur: w.TakerFeesDollars.set || w.MakerFeesDollars.set || w.TakerFillCostDollars.set || w.MakerFillCostDollars.set,
		leg: w.TakerFees.set || w.MakerFees.set || w.TakerFillCost.set || w.MakerFillCost.set,
	}
}

// orderCosts reads what orderCostsIn reads.
func (o *object) orderCosts() (takerFees, makerFees, takerCost, makerCost fixed.Decimal) {
	return o.amount("taker_fees_dollars", "taker_fees", true, false),
		o.amount("maker_fees_dollars", "maker_fees", true, false),
		o.amount("taker_fill_cost_dollars", "taker_fill_cost", true, false),
		o.amount("maker_fill_cost_dollars", "maker_fill_cost", true, false)
}

// orderTimesIn is when an order was placed, last changed and expires, in
// RFC 3339; the WebSocket's user_order sends them too, deprecated, beside
// its times in Unix milliseconds.
type orderTimesIn struct {
	CreatedTime    wireTime `json:"created_time"`
	LastUpdateTime wireTime `json:"last_update_time"`
	ExpirationTime wireTime `json:"expiration_time"`
}

// read returns the created, last update and expiration times.
func (w *orderTimesIn) read(c *conv) (created, updated, expires time.Time) {
	return c.time(w.CreatedTime), c.time(w.LastUpdateTime), c.time(w.ExpirationTime)
}

// orderTimes reads what orderTimesIn reads.
func (o *object) orderTimes() (created, updated, expires time.Time) {
	return o.timestamp("created_time"), o.timestamp("last_update_time"), o.timestamp("expiration_time")
}
