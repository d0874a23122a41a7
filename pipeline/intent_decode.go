package pipeline

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

// DecodeIntent decodes one intent reply body in either API shape, bare or
// wrapped as {"success":true,"intent":{...}}, {"order":{...}} or
// {"data":{...}}. Every field is optional and unknown fields are ignored;
// a known field of the wrong type is an *IntentFieldError naming it.
// Numbers are read exactly, never through float64.
func DecodeIntent(body []byte) (Intent, error) {
	return (&intentDecoder{scrub: func(s string) string { return s }}).decode(body)
}

// intentDecoder carries the scrubber that keeps credentials out of the
// value excerpts its errors quote.
type intentDecoder struct {
	scrub func(string) string
}

// intentKeys are the top-level fields of either shape; an object with none
// of them is not an intent.
var intentKeys = []string{
	"id", "status", "clientId", "action", "metadata", "createdAt",
	"balanceValidatedAt", "orderPlacedAt", "orderFilledAt", "txnFilledAt",
	"isComplete", "terminationReason", "transactionHash", "chainId",
}

// ErrNoIntent reports a reply that parsed but held no intent object.
var ErrNoIntent = errors.New("the reply holds no intent")

func (d *intentDecoder) decode(body []byte) (Intent, error) {
	top, err := d.intentObject(body)
	if err != nil {
		return Intent{}, err
	}
	return d.intent(top)
}

// intentObject parses body and returns the intent object in it, bare or
// in one of the envelopes DecodeIntent accepts.
func (d *intentDecoder) intentObject(body []byte) (jsonObject, error) {
	top, err := d.root(body)
	if err != nil {
		return jsonObject{}, err
	}
	if top.failed() {
		return jsonObject{}, serviceFailure(body, d.scrub)
	}
	if !top.hasAny(intentKeys) {
		for _, k := range []string{"intent", "order", "data"} {
			inner, ok, err := top.object(k)
			if err != nil {
				return jsonObject{}, err
			}
			if ok {
				top = inner
				top.path = "" // field names stay relative to the intent
				break
			}
		}
	}
	if !top.hasAny(intentKeys) {
		return jsonObject{}, ErrNoIntent
	}
	return top, nil
}

// failed reports whether the object says {"success":false}.
func (o jsonObject) failed() bool {
	raw, ok := o.m["success"]
	return ok && bytes.Equal(bytes.TrimSpace(raw), []byte("false"))
}

// root parses body as a JSON object.
func (d *intentDecoder) root(body []byte) (jsonObject, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return jsonObject{}, fmt.Errorf("the reply is JSON %s, not an intent object", ute.Value)
		}
		return jsonObject{}, notJSON(err)
	}
	if m == nil {
		return jsonObject{}, ErrNoIntent // the body was null
	}
	return jsonObject{m: m, d: d}, nil
}

func (d *intentDecoder) intent(o jsonObject) (Intent, error) {
	var in Intent
	var err error
	// set keeps the first field error; the rest of the fields are still
	// read, so a bad one never hides behind a missing one.
	set := func(e error) {
		if err == nil {
			err = e
		}
	}
	intentFields(o, &in, set)
	txHash, e := o.str("transactionHash")
	set(e)
	chainTop, e := o.integer("chainId")
	set(e)
	hasMeta, chainMeta := intentMetadata(o, &in, set)
	if in.TxHash == "" {
		in.TxHash = txHash
	}
	current, legacyAct, chainAct := intentAction(o, &in, set)
	in.ChainID = firstNonZero(chainTop, chainMeta, chainAct)
	if err != nil {
		return Intent{}, err
	}
	in.Shape = intentShape(o, in.Status, current, hasMeta || legacyAct)
	return in, nil
}

// intentFields reads the top-level fields both API shapes share: the IDs,
// the status and the stage timestamps.
func intentFields(o jsonObject, in *Intent, set func(error)) {
	var e error
	in.ID, e = o.idText("id")
	set(e)
	in.ClientID, e = o.idText("clientId")
	set(e)
	var st string
	st, e = o.str("status")
	set(e)
	in.Status = Status(st)
	in.IsComplete, e = o.boolean("isComplete")
	set(e)
	in.TerminationReason, e = o.str("terminationReason")
	set(e)
	for _, f := range []struct {
		key string
		dst *time.Time
	}{
		{"createdAt", &in.CreatedAt},
		{"balanceValidatedAt", &in.BalanceValidatedAt},
		{"orderPlacedAt", &in.OrderPlacedAt},
		{"orderFilledAt", &in.OrderFilledAt},
		{"txnFilledAt", &in.TxnFilledAt},
	} {
		*f.dst, e = o.timestamp(f.key)
		set(e)
	}
}

