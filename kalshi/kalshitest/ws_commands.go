package kalshitest

import (
	"encoding/json"
	"slices"
)

// Kalshi's WebSocket error codes that the exchange sends (AsyncAPI 2.0.0).
const (
	WSErrProcess       = 1  // unable to process message
	WSErrParams        = 2  // params required
	WSErrChannels      = 3  // channels required
	WSErrSIDs          = 4  // subscription IDs required
	WSErrCommand       = 5  // unknown command
	WSErrUnknownSID    = 7  // unknown subscription ID
	WSErrChannel       = 8  // unknown channel name
	WSErrChannelError  = 10 // channel error: terminal, the subscription ends
	WSErrParam         = 11 // invalid parameter
	WSErrOneSID        = 12 // exactly one subscription ID is required
	WSErrAction        = 13 // unsupported action
	WSErrMarket        = 14 // market ticker required
	WSErrActionMissing = 15 // action required
	WSErrOverflow      = 25 // subscription buffer overflow: terminal
)

// wsChannels are the channel names Kalshi accepts in subscribe. The
// exchange pushes on user_orders, fill and ticker; the others subscribe
// and stay quiet.
var wsChannels = []string{"orderbook_delta", "ticker", "trade", "fill", "market_positions", "market_lifecycle_v2",
	"multivariate_market_lifecycle", "communications", "order_group_updates", "user_orders",
	"cfbenchmarks_value", "cfbenchmarks_value_5hz", "pyth_value"}

// wsCommand is a client's message.
type wsCommand struct {
	ID     int64           `json:"id"`
	Cmd    string          `json:"cmd"`
	Params json.RawMessage `json:"params"`
}

// wsParams are the parameters of subscribe, update_subscription and
// unsubscribe.
type wsParams struct {
	Channels            []string `json:"channels"`
	MarketTicker        *string  `json:"market_ticker"`
	MarketTickers       []string `json:"market_tickers"`
	SID                 int64    `json:"sid"`
	SIDs                []int64  `json:"sids"`
	Action              string   `json:"action"`
	SendInitialSnapshot bool     `json:"send_initial_snapshot"`
}

// markets returns the market filter of p, or an error code when both forms
// were given.
func (p wsParams) markets() ([]string, int) {
	if p.MarketTicker != nil && p.MarketTickers != nil {
		return nil, WSErrParam
	}
	if p.MarketTicker != nil {
		return []string{*p.MarketTicker}, 0
	}
	return p.MarketTickers, 0
}

// command handles one client message.
func (x *Exchange) command(conn *wsConn, b []byte) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ws.commands++
	x.ws.sig.Broadcast()
	var cmd wsCommand
	if json.Unmarshal(b, &cmd) != nil {
		x.sendLocked(conn, wsErrorFrame(0, 0, WSErrProcess, "Unable to process message"))
		return
	}
	known := []string{"subscribe", "update_subscription", "unsubscribe", "list_subscriptions"}
	if !slices.Contains(known, cmd.Cmd) {
		x.sendLocked(conn, wsErrorFrame(cmd.ID, 0, WSErrCommand, "Unknown command"))
		return
	}
	var p wsParams
	if cmd.Cmd != "list_subscriptions" {
		if len(cmd.Params) == 0 || string(cmd.Params) == "null" || json.Unmarshal(cmd.Params, &p) != nil {
			x.sendLocked(conn, wsErrorFrame(cmd.ID, 0, WSErrParams, "Params required"))
			return
		}
	}
	switch cmd.Cmd {
	case "subscribe":
		x.subscribeLocked(conn, cmd.ID, p)
	case "update_subscription":
		x.updateLocked(conn, cmd.ID, p)
	case "unsubscribe":
		x.unsubscribeLocked(conn, cmd.ID, p)
	case "list_subscriptions":
		list := []map[string]any{}
		for _, s := range x.wsStatsLocked().Subscriptions {
			if conn.subs[s.SID] != nil {
				list = append(list, map[string]any{"channel": s.Channel, "sid": s.SID})
			}
		}
		x.sendLocked(conn, wsFrame(wsEnvelope{ID: cmd.ID, Type: "ok", Msg: list}))
	}
}

