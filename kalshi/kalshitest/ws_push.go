package kalshitest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"ordermon/internal/fixed"
)

// wsEnvelope is every message the exchange sends. sending_ts_ms is not in
// Kalshi's AsyncAPI document; the exchange sends it on pushed messages
// unless told not to (SetSendingTimestamps), so clients can be tested
// both ways.
type wsEnvelope struct {
	ID          int64  `json:"id,omitempty"`
	Type        string `json:"type"`
	SID         int64  `json:"sid,omitempty"`
	Seq         int64  `json:"seq,omitempty"`
	Msg         any    `json:"msg,omitempty"`
	SendingTsMs int64  `json:"sending_ts_ms,omitempty"`
}

func wsFrame(e wsEnvelope) []byte { return mustJSON(e) }

func wsErrorFrame(id, sid int64, code int, msg string) []byte {
	return wsFrame(wsEnvelope{ID: id, SID: sid, Type: "error", Msg: map[string]any{"code": code, "msg": msg}})
}

// wsUserOrder is the msg of a user_order message (AsyncAPI
// userOrderPayload): the REST order's identity and fixed-point fields but
// no no_price, type or action, and times in both RFC 3339 (deprecated) and
// Unix milliseconds.
type wsUserOrder struct {
	orderIdentity
	orderFixedShared
	IsYes                   bool    `json:"is_yes"`
	OrderGroupID            string  `json:"order_group_id,omitempty"`
	SelfTradePreventionType string  `json:"self_trade_prevention_type,omitempty"`
	CreatedTime             *string `json:"created_time"`
	CreatedTsMs             *int64  `json:"created_ts_ms"`
	LastUpdateTime          *string `json:"last_update_time,omitempty"`
	LastUpdatedTsMs         *int64  `json:"last_updated_ts_ms,omitempty"`
	ExpirationTime          *string `json:"expiration_time,omitempty"`
	ExpirationTsMs          *int64  `json:"expiration_ts_ms,omitempty"`
	LastUpdateReason        string  `json:"last_update_reason,omitempty"`
}

func encodeUserOrder(o OrderState) wsUserOrder {
	id := encodeOrderIdentity(o)
	return wsUserOrder{
		orderIdentity: id, orderFixedShared: encodeOrderFixedShared(o),
		IsYes: id.Side == "yes", OrderGroupID: o.OrderGroupID,
		SelfTradePreventionType: o.SelfTradePreventionType,
		CreatedTime:             timePtr(o.CreatedTime), CreatedTsMs: millisPtr(o.CreatedTime),
		LastUpdateTime: timePtr(o.LastUpdateTime), LastUpdatedTsMs: millisPtr(o.LastUpdateTime),
		ExpirationTime: timePtr(o.ExpirationTime), ExpirationTsMs: millisPtr(o.ExpirationTime),
		LastUpdateReason: o.LastUpdateReason,
	}
}

// wsFill is the msg of a fill message (AsyncAPI fillPayload).
type wsFill struct {
	TradeID         string `json:"trade_id"`
	OrderID         string `json:"order_id"`
	ClientOrderID   string `json:"client_order_id"`
	MarketTicker    string `json:"market_ticker"`
	ExchangeIndex   int    `json:"exchange_index"`
	IsTaker         bool   `json:"is_taker"`
	Side            string `json:"side"`
	YesPriceDollars string `json:"yes_price_dollars"`
	CountFP         string `json:"count_fp"`
	FeeCost         string `json:"fee_cost"`
	Action          string `json:"action"`
	Ts              int64  `json:"ts"`
	TsMs            int64  `json:"ts_ms"`
	PostPositionFP  string `json:"post_position_fp"`
	PurchasedSide   string `json:"purchased_side"`
	OutcomeSide     string `json:"outcome_side"`
	BookSide        string `json:"book_side"`
	Subaccount      int    `json:"subaccount"`
}

// wsTicker is the msg of a ticker message (AsyncAPI tickerPayload). The
// exchange keeps no sizes or volume, so those are zero.
type wsTicker struct {
	MarketID           string `json:"market_id"`
	MarketTicker       string `json:"market_ticker"`
	PriceDollars       string `json:"price_dollars"`
	YesBidDollars      string `json:"yes_bid_dollars"`
	YesAskDollars      string `json:"yes_ask_dollars"`
	VolumeFP           string `json:"volume_fp"`
	OpenInterestFP     string `json:"open_interest_fp"`
	DollarVolume       int64  `json:"dollar_volume"`
	DollarOpenInterest int64  `json:"dollar_open_interest"`
	YesBidSizeFP       string `json:"yes_bid_size_fp"`
	YesAskSizeFP       string `json:"yes_ask_size_fp"`
	LastTradeSizeFP    string `json:"last_trade_size_fp"`
	Ts                 int64  `json:"ts"`
	TsMs               int64  `json:"ts_ms"`
	Time               string `json:"time"`
}

