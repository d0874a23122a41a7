package kalshi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/fixed"
	"ordermon/internal/textsafe"
)

// DecodeError reports a field of a Kalshi payload that could not be read:
// the wrong JSON type, a number that is not exact ("NaN", "1e5"), text where
// a number belongs, or a time that is not RFC 3339. The offending value is
// quoted in a short, sanitized form.
type DecodeError struct {
	Object  string // "order", "market", "fill", or a response envelope
	Field   string // the JSON field name
	Problem string // what was wrong, already sanitized
}

// Error names the object, the field and the problem.
func (e *DecodeError) Error() string {
	if e.Field == "" {
		return "kalshi: " + e.Object + ": " + e.Problem
	}
	return "kalshi: " + e.Object + " field " + strconv.Quote(e.Field) + ": " + e.Problem
}

// maxWholeDigits keeps decoded values far inside fixed.Decimal's int64 range
// (a trillion contracts or dollars is already absurd for one order), so
// neither parsing nor sums can overflow.
const maxWholeDigits = 12

const maxLegacyInt = 1_000_000_000_000

// object is a JSON object whose values stay raw until each field is read,
// so every field can be checked on its own and named in an error. The first
// error is kept; later reads become no-ops.
type object struct {
	name string
	m    map[string]json.RawMessage
	err  error
}

func newObject(name string, b []byte) (*object, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, &DecodeError{Object: name, Problem: "want a JSON object, got " + kindOf(b)}
	}
	o := &object{name: name}
	if err := json.Unmarshal(b, &o.m); err != nil {
		return nil, &DecodeError{Object: name, Problem: "malformed JSON object: " + cleanErr(err)}
	}
	return o, nil
}

// decodeFields reads b, an object called name, into dst with read, field by
// field: the error names the first field that is wrong, and dst is set only
// when none is.
func decodeFields[T any](dst *T, b []byte, name string, read func(*object) T) error {
	ob, err := newObject(name, b)
	if err != nil {
		return err
	}
	r := read(ob)
	if ob.err != nil {
		return ob.err
	}
	*dst = r
	return nil
}

func (o *object) fail(field, problem string) {
	if o.err == nil {
		o.err = &DecodeError{Object: o.name, Field: field, Problem: problem}
	}
}

// has reports whether field is present with a non-null value.
func (o *object) has(field string) bool {
	v, ok := o.m[field]
	return ok && !isNull(v)
}

func (o *object) str(field string) string {
	v, ok := o.m[field]
	if !ok || isNull(v) || o.err != nil {
		return ""
	}
	var s string
	if v[0] != '"' || json.Unmarshal(v, &s) != nil {
		o.fail(field, "want a string, got "+describe(v))
		return ""
	}
	return s
}

func (o *object) boolean(field string) bool {
	v, ok := o.m[field]
	if !ok || isNull(v) || o.err != nil {
		return false
	}
	switch string(v) {
	case "true":
		return true
	case "false":
		return false
	}
	o.fail(field, "want true or false, got "+describe(v))
	return false
}

// integer reads a JSON integer within ±limit.
func (o *object) integer(field string, limit int64) (int64, bool) {
	v, ok := o.m[field]
	if !ok || isNull(v) || o.err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		o.fail(field, "want an integer, got "+describe(v))
		return 0, false
	}
	if n > limit || n < -limit {
		o.fail(field, "integer "+describe(v)+" is out of range")
		return 0, false
	}
	return n, true
}

func (o *object) intPtr(field string) *int {
	n, ok := o.integer(field, 1<<31-1)
	if !ok {
		return nil
	}
	i := int(n)
	return &i
}

// decimal reads a fixed-point string such as "0.5600" or "2.50". A bare
// JSON number is accepted too, read from its text so nothing is rounded.
func (o *object) decimal(field string, nonNegative bool) (fixed.Decimal, bool) {
	v, ok := o.m[field]
	if !ok || isNull(v) || o.err != nil {
		return fixed.Decimal{}, false
	}
	text := string(v)
	if v[0] == '"' {
		if json.Unmarshal(v, &text) != nil {
			o.fail(field, "malformed string")
			return fixed.Decimal{}, false
		}
	} else if v[0] != '-' && (v[0] < '0' || v[0] > '9') {
		o.fail(field, "want a fixed-point string such as \"10.00\", got "+describe(v))
		return fixed.Decimal{}, false
	}
	d, err := parseDecimal(text)
	if err != nil {
		o.fail(field, "want a fixed-point string such as \"10.00\", got "+describe(v)+" ("+err.Error()+")")
		return fixed.Decimal{}, false
	}
	if nonNegative && d.Sign() < 0 {
		o.fail(field, "negative value "+describe(v))
		return fixed.Decimal{}, false
	}
	return d, true
}