// subscribeLocked opens one subscription per channel, each answered with
// its own subscribed message; with send_initial_snapshot, ticker
// subscriptions then push the current prices of their markets.
func (x *Exchange) subscribeLocked(conn *wsConn, id int64, p wsParams) {
	markets, code := p.markets()
	switch {
	case code != 0:
		x.sendLocked(conn, wsErrorFrame(id, 0, code, "Invalid parameter"))
		return
	case len(p.Channels) == 0:
		x.sendLocked(conn, wsErrorFrame(id, 0, WSErrChannels, "Channels required"))
		return
	}
	for _, ch := range p.Channels {
		if !slices.Contains(wsChannels, ch) {
			x.sendLocked(conn, wsErrorFrame(id, 0, WSErrChannel, "Unknown channel name"))
			return
		}
	}
	for _, ch := range p.Channels {
		x.ws.nextSID++
		sid := x.ws.nextSID
		s := &wsSub{channel: ch, all: markets == nil, markets: map[string]bool{}}
		for _, m := range markets {
			s.markets[m] = true
		}
		conn.subs[sid] = s
		x.sendLocked(conn, wsFrame(wsEnvelope{ID: id, Type: "subscribed", Msg: map[string]any{"channel": ch, "sid": sid}}))
		if ch == "ticker" && p.SendInitialSnapshot {
			x.snapshotLocked(conn, sid, markets)
		}
	}
	x.ws.sig.Broadcast()
}

// updateLocked adds markets to, or deletes them from, one subscription,
// and answers ok with the full list after the update.
func (x *Exchange) updateLocked(conn *wsConn, id int64, p wsParams) {
	markets, code := p.markets()
	sid := p.SID
	switch {
	case code != 0:
	case p.SID != 0 && p.SIDs != nil, p.SID == 0 && len(p.SIDs) != 1:
		code = WSErrOneSID
	case p.Action == "":
		code = WSErrActionMissing
	case p.Action != "add_markets" && p.Action != "delete_markets":
		code = WSErrAction
	case len(markets) == 0:
		code = WSErrMarket
	}
	if sid == 0 && len(p.SIDs) == 1 {
		sid = p.SIDs[0]
	}
	s := conn.subs[sid]
	if code == 0 && (s == nil || s.all) {
		code = WSErrUnknownSID
		if s != nil {
			code = WSErrParam // a subscription to every market has no list to change
		}
	}
	if code != 0 {
		x.sendLocked(conn, wsErrorFrame(id, sid, code, wsErrorText(code)))
		return
	}
	for _, m := range markets {
		if p.Action == "add_markets" {
			s.markets[m] = true
		} else {
			delete(s.markets, m)
		}
	}
	s.seq++
	list := make([]string, 0, len(s.markets))
	for m := range s.markets {
		list = append(list, m)
	}
	slices.Sort(list)
	x.sendLocked(conn, wsFrame(wsEnvelope{ID: id, SID: sid, Seq: s.seq, Type: "ok", Msg: map[string]any{"market_tickers": list}}))
	if s.channel == "ticker" && p.Action == "add_markets" && p.SendInitialSnapshot {
		x.snapshotLocked(conn, sid, markets)
	}
	x.ws.sig.Broadcast()
}

// unsubscribeLocked ends subscriptions, answering unsubscribed for each.
func (x *Exchange) unsubscribeLocked(conn *wsConn, id int64, p wsParams) {
	if len(p.SIDs) == 0 {
		x.sendLocked(conn, wsErrorFrame(id, 0, WSErrSIDs, "Subscription IDs required"))
		return
	}
	for _, sid := range p.SIDs {
		s := conn.subs[sid]
		if s == nil {
			x.sendLocked(conn, wsErrorFrame(id, sid, WSErrUnknownSID, "Unknown subscription ID"))
			continue
		}
		delete(conn.subs, sid)
		x.sendLocked(conn, wsFrame(wsEnvelope{ID: id, SID: sid, Seq: s.seq + 1, Type: "unsubscribed"}))
	}
	x.ws.sig.Broadcast()
}

// wsErrorText is the message Kalshi sends with a code.
func wsErrorText(code int) string {
	switch code {
	case WSErrUnknownSID:
		return "Unknown subscription ID"
	case WSErrOneSID:
		return "Exactly one subscription ID is required"
	case WSErrAction:
		return "Unsupported action"
	case WSErrActionMissing:
		return "Action required"
	case WSErrMarket:
		return "Market Ticker required"
	}
	return "Invalid parameter"
}
