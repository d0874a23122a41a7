package kalshi

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"ordermon/internal/fixed"
	"ordermon/internal/textsafe"
)

// The WebSocket's message types (the "type" of a frame) that the Stream
// reads. Every other type is ignored.
const (
	msgUserOrder    = "user_order"
	msgFill         = "fill"
	msgTicker       = "ticker"
	msgSubscribed   = "subscribed"
	msgOK           = "ok"
	msgUnsubscribed = "unsubscribed"
	msgError        = "error"
)

// maxErrorText bounds, in runes, the message of an error frame.
const maxErrorText = 200

// frame is one decoded WebSocket message. Exactly one of order, fill,
// ticker and reply is set for the types the Stream reads; none for a type
// it ignores.
type frame struct {
	typ    string
	id     int64 // the command this answers; 0 when none
	sid    int64 // the subscription it belongs to; 0 when none
	sentAt time.Time
	order  *Order
	fill   *Fill
	ticker *Ticker
	reply  *reply
}

// reply is the body of a control message: subscribed, ok, unsubscribed or
// error.
type reply struct {
	channel string // subscribed: the channel the new subscription carries
	sid     int64  // subscribed: the new subscription's ID
	// markets is the full market filter after an update (ok), when Kalshi
	// listed it.
	markets    []string
	hasMarkets bool
	// subs is the list form of ok, the answer to list_subscriptions.
	subs []listedSub
	// code and text describe an error; text is sanitized.
	code int
	text string
}

// listedSub is one entry of the list form of an ok message.
type listedSub struct {
	Channel string `json:"channel"`
	SID     int64  `json:"sid"`
}

// Terminal reports whether an error code ends its subscription, so the
// client must subscribe again: 10 (channel error) and 25 (subscription
// buffer overflow).
func terminalCode(code int) bool { return code == 10 || code == 25 }

// rawValue keeps the bytes of a JSON value as they are in the frame,
// without the copy json.RawMessage makes; the frame outlives the decode.
type rawValue []byte

// UnmarshalJSON keeps b.
func (r *rawValue) UnmarshalJSON(b []byte) error {
	*r = b
	return nil
}

// frameIn is the envelope every message shares. sending_ts_ms is not in
// Kalshi's AsyncAPI document (2.0.0); it is read here, and inside msg, for
// when Kalshi sends it.
type frameIn struct {
	Type        wireString `json:"type"`
	ID          wireInt    `json:"id"`
	SID         wireInt    `json:"sid"`
	SendingTsMs wireInt    `json:"sending_ts_ms"`
	Msg         rawValue   `json:"msg"`
}

// decodeFrame reads one text frame. An error means the frame could not be
// read; the connection is still good.
func decodeFrame(b []byte) (frame, error) {
	var env frameIn
	if err := json.Unmarshal(b, &env); err != nil || env.Type.bad {
		return frame{}, &DecodeError{Object: "message", Problem: "not a message object: " + describe(b)}
	}
	var c conv
	f := frame{typ: env.Type.s}
	f.id, _ = c.integer(env.ID, 1<<53)
	f.sid, _ = c.integer(env.SID, 1<<53)
	f.sentAt, _ = c.millis(env.SendingTsMs)
	if c.bad {
		return frame{}, &DecodeError{Object: "message", Problem: "id, sid or sending_ts_ms is not an integer"}
	}
	var err error
	switch f.typ {
	case msgUserOrder:
		f.order, err = decodePushed[userOrderIn](env.Msg, "user_order", (*userOrderIn).order, &f.sentAt)
	case msgFill:
		f.fill, err = decodePushed[fillPushIn](env.Msg, "fill", (*fillPushIn).fill, &f.sentAt)
	case msgTicker:
		f.ticker, err = decodePushed[tickerIn](env.Msg, "ticker", (*tickerIn).ticker, &f.sentAt)
	case msgSubscribed, msgOK, msgUnsubscribed, msgError:
		f.reply, err = decodeReplyMsg(f.typ, env.Msg)
	}
	return f, err
}

// pushIn is what every pushed payload can carry besides its own fields.
type pushIn struct {
	SendingTsMs wireInt `json:"sending_ts_ms"`
}

// sentAt is the payload's sending_ts_ms, if it has one.
func (p *pushIn) sentAt() (time.Time, bool) {
	var c conv
	t, ok := c.millis(p.SendingTsMs)
	return t, ok && !c.bad
}

// decodePushed reads the msg of a data message with convert; sentAt is
// set from the payload's own sending_ts_ms when the envelope had none.
func decodePushed[W any, T any, P interface {
	*W
	sentAt() (time.Time, bool)
}](msg rawValue, name string, convert func(*W) (T, bool), sentAt *time.Time) (*T, error) {
	if len(msg) == 0 || msg[0] != '{' {
		return nil, &DecodeError{Object: name, Problem: "want a JSON object, got " + kindOf(msg)}
	}
	var w W
	if json.Unmarshal(msg, &w) == nil {
		if v, ok := convert(&w); ok {
			if t, ok := P(&w).sentAt(); ok && sentAt.IsZero() {
				*sentAt = t
			}
			return &v, nil
		}
	}
	return nil, pushError(name, msg)
}

