package kalshi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"ordermon/internal/fixed"
)

// The fast decoder reads a whole reply in one json.Unmarshal into typed wire
// structs. Its field types never fail: each records whether its field was
// present (and not null) and whether the value was usable, and the
// conversion to Order, Fill or Market applies the same rules as the slow
// decoder in decode.go. When anything is unusable, the reply is decoded
// again by the slow decoder, which names the field and says what was wrong;
// so the fast path decides only how fast a good reply is read, never what
// an error says.
//
// One difference is left on purpose: encoding/json matches keys without
// regard to case ("ORDER_ID" fills order_id), where the slow decoder wants
// the exact name. Kalshi sends lower-case keys, and a server that sends
// others can send any value it likes anyway.

// wireString is a JSON string field. null clears it, so a repeated key
// keeps its last value as the slow decoder's map does.
type wireString struct {
	s        string
	set, bad bool
}

// UnmarshalJSON records a string, null, or (as bad) anything else.
func (w *wireString) UnmarshalJSON(b []byte) error {
	*w = wireString{}
	if len(b) == 0 || b[0] == 'n' {
		return nil
	}
	w.set = true
	s, ok := jsonString(b)
	w.s, w.bad = s, !ok
	return nil
}

// jsonString unquotes a JSON string literal, cheaply when it has no escapes.
func jsonString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
		return string(b[1 : len(b)-1]), true
	}
	var s string
	return s, json.Unmarshal(b, &s) == nil
}

// wireBool is a JSON boolean field; null clears it.
type wireBool struct{ v, set, bad bool }

// UnmarshalJSON records true, false, null, or (as bad) anything else.
func (w *wireBool) UnmarshalJSON(b []byte) error {
	*w = wireBool{}
	switch string(b) {
	case "null":
	case "true":
		w.v, w.set = true, true
	case "false":
		w.set = true
	default:
		w.set, w.bad = true, true
	}
	return nil
}

// wireInt is a JSON integer field (no fraction, no exponent); its range is
// checked where it is used, because the limit depends on the field.
type wireInt struct {
	n        int64
	set, bad bool
}

// UnmarshalJSON records an integer that fits in int64, null, or (as bad)
// anything else.
func (w *wireInt) UnmarshalJSON(b []byte) error {
	*w = wireInt{}
	if string(b) == "null" {
		return nil
	}
	w.set = true
	n, err := strconv.ParseInt(string(b), 10, 64)
	w.n, w.bad = n, err != nil
	return nil
}

// wireDecimal is a fixed-point field of today's shape, a string such as
// "0.5600" or a bare number, read exactly by fixed.Decimal's own
// UnmarshalJSON and held to the slow decoder's bound on integer digits.
type wireDecimal struct {
	d        fixed.Decimal
	set, bad bool
}

// maxDecimalMicros is the first value with more than maxWholeDigits integer
// digits, in millionths: parseDecimal refuses it and everything above.
const maxDecimalMicros = 1_000_000_000_000 * 1_000_000

// UnmarshalJSON records a decimal, null, or (as bad) anything else.
func (w *wireDecimal) UnmarshalJSON(b []byte) error {
	*w = wireDecimal{}
	if string(b) == "null" {
		return nil
	}
	w.set = true
	if len(b) > 0 && b[0] == '"' && bytes.IndexByte(b, '\\') >= 0 {
		// Escapes inside a number are absurd but legal JSON: leave them to
		// the slow decoder rather than unquote here.
		w.bad = true
		return nil
	}
	// A value fixed.Parse refuses is recorded as bad, not returned: the
	// slow decoder will name it.
	ok := w.d.UnmarshalJSON(b) == nil
	m := w.d.Micros()
	w.bad = !ok || m >= maxDecimalMicros || m <= -maxDecimalMicros
	return nil
}

// wireTime is an RFC 3339 time field; null and "" are the zero time.
type wireTime struct {
	t        time.Time
	set, bad bool
}

// UnmarshalJSON records a time, null, "", or (as bad) anything else.
func (w *wireTime) UnmarshalJSON(b []byte) error {
	*w = wireTime{}
	if string(b) == "null" {
		return nil
	}
	w.set = true
	s, ok := jsonString(b)
	if !ok {
		w.bad = true
		return nil
	}
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	w.t, w.bad = t, err != nil
	return nil
}

