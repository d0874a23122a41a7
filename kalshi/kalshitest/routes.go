package kalshitest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"ordermon/internal/fixed"
)

// Read-token costs, from Kalshi's endpoint_costs: GetOrder is discounted
// to 2, everything else costs the default 10.
const (
	costGetOrder = 2
	costDefault  = 10
)

// route is what a request's path resolved to. A nil serve means no such
// route: the request is still authenticated and charged the default cost,
// and answered 404.
type route struct {
	cost  int
	serve func(x *Exchange, r *http.Request, args []string) reply
	args  []string // unescaped path parameters
}

// match resolves a request path under /trade-api/v2. Path segments are
// split on the escaped path, so an order ID containing an escaped slash is
// one segment, then unescaped.
func match(r *http.Request) route {
	notFound := route{cost: costDefault}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), apiPrefix+"/")
	if !ok {
		return notFound
	}
	raw := strings.Split(rest, "/")
	seg := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			return notFound
		}
		seg[i] = u
	}
	is := func(want ...string) bool {
		if len(seg) != len(want) {
			return false
		}
		for i, w := range want {
			if w != "*" && seg[i] != w {
				return false
			}
		}
		return true
	}
	switch {
	case is("portfolio", "orders"):
		return route{cost: costDefault, serve: (*Exchange).serveOrders}
	case is("portfolio", "orders", "queue_positions"):
		return route{cost: costDefault, serve: (*Exchange).serveQueuePositions}
	case is("portfolio", "orders", "*"):
		return route{cost: costGetOrder, serve: (*Exchange).serveOrder, args: seg[2:3]}
	case is("portfolio", "orders", "*", "queue_position"):
		return route{cost: costDefault, serve: (*Exchange).serveQueuePosition, args: seg[2:3]}
	case is("portfolio", "fills"):
		return route{cost: costDefault, serve: (*Exchange).serveFills}
	case is("historical", "orders"):
		return route{cost: costDefault, serve: (*Exchange).serveHistoricalOrders}
	case is("markets"):
		return route{cost: costDefault, serve: (*Exchange).serveMarkets}
	case is("markets", "*"):
		return route{cost: costDefault, serve: (*Exchange).serveMarket, args: seg[1:2]}
	case is("account", "limits"):
		return route{cost: costDefault, serve: (*Exchange).serveAccountLimits}
	case is("account", "endpoint_costs"):
		return route{cost: costDefault, serve: (*Exchange).serveEndpointCosts}
	case is("exchange", "status"):
		return route{cost: costDefault, serve: (*Exchange).serveExchangeStatus}
	}
	return notFound
}

// serveOrder answers GET /portfolio/orders/{order_id} with {"order":{...}}.
func (x *Exchange) serveOrder(_ *http.Request, args []string) reply {
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.state.orders[args[0]]
	if !ok {
		return notFound("order not found")
	}
	return jsonReply(http.StatusOK, map[string]any{"order": encodeOrder(e.OrderState, x.shape())})
}

// serveQueuePosition answers GET /portfolio/orders/{order_id}/queue_position.
//
// For an order that is no longer resting Kalshi documents no answer (the
// spec lists only 200, 401, 404 and 500). The fake answers 400
// invalid_parameters by default: an order off the book has no place in a
// queue, and "0.00" would claim it is first in line, which a client must not
// show. Options.QueueZeroWhenNotResting serves "0.00" instead, so clients
// can be tested against both.
func (x *Exchange) serveQueuePosition(_ *http.Request, args []string) reply {
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.state.orders[args[0]]
	switch {
	case !ok:
		return notFound("order not found")
	case e.Status == StatusResting:
		return jsonReply(http.StatusOK, encodeQueue(e.QueueAhead, x.shape()))
	case x.opts.QueueZeroWhenNotResting:
		return jsonReply(http.StatusOK, encodeQueue(fixed.Decimal{}, x.shape()))
	}
	return badRequest("order is not resting")
}

// serveOrders answers GET /portfolio/orders, newest first, with cursor
// paging.
func (x *Exchange) serveOrders(r *http.Request, _ []string) reply {
	return x.serveOrderList(r, func() map[string]*orderEntry { return x.state.orders })
}

// serveHistoricalOrders answers GET /historical/orders with the archived
// orders, filtered by ticker and time like GET /portfolio/orders.
func (x *Exchange) serveHistoricalOrders(r *http.Request, _ []string) reply {
	q := r.URL.Query()
	if q.Get("status") != "" || q.Get("event_ticker") != "" {
		return badRequest("historical orders filter by ticker and time only")
	}
	return x.serveOrderList(r, func() map[string]*orderEntry { return x.state.archived })
}