// pushError names what is wrong with a pushed payload the fast decoder
// refused: the slow decoder's field error for the fields REST shares, or a
// plainer one for the fields only the WebSocket sends.
func pushError(name string, msg []byte) error {
	var err error
	switch name {
	case "user_order":
		err = new(Order).decodeSlow(msg)
	case "fill":
		err = new(Fill).decodeSlow(msg)
	}
	var de *DecodeError
	if errors.As(err, &de) {
		d := *de
		d.Object = name
		return &d
	}
	return &DecodeError{Object: name, Problem: "a field has the wrong type or an impossible value"}
}

// millis reads a Unix time in milliseconds; an absent or null field is not
// set, and a value outside years 1970 to about 37000 is bad.
func (c *conv) millis(w wireInt) (time.Time, bool) {
	n, ok := c.integer(w, 1<<50)
	if !ok {
		return time.Time{}, false
	}
	if n < 0 {
		c.bad = true
		return time.Time{}, false
	}
	return time.UnixMilli(n).UTC(), true
}

// noPrice is the no price a yes price implies: contracts pay one dollar.
func noPrice(yes fixed.Decimal) fixed.Decimal { return fixed.FromInt(1).Sub(yes) }

// userOrderIn is the msg of a user_order message: the REST order's fields
// (in either shape) and the WebSocket's own.
type userOrderIn struct {
	orderIn
	pushIn
	CreatedTsMs     wireInt `json:"created_ts_ms"`
	LastUpdatedTsMs wireInt `json:"last_updated_ts_ms"`
	ExpirationTsMs  wireInt `json:"expiration_ts_ms"`
}

// order converts a pushed order as REST's are converted, then applies what
// only the push carries: the millisecond times win over the deprecated RFC
// 3339 ones, and the no price, which the push leaves out, is one dollar
// less the yes price. The deprecated is_yes is not read: without an action
// it does not say which outcome the order is for, and REST's rule is not
// to guess.
func (w *userOrderIn) order() (Order, bool) {
	o, ok := w.orderIn.order()
	var c conv
	for _, t := range []struct {
		ms  wireInt
		dst *time.Time
	}{{w.CreatedTsMs, &o.CreatedTime}, {w.LastUpdatedTsMs, &o.LastUpdateTime}, {w.ExpirationTsMs, &o.ExpirationTime}} {
		if v, set := c.millis(t.ms); set {
			*t.dst = v
		}
	}
	o.NoPrice = w.pushedNo(o.YesPrice, o.NoPrice)
	return o, ok && !c.bad
}

// fillPushIn is the msg of a fill message.
type fillPushIn struct {
	fillIn
	pushIn
	ClientOrderID  wireString  `json:"client_order_id"`
	ExchangeIndex  wireInt     `json:"exchange_index"`
	PostPositionFP wireDecimal `json:"post_position_fp"`
	PurchasedSide  wireString  `json:"purchased_side"`
	TsMs           wireInt     `json:"ts_ms"`
	Subaccount     wireInt     `json:"subaccount"`
}

// fill converts a pushed fill as REST's are converted, then applies what
// only the push carries; ts_ms wins over the deprecated created time and
// ts, and the no price is derived from the yes price.
func (w *fillPushIn) fill() (Fill, bool) {
	f, ok := w.fillIn.fill()
	var c conv
	f.ClientOrderID = c.str(w.ClientOrderID)
	if n, set := c.integer(w.ExchangeIndex, 1<<31-1); set {
		f.ExchangeIndex = int(n)
	}
	if p := c.intPtr(w.Subaccount); p != nil {
		f.SubaccountNumber = p
	}
	if w.PostPositionFP.set {
		f.PostPosition = c.decimal(w.PostPositionFP, false)
	}
	if t, set := c.millis(w.TsMs); set {
		f.CreatedTime = t
	}
	c.str(w.PurchasedSide)
	f.NoPrice = w.pushedNo(f.YesPrice, f.NoPrice)
	return f, ok && !c.bad
}