// intentMetadata reads the older API's metadata object, where the Kalshi
// order and the on-chain transaction are named; has reports that it was
// there, chain is metadata.chainId.
func intentMetadata(o jsonObject, in *Intent, set func(error)) (has bool, chain int64) {
	meta, has, e := o.object("metadata")
	set(e)
	if !has {
		return false, 0
	}
	in.KalshiOrderID, e = meta.idText("kalshiOrderId")
	set(e)
	in.KalshiOrderStatus, e = meta.str("kalshiOrderStatus")
	set(e)
	fc, ok, e := meta.count("kalshiFillCount")
	set(e)
	if ok {
		in.KalshiFillCount = &fc
	}
	in.TxHash, e = meta.str("txHash")
	set(e)
	chain, e = meta.integer("chainId")
	set(e)
	return true, chain
}

// intentAction reads the action object in either shape: current reports
// the newer one, legacy an action with the older one's fields, chain is
// action.chainId.
func intentAction(o jsonObject, in *Intent, set func(error)) (current, legacy bool, chain int64) {
	act, has, e := o.object("action")
	set(e)
	if !has {
		return false, false, 0
	}
	current, chain = decodeAction(act, in, set)
	legacy = !current && act.hasAny([]string{"type", "data", "marketId", "quantity", "price", "quoteAmount"})
	return current, legacy, chain
}

// intentShape says which API shape a reply was in, from the fields only
// one of them has; ShapeUnknown when nothing tells.
func intentShape(o jsonObject, st Status, currentAction, legacyParts bool) Shape {
	switch {
	case currentAction || o.has("clientId") || o.has("transactionHash") || st == StatusExecuting:
		return ShapeCurrent
	case legacyParts || o.hasAny([]string{"balanceValidatedAt", "orderPlacedAt", "orderFilledAt", "txnFilledAt"}) ||
		st == StatusPlaced || st == StatusFilled || st == StatusTxnFilled:
		return ShapeLegacy
	}
	return ShapeUnknown
}

// decodeAction reads either action shape into in. current reports the
// newer shape (action.order); chain is action.chainId.
func decodeAction(act jsonObject, in *Intent, set func(error)) (current bool, chain int64) {
	var e error
	chain, e = act.integer("chainId")
	set(e)
	order, isCurrent, e := act.object("order")
	set(e)
	if isCurrent {
		decodeCurrentAction(act, order, in, set)
	} else {
		decodeLegacyAction(act, in, set)
	}
	return isCurrent, chain
}

// decodeCurrentAction reads the newer action:
// action{orderType:"MarketOrder", order{...}}.
func decodeCurrentAction(act, order jsonObject, in *Intent, set func(error)) {
	var e error
	in.ActionType, e = act.str("orderType")
	set(e)
	in.OrderType, e = order.str("orderType")
	set(e)
	if market, ok := nested(order, set, "baseToken", "data"); ok {
		decodeMarket(market, in, set)
	}
	in.Quantity, _, e = order.count("baseQuantity")
	set(e)
	in.QuoteAmount, _, e = order.count("maxQuoteQuantityIn")
	set(e)
}

// decodeLegacyAction reads the older action: action{type, marketId, ...}
// or the create-order form action{type, data{marketId, ...}}.
func decodeLegacyAction(act jsonObject, in *Intent, set func(error)) {
	var e error
	in.ActionType, e = act.str("type")
	set(e)
	if in.ActionType == "" {
		in.ActionType, e = act.str("intentType") // withdraw intents
		set(e)
	}
	fields := act
	if data, ok := nested(act, set, "data"); ok {
		fields = data
	}
	decodeMarket(fields, in, set)
	in.OrderType, e = fields.str("orderType")
	set(e)
	in.Quantity, _, e = fields.count("quantity")
	set(e)
	in.PriceCents, _, e = fields.count("price")
	set(e)
	in.QuoteAmount, _, e = fields.count("quoteAmount")
	set(e)
}

// decodeMarket reads the market and side, which both action shapes name
// marketId and side in the object that describes the market.
func decodeMarket(o jsonObject, in *Intent, set func(error)) {
	var e error
	in.MarketID, e = o.str("marketId")
	set(e)
	in.Side, e = o.str("side")
	set(e)
}

// nested follows keys down through nested objects and returns the last
// one; ok is false when one of them is absent or null, or not an object,
// which is handed to set.
func nested(o jsonObject, set func(error), keys ...string) (jsonObject, bool) {
	for _, k := range keys {
		inner, ok, e := o.object(k)
		if e != nil {
			set(e)
		}
		if !ok {
			return jsonObject{}, false
		}
		o = inner
	}
	return o, true
}

func firstNonZero(vs ...int64) int64 {
	for _, v := range vs {
		if v != 0 {
			return v
		}
	}
	return 0
}

// jsonObject is one decoded JSON object whose fields are read lazily, so
// each read can name the field when its type is wrong.
type jsonObject struct {
	path string
	m    map[string]json.RawMessage
	d    *intentDecoder
}

func (o jsonObject) has(key string) bool {
	_, ok := o.m[key]
	return ok
}

func (o jsonObject) hasAny(keys []string) bool {
	for _, k := range keys {
		if o.has(k) {
			return true
		}
	}
	return false
}