// serveOrderList lists the orders of source (read under x.mu) that match
// the request's filters, a page at a time.
func (x *Exchange) serveOrderList(r *http.Request, source func() map[string]*orderEntry) reply {
	q := r.URL.Query()
	lq, err := parseListQuery(q)
	if err != nil {
		return badRequest(err.Error())
	}
	status := q.Get("status")
	switch status {
	case "", StatusResting, StatusCanceled, StatusExecuted:
	default:
		return badRequest("status must be resting, canceled or executed")
	}
	events := splitList(q.Get("event_ticker"))
	if len(events) > 10 {
		return badRequest("at most 10 event tickers")
	}
	ticker := q.Get("ticker")

	x.mu.Lock()
	defer x.mu.Unlock()
	var list []*orderEntry
	for _, e := range source() {
		switch {
		case ticker != "" && e.Ticker != ticker,
			status != "" && e.Status != status,
			len(events) > 0 && !slices.Contains(events, x.eventOf(e.Ticker)),
			!lq.created(e.CreatedTime):
			continue
		}
		list = append(list, e)
	}
	return pageReply(list, orderKey, lq, "orders", func(e *orderEntry) any { return encodeOrder(e.OrderState, x.shape()) })
}

// serveQueuePositions answers GET /portfolio/orders/queue_positions for the
// resting orders in the given markets or event. Kalshi requires one of
// market_tickers and event_ticker. With no resting orders the list is
// served as null, as Kalshi's Go backend marshals an empty list (an SDK
// example notes its typed client fails on that null).
func (x *Exchange) serveQueuePositions(r *http.Request, _ []string) reply {
	q := r.URL.Query()
	markets := splitList(q.Get("market_tickers"))
	event := q.Get("event_ticker")
	if len(markets) == 0 && event == "" {
		return badRequest("one of market_tickers and event_ticker is required")
	}
	sub, err := parseSubaccount(q.Get("subaccount"))
	if err != nil {
		return badRequest(err.Error())
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	var list []*orderEntry
	for _, e := range x.state.orders {
		if e.Status != StatusResting || e.SubaccountNumber != sub {
			continue
		}
		if len(markets) > 0 && !slices.Contains(markets, e.Ticker) {
			continue
		}
		if event != "" && x.eventOf(e.Ticker) != event {
			continue
		}
		list = append(list, e)
	}
	sortNewestFirst(list, orderKey)
	var out []wireQueuePosition
	for _, e := range list {
		out = append(out, encodeQueueEntry(e.OrderState, x.shape()))
	}
	return jsonReply(http.StatusOK, map[string]any{"queue_positions": out})
}

// serveFills answers GET /portfolio/fills, newest first, with cursor
// paging.
func (x *Exchange) serveFills(r *http.Request, _ []string) reply {
	q := r.URL.Query()
	lq, err := parseListQuery(q)
	if err != nil {
		return badRequest(err.Error())
	}
	orderID := q.Get("order_id")
	tickers, refused := x.tickerFilter(q.Get("ticker"))
	if refused != nil {
		return *refused
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	var list []*fillEntry
	for i := range x.state.fills {
		f := &x.state.fills[i]
		switch {
		case orderID != "" && f.OrderID != orderID,
			tickers != nil && !tickers[f.Ticker],
			!lq.created(f.CreatedTime):
			continue
		}
		list = append(list, f)
	}
	return pageReply(list, fillKey, lq, "fills", func(f *fillEntry) any { return encodeFill(f.FillState, x.shape()) })
}

// serveMarket answers GET /markets/{ticker} with {"market":{...}}.
func (x *Exchange) serveMarket(_ *http.Request, args []string) reply {
	x.mu.Lock()
	defer x.mu.Unlock()
	m, ok := x.state.markets[args[0]]
	if !ok {
		return notFound("market not found")
	}
	return jsonReply(http.StatusOK, map[string]any{"market": encodeMarket(m, x.shape())})
}

// serveMarkets answers GET /markets?tickers=a,b with {"markets":[...],
// "cursor":""}, the markets it knows among those asked for, in the order
// asked. Without tickers it lists every market, which is all a fake needs.
func (x *Exchange) serveMarkets(r *http.Request, _ []string) reply {
	x.mu.Lock()
	defer x.mu.Unlock()
	tickers := splitList(r.URL.Query().Get("tickers"))
	if len(tickers) == 0 {
		for t := range x.state.markets {
			tickers = append(tickers, t)
		}
		slices.Sort(tickers)
	}
	markets := []any{}
	for _, t := range tickers {
		if m, ok := x.state.markets[t]; ok {
			markets = append(markets, encodeMarket(m, x.shape()))
		}
	}
	return jsonReply(http.StatusOK, map[string]any{"markets": markets, "cursor": ""})
}

// eventOf returns a market's event ticker: the one PutMarket registered,
// or else the ticker without its last dash-separated part, which is how
// Kalshi builds market tickers from event tickers.
func (x *Exchange) eventOf(ticker string) string {
	if m, ok := x.state.markets[ticker]; ok && m.EventTicker != "" {
		return m.EventTicker
	}
	if i := strings.LastIndexByte(ticker, '-'); i > 0 {
		return ticker[:i]
	}
	return ticker
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