// tickerIn is the msg of a ticker message, in today's shape or the legacy
// one (cents and whole contracts).
type tickerIn struct {
	pushIn
	MarketID     wireString  `json:"market_id"`
	MarketTicker wireString  `json:"market_ticker"`
	PriceDollars wireDecimal `json:"price_dollars"`
	bidAskIn
	VolumeFP           wireDecimal `json:"volume_fp"`
	OpenInterestFP     wireDecimal `json:"open_interest_fp"`
	YesBidSizeFP       wireDecimal `json:"yes_bid_size_fp"`
	YesAskSizeFP       wireDecimal `json:"yes_ask_size_fp"`
	LastTradeSizeFP    wireDecimal `json:"last_trade_size_fp"`
	Price              wireInt     `json:"price"`
	Volume             wireInt     `json:"volume"`
	OpenInterest       wireInt     `json:"open_interest"`
	DollarVolume       wireInt     `json:"dollar_volume"`
	DollarOpenInterest wireInt     `json:"dollar_open_interest"`
	Ts                 wireInt     `json:"ts"`
	TsMs               wireInt     `json:"ts_ms"`
	Time               wireTime    `json:"time"`
}

// ticker converts a ticker message; the time is ts_ms, else the
// deprecated ts (seconds), else the deprecated RFC 3339 time.
func (w *tickerIn) ticker() (Ticker, bool) {
	var c conv
	t := Ticker{
		MarketTicker:  c.str(w.MarketTicker),
		MarketID:      c.str(w.MarketID),
		LastPrice:     c.amount(w.PriceDollars, w.Price, true, true),
		Volume:        c.amount(w.VolumeFP, w.Volume, false, true),
		OpenInterest:  c.amount(w.OpenInterestFP, w.OpenInterest, false, true),
		YesBidSize:    c.decimal(w.YesBidSizeFP, true),
		YesAskSize:    c.decimal(w.YesAskSizeFP, true),
		LastTradeSize: c.decimal(w.LastTradeSizeFP, true),
		Time:          c.time(w.Time),
	}
	t.YesBid, t.YesAsk = w.read(&c)
	t.DollarVolume, _ = c.integer(w.DollarVolume, maxLegacyInt)
	t.DollarOpenInterest, _ = c.integer(w.DollarOpenInterest, maxLegacyInt)
	if s, set := c.integer(w.Ts, 1<<40); set && s > 0 {
		t.Time = time.Unix(s, 0).UTC()
	}
	if ms, set := c.millis(w.TsMs); set {
		t.Time = ms
	}
	t.Shape = shapeFrom(w.vocab(), vocab{cur: w.PriceDollars.set || w.VolumeFP.set, leg: w.Price.set || w.Volume.set})
	return t, !c.bad
}

// decodeReplyMsg reads the msg of a control message.
func decodeReplyMsg(typ string, msg rawValue) (*reply, error) {
	r := &reply{}
	var err error
	switch {
	case typ == msgUnsubscribed:
		// Everything it says is in the envelope.
	case typ == msgOK && len(msg) > 0 && msg[0] == '[':
		err = json.Unmarshal(msg, &r.subs)
	case typ == msgOK:
		var m struct {
			MarketTickers *[]string `json:"market_tickers"`
		}
		if err = unmarshalOptional(msg, &m); err == nil && m.MarketTickers != nil {
			r.markets, r.hasMarkets = *m.MarketTickers, true
		}
	case typ == msgSubscribed:
		var m struct {
			Channel string `json:"channel"`
			SID     int64  `json:"sid"`
		}
		err = unmarshalOptional(msg, &m)
		r.channel, r.sid = m.Channel, m.SID
	case typ == msgError:
		var m struct {
			Code int    `json:"code"`
			Msg  string `json:"msg"`
		}
		err = unmarshalOptional(msg, &m)
		r.code, r.text = m.Code, textsafe.Short(m.Msg, maxErrorText)
	}
	if err != nil {
		return nil, &DecodeError{Object: typ + " message", Field: "msg", Problem: cleanErr(err)}
	}
	return r, nil
}

// unmarshalOptional decodes msg into v; an absent msg leaves v as it is.
func unmarshalOptional(msg rawValue, v any) error {
	if len(msg) == 0 {
		return nil
	}
	return json.Unmarshal(msg, v)
}

// codeText names an error code of Kalshi's WebSocket, for messages.
func codeText(code int) string {
	if s, ok := errorCodes[code]; ok {
		return strconv.Itoa(code) + " " + s
	}
	return strconv.Itoa(code)
}

// errorCodes are the error codes Kalshi's AsyncAPI document lists.
var errorCodes = map[int]string{
	1: "unable to process message", 2: "params required", 3: "channels required",
	4: "subscription IDs required", 5: "unknown command", 7: "unknown subscription ID",
	8: "unknown channel name", 9: "authentication required", 10: "channel error",
	11: "invalid parameter", 12: "exactly one subscription ID is required", 13: "unsupported action",
	14: "market ticker required", 15: "action required", 18: "command timeout",
	19: "shard_factor must be > 0", 20: "shard_factor is required when shard_key is set",
	21: "shard_key must be >= 0 and < shard_factor", 22: "shard_factor must be <= 100",
	23: "match IDs required", 24: "index IDs required", 25: "subscription buffer overflow",
	26: "subscription market limit exceeded", 27: "too many requests", 28: "underlying tickers required",
}