func parseDecimal(s string) (fixed.Decimal, error) {
	whole := strings.TrimLeft(strings.TrimLeft(s, "+-"), "0")
	if i := strings.IndexByte(whole, '.'); i >= 0 {
		whole = whole[:i]
	}
	if len(whole) > maxWholeDigits {
		return fixed.Decimal{}, fmt.Errorf("more than %d integer digits", maxWholeDigits)
	}
	d, err := fixed.Parse(s)
	if err != nil {
		if errors.Is(err, fixed.ErrRange) {
			return d, fmt.Errorf("more than %d decimal places", fixed.MaxPlaces)
		}
		return d, errors.New("not a plain decimal")
	}
	return d, nil
}

// amount reads a value that today's API sends as a fixed-point string in
// fpField and the legacy API sent as an integer in legacyField (cents for
// prices, whole contracts for counts). The fixed-point field wins when both
// are present.
func (o *object) amount(fpField, legacyField string, legacyCents, nonNegative bool) fixed.Decimal {
	if o.has(fpField) {
		d, _ := o.decimal(fpField, nonNegative)
		return d
	}
	n, ok := o.integer(legacyField, maxLegacyInt)
	if !ok {
		return fixed.Decimal{}
	}
	if nonNegative && n < 0 {
		o.fail(legacyField, "negative value "+strconv.FormatInt(n, 10))
		return fixed.Decimal{}
	}
	if legacyCents {
		return fixed.FromCents(n)
	}
	return fixed.FromInt(n)
}

// timestamp reads an RFC 3339 time; null, an absent field and "" are the
// zero time.
func (o *object) timestamp(field string) time.Time {
	v, ok := o.m[field]
	if !ok || isNull(v) || o.err != nil {
		return time.Time{}
	}
	s := o.str(field)
	if o.err != nil || s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		o.fail(field, "want an RFC 3339 time, got "+describe(v))
		return time.Time{}
	}
	return t
}

// shape classifies the object by which of the two wire vocabularies its
// present fields belong to.
func (o *object) shape(current, legacy []string) Shape {
	cur, leg := false, false
	for _, f := range current {
		cur = cur || o.has(f)
	}
	for _, f := range legacy {
		leg = leg || o.has(f)
	}
	return shapeOf(cur, leg)
}

// shapeOf names the shape of an object that has fields of today's
// vocabulary (cur), of the legacy one (leg), of both or of neither.
func shapeOf(cur, leg bool) Shape {
	switch {
	case cur && leg:
		return ShapeMixed
	case cur:
		return ShapeCurrent
	case leg:
		return ShapeLegacy
	}
	return ShapeUnknown
}

// sides returns the outcome side and book side, deriving what is missing:
// book "bid" is outcome "yes" and "ask" is "no"; legacy buy yes and sell no
// are outcome "yes", buy no and sell yes are "no". Unknown values are kept
// verbatim and derive nothing.
func sides(outcome, book, side, action string) (string, string) {
	if outcome == "" {
		switch book {
		case "bid":
			outcome = "yes"
		case "ask":
			outcome = "no"
		}
	}
	if outcome == "" {
		switch {
		case action == "buy" && side == "yes", action == "sell" && side == "no":
			outcome = "yes"
		case action == "buy" && side == "no", action == "sell" && side == "yes":
			outcome = "no"
		}
	}
	if book == "" {
		switch outcome {
		case "yes":
			book = "bid"
		case "no":
			book = "ask"
		}
	}
	return outcome, book
}

var (
	orderCurrentFields = []string{
		"outcome_side", "book_side", "yes_price_dollars", "no_price_dollars",
		"fill_count_fp", "remaining_count_fp", "initial_count_fp",
		"taker_fees_dollars", "maker_fees_dollars", "taker_fill_cost_dollars", "maker_fill_cost_dollars",
	}
	orderLegacyFields = []string{
		"yes_price", "no_price", "fill_count", "remaining_count", "initial_count",
		"taker_fees", "maker_fees", "taker_fill_cost", "maker_fill_cost", "queue_position",
	}
)

// UnmarshalJSON decodes an order in today's fixed-point shape, the legacy
// integer-cents shape, or a mix of both (fixed-point fields win). The legacy
// inline queue_position, which Kalshi deprecated and always sends as 0, is
// accepted and discarded: the queue position comes only from its own
// endpoint. JSON null leaves o unchanged.
//
// A good order is read in one pass (decode_fast.go); only one that fails
// there is read field by field, for an error that names the field.
func (o *Order) UnmarshalJSON(b []byte) error {
	return decodeOne(b, o, (*orderIn).order, (*Order).decodeSlow)
}