// conv turns wire fields into values, remembering whether any field it was
// asked for was unusable; such a reply goes to the slow decoder.
type conv struct{ bad bool }

func (c *conv) str(w wireString) string {
	c.bad = c.bad || w.bad
	return w.s
}

func (c *conv) boolean(w wireBool) bool {
	c.bad = c.bad || w.bad
	return w.v
}

func (c *conv) time(w wireTime) time.Time {
	c.bad = c.bad || w.bad
	return w.t
}

// integer is the value of w if it is set and within ±limit.
func (c *conv) integer(w wireInt, limit int64) (int64, bool) {
	if !w.set {
		return 0, false
	}
	if w.bad || w.n > limit || w.n < -limit {
		c.bad = true
		return 0, false
	}
	return w.n, true
}

// intPtr is the value of w as an int when it is set, else nil, as
// object.intPtr reads it.
func (c *conv) intPtr(w wireInt) *int {
	n, ok := c.integer(w, 1<<31-1)
	if !ok {
		return nil
	}
	i := int(n)
	return &i
}

func (c *conv) decimal(w wireDecimal, nonNegative bool) fixed.Decimal {
	if w.bad || (nonNegative && w.d.Sign() < 0) {
		c.bad = true
	}
	return w.d
}

// amount is the fixed-point value when it is there, else the legacy
// integer (cents for prices, whole contracts for counts), as object.amount
// reads them.
func (c *conv) amount(fp wireDecimal, legacy wireInt, legacyCents, nonNegative bool) fixed.Decimal {
	if fp.set {
		return c.decimal(fp, nonNegative)
	}
	n, ok := c.integer(legacy, maxLegacyInt)
	switch {
	case !ok:
		return fixed.Decimal{}
	case nonNegative && n < 0:
		c.bad = true
		return fixed.Decimal{}
	case legacyCents:
		return fixed.FromCents(n)
	}
	return fixed.FromInt(n)
}

// orderIn is an order as Kalshi sends it, in either shape.
type orderIn struct {
	OrderID       wireString `json:"order_id"`
	UserID        wireString `json:"user_id"`
	ClientOrderID wireString `json:"client_order_id"`
	Ticker        wireString `json:"ticker"`
	sidesIn
	Type   wireString `json:"type"`
	Status wireString `json:"status"`
	pricesIn
	orderCountsIn
	orderCostsIn
	// QueuePosition is the deprecated inline queue position: it is not
	// read, but marks the legacy shape.
	QueuePosition wireInt `json:"queue_position"`
	orderTimesIn
	SelfTradePreventionType wireString `json:"self_trade_prevention_type"`
	OrderGroupID            wireString `json:"order_group_id"`
	CancelOrderOnPause      wireBool   `json:"cancel_order_on_pause"`
	SubaccountNumber        wireInt    `json:"subaccount_number"`
	ExchangeIndex           wireInt    `json:"exchange_index"`
	LastUpdateReason        wireString `json:"last_update_reason"`
}

// order converts w by the rules of Order.UnmarshalJSON's slow path; false
// means a field was unusable.
func (w *orderIn) order() (Order, bool) {
	var c conv
	r := Order{
		OrderID: c.str(w.OrderID), UserID: c.str(w.UserID), ClientOrderID: c.str(w.ClientOrderID),
		Ticker: c.str(w.Ticker), Type: c.str(w.Type), Status: OrderStatus(c.str(w.Status)),
		SelfTradePreventionType: c.str(w.SelfTradePreventionType),
		OrderGroupID:            c.str(w.OrderGroupID),
		CancelOrderOnPause:      c.boolean(w.CancelOrderOnPause),
		LastUpdateReason:        c.str(w.LastUpdateReason),
	}
	r.Side, r.Action, r.OutcomeSide, r.BookSide = w.sidesIn.read(&c)
	r.YesPrice, r.NoPrice = w.pricesIn.read(&c)
	r.FillCount, r.RemainingCount, r.InitialCount = w.orderCountsIn.read(&c)
	r.TakerFees, r.MakerFees, r.TakerFillCost, r.MakerFillCost = w.orderCostsIn.read(&c)
	r.CreatedTime, r.LastUpdateTime, r.ExpirationTime = w.orderTimesIn.read(&c)
	r.SubaccountNumber = c.intPtr(w.SubaccountNumber)
	if n, ok := c.integer(w.ExchangeIndex, 1<<31-1); ok {
		r.ExchangeIndex = int(n)
	}
	r.Shape = shapeFrom(w.sidesIn.vocab(), w.pricesIn.vocab(), w.orderCountsIn.vocab(), w.orderCostsIn.vocab(),
		vocab{leg: w.QueuePosition.set})
	return r, !c.bad
}