func (x *Exchange) encodeTicker(m MarketState) wsTicker {
	now := x.now()
	zero := count(fixed.Decimal{})
	return wsTicker{
		MarketID: marketID(m.Ticker), MarketTicker: m.Ticker,
		PriceDollars: dollars(m.LastPrice), YesBidDollars: dollars(m.YesBid), YesAskDollars: dollars(m.YesAsk),
		VolumeFP: zero, OpenInterestFP: zero, YesBidSizeFP: zero, YesAskSizeFP: zero, LastTradeSizeFP: zero,
		Ts: now.Unix(), TsMs: now.UnixMilli(), Time: formatTime(now),
	}
}

// marketID makes a stable UUID-shaped market ID from a ticker.
func marketID(ticker string) string {
	h := sha256.Sum256([]byte(ticker))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func millisPtr(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}

// pushLocked sends a message of channel about market to every
// subscription that carries it. x.mu must be held.
func (x *Exchange) pushLocked(channel, market, typ string, msg any) {
	if x.ws.muted > 0 || len(x.ws.conns) == 0 {
		return
	}
	var sent int64
	if !x.ws.noSentTS {
		sent = x.now().UnixMilli()
	}
	for conn := range x.ws.conns {
		for sid, s := range conn.subs {
			if s.channel == channel && (s.all || s.markets[market]) {
				x.sendLocked(conn, wsFrame(wsEnvelope{Type: typ, SID: sid, Msg: msg, SendingTsMs: sent}))
			}
		}
	}
}

// pushOrderLocked pushes an order's state as a user_order message.
func (x *Exchange) pushOrderLocked(id string) {
	if e, ok := x.state.orders[id]; ok {
		x.pushLocked("user_orders", e.Ticker, "user_order", encodeUserOrder(e.OrderState))
	}
}

// pushFillLocked pushes a fill, with the position in its market after it.
func (x *Exchange) pushFillLocked(f FillState) {
	var position fixed.Decimal
	for _, g := range x.state.fills {
		switch {
		case g.Ticker != f.Ticker:
		case g.OutcomeSide == "no":
			position = position.Sub(g.Count)
		default:
			position = position.Add(g.Count)
		}
	}
	side := legacySide(f.OutcomeSide, f.Action)
	x.pushLocked("fill", f.Ticker, "fill", wsFill{
		TradeID: f.FillID, OrderID: f.OrderID, MarketTicker: f.Ticker, IsTaker: f.IsTaker,
		Side: side, YesPriceDollars: dollars(f.YesPrice), CountFP: count(f.Count), FeeCost: dollars(f.Fee),
		Action: f.Action, Ts: f.CreatedTime.Unix(), TsMs: f.CreatedTime.UnixMilli(),
		PostPositionFP: count(position), PurchasedSide: side,
		OutcomeSide: f.OutcomeSide, BookSide: bookSide(f.OutcomeSide),
		ClientOrderID: x.clientOrderIDLocked(f.OrderID),
	})
}

func (x *Exchange) clientOrderIDLocked(orderID string) string {
	if e, ok := x.state.orders[orderID]; ok {
		return e.ClientOrderID
	}
	return ""
}

// pushTickerLocked pushes a market's prices.
func (x *Exchange) pushTickerLocked(m MarketState) {
	x.pushLocked("ticker", m.Ticker, "ticker", x.encodeTicker(m))
}

// snapshotLocked sends one subscription the current prices of markets, as
// Kalshi does for send_initial_snapshot.
func (x *Exchange) snapshotLocked(conn *wsConn, sid int64, markets []string) {
	for _, t := range markets {
		if m, ok := x.state.markets[t]; ok {
			x.sendLocked(conn, wsFrame(wsEnvelope{Type: "ticker", SID: sid, Msg: x.encodeTicker(m)}))
		}
	}
}

// MovePrice changes a market's prices (yes bid, yes ask and last trade),
// which REST reads serve and the ticker channel pushes.
func (x *Exchange) MovePrice(ticker string, yesBid, yesAsk, last fixed.Decimal) {
	x.mu.Lock()
	defer x.mu.Unlock()
	m := x.state.markets[ticker]
	m.Ticker, m.YesBid, m.YesAsk, m.LastPrice = ticker, yesBid, yesAsk, last
	x.state.markets[ticker] = m
	x.pushTickerLocked(m)
}

// PushError sends an error message to every subscription to channel, as
// Kalshi does when one fails. A terminal code (WSErrChannelError,
// WSErrOverflow) ends the subscription, so the client must subscribe
// again.
func (x *Exchange) PushError(channel string, code int, msg string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for conn := range x.ws.conns {
		for sid, s := range conn.subs {
			if s.channel != channel {
				continue
			}
			x.sendLocked(conn, wsErrorFrame(0, sid, code, msg))
			if code == WSErrChannelError || code == WSErrOverflow {
				delete(conn.subs, sid)
			}
		}
	}
	x.ws.sig.Broadcast()
}

// PushRaw sends b, as it is, to every connection: for messages of types
// the client does not know, hostile text, or oversized frames.
func (x *Exchange) PushRaw(b []byte) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for conn := range x.ws.conns {
		x.sendLocked(conn, append([]byte(nil), b...))
	}
}

// PushJSON sends v, encoded, to every connection.
func (x *Exchange) PushJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic("kalshitest: PushJSON: " + err.Error())
	}
	x.PushRaw(b)
}