// decodeSlow reads an order field by field, naming the first field that
// is wrong.
func (o *Order) decodeSlow(b []byte) error { return decodeFields(o, b, "order", readOrder) }

// readOrder reads an order's fields from ob, in the order that decides
// which bad field an error names.
func readOrder(ob *object) Order {
	var r Order
	r.OrderID = ob.str("order_id")
	r.UserID = ob.str("user_id")
	r.ClientOrderID = ob.str("client_order_id")
	r.Ticker = ob.str("ticker")
	r.Side, r.Action, r.OutcomeSide, r.BookSide = ob.sideGroup()
	r.Type = ob.str("type")
	r.Status = OrderStatus(ob.str("status"))
	r.YesPrice, r.NoPrice = ob.prices()
	r.FillCount, r.RemainingCount, r.InitialCount = ob.orderCounts()
	r.TakerFees, r.MakerFees, r.TakerFillCost, r.MakerFillCost = ob.orderCosts()

	r.CreatedTime, r.LastUpdateTime, r.ExpirationTime = ob.orderTimes()

	r.SelfTradePreventionType = ob.str("self_trade_prevention_type")
	r.OrderGroupID = ob.str("order_group_id")
	r.CancelOrderOnPause = ob.boolean("cancel_order_on_pause")
	r.SubaccountNumber = ob.intPtr("subaccount_number")
	if n, ok := ob.integer("exchange_index", 1<<31-1); ok {
		r.ExchangeIndex = int(n)
	}
	r.LastUpdateReason = ob.str("last_update_reason")
	// queue_position is deliberately not read: see the doc comment.
	r.Shape = ob.shape(orderCurrentFields, orderLegacyFields)
	return r
}

// orderWire is today's shape, for MarshalJSON.
type orderWire struct {
	OrderID                 string        `json:"order_id"`
	UserID                  string        `json:"user_id"`
	ClientOrderID           string        `json:"client_order_id"`
	Ticker                  string        `json:"ticker"`
	OutcomeSide             string        `json:"outcome_side"`
	BookSide                string        `json:"book_side"`
	Side                    string        `json:"side,omitempty"`
	Action                  string        `json:"action,omitempty"`
	Type                    string        `json:"type"`
	Status                  OrderStatus   `json:"status"`
	YesPrice                fixed.Decimal `json:"yes_price_dollars"`
	NoPrice                 fixed.Decimal `json:"no_price_dollars"`
	FillCount               fixed.Decimal `json:"fill_count_fp"`
	RemainingCount          fixed.Decimal `json:"remaining_count_fp"`
	InitialCount            fixed.Decimal `json:"initial_count_fp"`
	TakerFees               fixed.Decimal `json:"taker_fees_dollars"`
	MakerFees               fixed.Decimal `json:"maker_fees_dollars"`
	TakerFillCost           fixed.Decimal `json:"taker_fill_cost_dollars"`
	MakerFillCost           fixed.Decimal `json:"maker_fill_cost_dollars"`
	ExpirationTime          *string       `json:"expiration_time"`
	CreatedTime             *string       `json:"created_time"`
	LastUpdateTime          *string       `json:"last_update_time"`
	SelfTradePreventionType *string       `json:"self_trade_prevention_type"`
	OrderGroupID            *string       `json:"order_group_id"`
	CancelOrderOnPause      bool          `json:"cancel_order_on_pause"`
	SubaccountNumber        *int          `json:"subaccount_number"`
	ExchangeIndex           int           `json:"exchange_index"`
	LastUpdateReason        string        `json:"last_update_reason,omitempty"`
}

// MarshalJSON encodes o in today's wire shape (fixed-point strings,
// outcome_side/book_side, null for absent times), whatever shape it was
// decoded from, so a dump of an order reads like a current Kalshi reply.
func (o Order) MarshalJSON() ([]byte, error) {
	return json.Marshal(orderWire{
		OrderID: o.OrderID, UserID: o.UserID, ClientOrderID: o.ClientOrderID, Ticker: o.Ticker,
		OutcomeSide: o.OutcomeSide, BookSide: o.BookSide, Side: o.Side, Action: o.Action,
		Type: o.Type, Status: o.Status,
		YesPrice: o.YesPrice, NoPrice: o.NoPrice,
		FillCount: o.FillCount, RemainingCount: o.RemainingCount, InitialCount: o.InitialCount,
		TakerFees: o.TakerFees, MakerFees: o.MakerFees,
		TakerFillCost: o.TakerFillCost, MakerFillCost: o.MakerFillCost,
		ExpirationTime: timeOrNull(o.ExpirationTime), CreatedTime: timeOrNull(o.CreatedTime),
		LastUpdateTime:          timeOrNull(o.LastUpdateTime),
		SelfTradePreventionType: strOrNull(o.SelfTradePreventionType),
		OrderGroupID:            strOrNull(o.OrderGroupID),
		CancelOrderOnPause:      o.CancelOrderOnPause,
		SubaccountNumber:        o.SubaccountNumber,
		ExchangeIndex:           o.ExchangeIndex,
		LastUpdateReason:        o.LastUpdateReason,
	})
}

func timeOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.RFC3339Nano)
	return &s
}

func strOrNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

var (
	marketCurrentFields = []string{"yes_bid_dollars", "yes_ask_dollars", "no_bid_dollars", "no_ask_dollars", "last_price_dollars"}
	marketLegacyFields  = []string{"yes_bid", "yes_ask", "no_bid", "no_ask", "last_price"}
)

// UnmarshalJSON decodes the fields of a market an order watcher shows, from
// today's `*_dollars` prices or the legacy integer cents (yes_bid, yes_ask,
// no_bid, no_ask, last_price); the dollar fields win when both are present.
// Other market fields are ignored. JSON null leaves m unchanged. A good
// market is read in one pass, as Order.UnmarshalJSON reads an order.
func (m *Market) UnmarshalJSON(b []byte) error {
	return decodeOne(b, m, (*marketIn).market, (*Market).decodeSlow)
}

// decodeSlow reads a market field by field, naming the first field that
// is wrong.
func (m *Market) decodeSlow(b []byte) error { return decodeFields(m, b, "market", readMarket) }

// readMarket reads a market's fields from ob, as readOrder reads an
// order's.
func readMarket(ob *object) Market {
	var r Market
	r.Ticker = ob.str("ticker")
	r.EventTicker = ob.str("event_ticker")
	r.Title = ob.str("title")
	r.YesSubTitle = ob.str("yes_sub_title")
	r.NoSubTitle = ob.str("no_sub_title")
	r.Status = ob.str("status")
	r.YesBid, r.YesAsk, r.NoBid, r.NoAsk, r.LastPrice = ob.marketQuote()
	r.CloseTime = ob.timestamp("close_time")
	r.Shape = ob.shape(marketCurrentFields, marketLegacyFields)
	return r
}

var (
	fillCurrentFields = []string{"outcome_side", "book_side", "count_fp", "yes_price_dollars", "no_price_dollars"}
	fillLegacyFields  = []string{"count", "yes_price", "no_price"}
)

// UnmarshalJSON decodes a fill in today's shape (count_fp, `*_dollars`,
// outcome_side/book_side) or the legacy one (integer count, cents, side and
// action, ts in Unix seconds). JSON null leaves f unchanged. A good fill
// is read in one pass, as Order.UnmarshalJSON reads an order.
func (f *Fill) UnmarshalJSON(b []byte) error {
	return decodeOne(b, f, (*fillIn).fill, (*Fill).decodeSlow)
}

// decodeSlow reads a fill field by field, naming the first field that is
// wrong.
func (f *Fill) decodeSlow(b []byte) error { return decodeFields(f, b, "fill", readFill) }

// readFill reads a fill's fields from ob, as readOrder reads an order's.
func readFill(ob *object) Fill {
	var r Fill
	r.TradeID = ob.str("trade_id")
	r.FillID = ob.str("fill_id")
	if r.FillID == "" {
		r.FillID = r.TradeID // the legacy name of the same ID
	}
	r.OrderID = ob.str("order_id")
	r.Ticker = ob.str("ticker")
	if r.Ticker == "" {
		r.Ticker = ob.str("market_ticker")
	}
	r.Side, r.Action, r.OutcomeSide, r.BookSide = ob.sideGroup()
	r.Count = ob.amount("count_fp", "count", false, true)
	r.YesPrice, r.NoPrice = ob.prices()
	r.IsTaker = ob.boolean("is_taker")
	if ob.has("fee_cost") {
		r.FeeCost, _ = ob.decimal("fee_cost", false)
	}
	r.CreatedTime = ob.timestamp("created_time")
	if r.CreatedTime.IsZero() {
		if ts, ok := ob.integer("ts", 1<<40); ok && ts > 0 {
			r.CreatedTime = time.Unix(ts, 0).UTC()
		}
	}
	r.Shape = ob.shape(fillCurrentFields, fillLegacyFields)
	return r
}

func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }

// kindOf names the JSON type of a raw value for error messages.
func kindOf(v []byte) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// describe renders a raw JSON value for an error: its type and a short,
// sanitized, quoted excerpt of its text.
func describe(v []byte) string {
	k := kindOf(v)
	switch k {
	case "an object", "an array", "nothing":
		return k
	}
	text := string(v)
	if v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			text = s
		}
	}
	return k + " " + textsafe.Quote(text, 24)
}

func cleanErr(err error) string {
	return textsafe.Short(err.Error(), 160)
}