// marketIn is a market as Kalshi sends it, in either shape.
type marketIn struct {
	Ticker      wireString `json:"ticker"`
	EventTicker wireString `json:"event_ticker"`
	Title       wireString `json:"title"`
	YesSubTitle wireString `json:"yes_sub_title"`
	NoSubTitle  wireString `json:"no_sub_title"`
	Status      wireString `json:"status"`
	marketQuoteIn
	CloseTime wireTime `json:"close_time"`
}

// market converts w by the rules of Market.UnmarshalJSON's slow path.
func (w *marketIn) market() (Market, bool) {
	var c conv
	r := Market{
		Ticker: c.str(w.Ticker), EventTicker: c.str(w.EventTicker), Title: c.str(w.Title),
		YesSubTitle: c.str(w.YesSubTitle), NoSubTitle: c.str(w.NoSubTitle), Status: c.str(w.Status),
		CloseTime: c.time(w.CloseTime),
	}
	r.YesBid, r.YesAsk, r.NoBid, r.NoAsk, r.LastPrice = w.read(&c)
	r.Shape = shapeFrom(w.vocab())
	return r, !c.bad
}

// fillIn is a fill as Kalshi's REST API sends it, in either shape.
type fillIn struct {
	TradeID      wireString `json:"trade_id"`
	FillID       wireString `json:"fill_id"`
	OrderID      wireString `json:"order_id"`
	Ticker       wireString `json:"ticker"`
	MarketTicker wireString `json:"market_ticker"`
	sidesIn
	CountFP wireDecimal `json:"count_fp"`
	Count   wireInt     `json:"count"`
	pricesIn
	IsTaker     wireBool    `json:"is_taker"`
	FeeCost     wireDecimal `json:"fee_cost"`
	CreatedTime wireTime    `json:"created_time"`
	TS          wireInt     `json:"ts"`
}

// fill converts w by the rules of Fill.UnmarshalJSON's slow path.
func (w *fillIn) fill() (Fill, bool) {
	var c conv
	r := Fill{
		TradeID: c.str(w.TradeID), FillID: c.str(w.FillID), OrderID: c.str(w.OrderID),
		Ticker:      c.str(w.Ticker),
		Count:       c.amount(w.CountFP, w.Count, false, true),
		IsTaker:     c.boolean(w.IsTaker),
		CreatedTime: c.time(w.CreatedTime),
	}
	r.Side, r.Action, r.OutcomeSide, r.BookSide = w.sidesIn.read(&c)
	r.YesPrice, r.NoPrice = w.pricesIn.read(&c)
	if r.FillID == "" {
		r.FillID = r.TradeID
	}
	if r.Ticker == "" {
		r.Ticker = c.str(w.MarketTicker)
	}
	if w.FeeCost.set {
		r.FeeCost = c.decimal(w.FeeCost, false)
	}
	if r.CreatedTime.IsZero() {
		if ts, ok := c.integer(w.TS, 1<<40); ok && ts > 0 {
			r.CreatedTime = time.Unix(ts, 0).UTC()
		}
	}
	r.Shape = shapeFrom(w.sidesIn.vocab(), w.pricesIn.vocab(), vocab{cur: w.CountFP.set, leg: w.Count.set})
	return r, !c.bad
}

// replyIn is a list reply (GetOrders, GetFills, GetMarkets) read in one
// pass. Elements are pointers so that a null element, which the slow
// decoder refuses, can be told from an empty one.
type replyIn struct {
	Orders  []*orderIn  `json:"orders"`
	Fills   []*fillIn   `json:"fills"`
	Markets []*marketIn `json:"markets"`
	Queue   []*queueIn  `json:"queue_positions"`
	Cursor  wireString  `json:"cursor"`
}