func (o jsonObject) field(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// raw returns the field's JSON with surrounding space trimmed, or nil when
// the field is absent or null.
func (o jsonObject) raw(key string) json.RawMessage {
	r := bytes.TrimSpace(o.m[key])
	if len(r) == 0 || string(r) == "null" {
		return nil
	}
	return r
}

// kind names a JSON value's type from its first byte.
func kind(r json.RawMessage) string {
	switch r[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

func (o jsonObject) wrongType(key, want string, r json.RawMessage) error {
	return &IntentFieldError{Field: o.field(key), Problem: "want " + want + ", got " + kind(r)}
}

// badValue reports an unreadable value, quoting a short, cleaned and
// scrubbed excerpt of it.
func (o jsonObject) badValue(key, what, val string) error {
	v := textsafe.Truncate(o.d.scrub(textsafe.Clean(val)), 32)
	return &IntentFieldError{Field: o.field(key), Problem: fmt.Sprintf("%q is not %s", v, what)}
}

// object returns the field as an object; ok is false when absent or null.
func (o jsonObject) object(key string) (jsonObject, bool, error) {
	r := o.raw(key)
	if r == nil {
		return jsonObject{}, false, nil
	}
	if r[0] != '{' {
		return jsonObject{}, false, o.wrongType(key, "an object", r)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r, &m); err != nil {
		return jsonObject{}, false, o.wrongType(key, "an object", r)
	}
	return jsonObject{path: o.field(key), m: m, d: o.d}, true, nil
}

// str returns a string field verbatim; absent and null give "".
func (o jsonObject) str(key string) (string, error) {
	r := o.raw(key)
	if r == nil {
		return "", nil
	}
	if r[0] != '"' {
		return "", o.wrongType(key, "a string", r)
	}
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return "", o.wrongType(key, "a string", r)
	}
	return s, nil
}

// idText returns an identifier that may arrive as a string or, from a
// service that numbers its rows, as a JSON integer.
func (o jsonObject) idText(key string) (string, error) {
	r := o.raw(key)
	if r != nil && r[0] != '"' && kind(r) == "a number" {
		return string(r), nil
	}
	s, err := o.str(key)
	if err != nil {
		return "", o.wrongType(key, "a string or number", r)
	}
	return s, nil
}

func (o jsonObject) boolean(key string) (bool, error) {
	r := o.raw(key)
	switch string(r) {
	case "":
		return false, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, o.wrongType(key, "a boolean", r)
}

// decimal reads a JSON number or numeric string exactly; ok is false when
// the field is absent, null or "".
func (o jsonObject) decimal(key string) (v fixed.Decimal, ok bool, err error) {
	r := o.raw(key)
	if r == nil {
		return fixed.Decimal{}, false, nil
	}
	text := string(r)
	switch r[0] {
	case '"':
		if text, err = o.str(key); err != nil {
			return fixed.Decimal{}, false, err
		}
		if text == "" {
			return fixed.Decimal{}, false, nil
		}
	case '{', '[', 't', 'f':
		return fixed.Decimal{}, false, o.wrongType(key, "a number or numeric string", r)
	}
	v, err = fixed.Parse(text)
	if err != nil {
		return fixed.Decimal{}, false, o.badValue(key, "an exact decimal number", text)
	}
	return v, true, nil
}

// count reads a quantity, price or fill count: a decimal that cannot be
// negative. A negative one is refused rather than shown, because every
// sum and comparison made with it (fills against Kalshi's, locked funds)
// would be wrong in a way that looks plausible.
func (o jsonObject) count(key string) (fixed.Decimal, bool, error) {
	v, ok, err := o.decimal(key)
	if err == nil && ok && v.Sign() < 0 {
		return fixed.Decimal{}, false, &IntentFieldError{Field: o.field(key), Problem: "negative value " + v.String()}
	}
	return v, ok, err
}

// integer reads a JSON integer or an integer string, such as a chain ID.
func (o jsonObject) integer(key string) (int64, error) {
	r := o.raw(key)
	if r == nil {
		return 0, nil
	}
	text := string(r)
	switch r[0] {
	case '"':
		var err error
		if text, err = o.str(key); err != nil {
			return 0, err
		}
		if text == "" {
			return 0, nil
		}
	case '{', '[', 't', 'f':
		return 0, o.wrongType(key, "an integer", r)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, o.badValue(key, "an integer", text)
	}
	return n, nil
}

// timeLayouts are the ISO 8601 forms a JavaScript or SQL backend prints;
// layouts without a zone are read as UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// timestamp reads an ISO 8601 string; absent, null and "" give the zero
// time.
func (o jsonObject) timestamp(key string) (time.Time, error) {
	s, err := o.str(key)
	if err != nil {
		return time.Time{}, o.wrongType(key, "an ISO 8601 time string", o.raw(key))
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, o.badValue(key, "an ISO 8601 time", s)
}