// decodeOne reads one object into dst: null leaves dst as it is, a good
// object is read in one pass, and anything else goes to slow for its
// detailed error.
func decodeOne[W, T any](b []byte, dst *T, convert func(*W) (T, bool), slow func(*T, []byte) error) error {
	if isNull(b) {
		return nil
	}
	var w W
	if json.Unmarshal(b, &w) == nil {
		if r, ok := convert(&w); ok {
			*dst = r
			return nil
		}
	}
	return slow(dst, b)
}

// decodeReply reads the list in field (and the cursor, when withCursor) of
// a reply object named name: in one pass when the reply is good, by the
// slow decoder, for its detailed error, when it is not.
//
// A list key sent twice goes to the slow decoder too: encoding/json would
// decode the second list over the first, keeping fields of the first that
// the second lacks, where the slow decoder keeps the last list whole.
func decodeReply[T any, P interface {
	*T
	json.Unmarshaler
}, W any](b []byte, name, field string, withCursor bool, list func(*replyIn) []*W, convert func(*W) (T, bool)) ([]T, string, error) {
	var w replyIn
	if json.Unmarshal(b, &w) == nil && (!withCursor || !w.Cursor.bad) && bytes.Count(b, []byte(`"`+field+`"`)) <= 1 {
		if items, ok := convertAll(list(&w), convert); ok {
			return items, w.Cursor.s, nil
		}
	}
	ob, err := newObject(name, b)
	if err != nil {
		return nil, "", err
	}
	items := decodeList[T, P](ob, field)
	cursor := ""
	if withCursor {
		cursor = ob.str("cursor")
	}
	return items, cursor, ob.err
}

// convertAll converts every element of a list, or reports false if one is
// null or unusable.
func convertAll[W, T any](ws []*W, convert func(*W) (T, bool)) ([]T, bool) {
	if ws == nil {
		return nil, true
	}
	out := make([]T, len(ws))
	for i, w := range ws {
		if w == nil {
			return nil, false
		}
		v, ok := convert(w)
		if !ok {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// decodeOrdersReply reads a GetOrders or GetHistoricalOrders reply
// ({orders, cursor}).
func decodeOrdersReply(b []byte) (OrdersPage, error) {
	orders, cursor, err := decodeReply[Order](b, "orders reply", "orders", true,
		func(w *replyIn) []*orderIn { return w.Orders }, (*orderIn).order)
	return OrdersPage{Orders: orders, Cursor: cursor}, err
}

// decodeFillsReply reads a GetFills reply ({fills, cursor}).
func decodeFillsReply(b []byte) ([]Fill, string, error) {
	return decodeReply[Fill](b, "fills reply", "fills", true,
		func(w *replyIn) []*fillIn { return w.Fills }, (*fillIn).fill)
}

// queueIn is one entry of GetQueuePositions' reply.
type queueIn struct {
	OrderID         wireString  `json:"order_id"`
	MarketTicker    wireString  `json:"market_ticker"`
	QueuePositionFP wireDecimal `json:"queue_position_fp"`
}

// queue converts w by the rules of QueuePosition.UnmarshalJSON: all three
// fields are required, so one that is missing or null goes to that slow
// path for its error.
func (w *queueIn) queue() (QueuePosition, bool) {
	var c conv
	q := QueuePosition{OrderID: c.str(w.OrderID), MarketTicker: c.str(w.MarketTicker), Ahead: c.decimal(w.QueuePositionFP, true)}
	return q, !c.bad && w.OrderID.set && w.MarketTicker.set && w.QueuePositionFP.set
}

// decodeQueueReply reads a GetQueuePositions reply ({queue_positions}).
// Watching a market's resting orders reads one every round, so it takes
// the one-pass path the other lists take.
func decodeQueueReply(b []byte) ([]QueuePosition, error) {
	queue, _, err := decodeReply[QueuePosition](b, "queue positions reply", "queue_positions", false,
		func(w *replyIn) []*queueIn { return w.Queue }, (*queueIn).queue)
	return queue, err
}

// decodeMarketsReply reads a GetMarkets reply ({markets}); its cursor is
// not used.
func decodeMarketsReply(b []byte) ([]Market, error) {
	markets, _, err := decodeReply[Market](b, "markets reply", "markets", false,
		func(w *replyIn) []*marketIn { return w.Markets }, (*marketIn).market)
	return markets, err
}
