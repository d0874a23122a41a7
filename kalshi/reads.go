package kalshi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"ordermon/internal/textsafe"
)

// Operation names, as Kalshi's OpenAPI spec calls them. They key Cost and
// appear in debug logs.
const (
	OpGetOrder              = "GetOrder"
	OpGetOrderQueuePosition = "GetOrderQueuePosition"
	OpGetMarket             = "GetMarket"
	OpGetMarkets            = "GetMarkets"
	OpGetFills              = "GetFills"
	OpGetOrders             = "GetOrders"
	OpGetHistoricalOrders   = "GetHistoricalOrders"
	OpGetQueuePositions     = "GetOrderQueuePositions"
)

// Bounds on what one call asks for.
const (
	// MaxEventTickers is Kalshi's limit on GetOrders' event_ticker list.
	MaxEventTickers = 10
	// MaxOrdersLimit is Kalshi's largest page size for GetOrders.
	MaxOrdersLimit = 1000
	// MaxQueueTickers bounds GetQueuePositions' market list, keeping the
	// URL short; Kalshi documents no limit.
	MaxQueueTickers = 100
	// MaxMarketTickers bounds GetMarkets' ticker list, keeping the URL
	// short; Kalshi documents no limit.
	MaxMarketTickers = 100
	// MaxFillPages bounds how many pages GetFills follows for one order.
	MaxFillPages  = 10
	fillsPageSize = 1000
	maxCursorLen  = 2048
)

// GetOrder reads one order (GET /portfolio/orders/{id}; 2 read tokens).
// The reply must carry an order with the ID asked for.
func (c *Client) GetOrder(ctx context.Context, orderID string) (Order, error) {
	if err := ValidateID("order ID", orderID); err != nil {
		return Order{}, err
	}
	ep := endpoint{op: OpGetOrder, path: "/portfolio/orders/" + url.PathEscape(orderID)}
	return getOne(ctx, c, ep, "order", func(b []byte) (*Order, error) {
		var reply struct {
			Order *Order `json:"order"`
		}
		err := unmarshal(b, &reply)
		if o := reply.Order; err == nil && o != nil && o.OrderID != orderID {
			err = &DecodeError{Object: "order", Field: "order_id", Problem: "reply is for order " + textsafe.Quote(o.OrderID, 40) + ", not the one asked for"}
		}
		return reply.Order, err
	})
}

// GetQueuePosition reads the number of contracts ahead of a resting order
// (GET /portfolio/orders/{id}/queue_position; 10 read tokens). The count is
// 0-indexed: 0 means the order is first in line at its price.
func (c *Client) GetQueuePosition(ctx context.Context, orderID string) (QueuePosition, error) {
	if err := ValidateID("order ID", orderID); err != nil {
		return QueuePosition{}, err
	}
	ep := endpoint{op: OpGetOrderQueuePosition, path: "/portfolio/orders/" + url.PathEscape(orderID) + "/queue_position"}
	qp := QueuePosition{OrderID: orderID}
	err := c.do(ctx, ep, func(b []byte) error {
		ob, err := newObject("queue position reply", b)
		if err != nil {
			return err
		}
		if err := requireQueueFP(ob); err != nil {
			return err
		}
		qp.Ahead, _ = ob.decimal("queue_position_fp", true)
		return ob.err
	})
	if err != nil {
		return QueuePosition{}, err
	}
	return qp, nil
}

// GetMarket reads one market (GET /markets/{ticker}; 10 read tokens).
func (c *Client) GetMarket(ctx context.Context, ticker string) (Market, error) {
	if err := ValidateID("market ticker", ticker); err != nil {
		return Market{}, err
	}
	ep := endpoint{op: OpGetMarket, path: "/markets/" + url.PathEscape(ticker)}
	return getOne(ctx, c, ep, "market", func(b []byte) (*Market, error) {
		var reply struct {
			Market *Market `json:"market"`
		}
		err := unmarshal(b, &reply)
		return reply.Market, err
	})
}

// getOne reads the one object ep answers with, under field in the reply
// ({"order": {...}}): pick decodes the reply and returns the object, nil
// when the reply lacks it, which is an error of its own.
func getOne[T any](ctx context.Context, c *Client, ep endpoint, field string, pick func([]byte) (*T, error)) (T, error) {
	var got *T
	err := c.do(ctx, ep, func(b []byte) error {
		v, err := pick(b)
		if err != nil {
			return err
		}
		if v == nil {
			return &DecodeError{Object: "reply", Field: field, Problem: "missing"}
		}
		got = v
		return nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return *got, nil
}

// GetMarkets reads several markets in one request (GET
// /markets?tickers=a,b; 10 read tokens however many), which is how a
// watcher of many orders keeps prices fresh within the rate budget. Markets
// Kalshi does not know are simply absent from the result.
func (c *Client) GetMarkets(ctx context.Context, tickers []string) ([]Market, error) {
	if len(tickers) == 0 {
		return nil, nil
	}
	if len(tickers) > MaxMarketTickers {
		return nil, fmt.Errorf("kalshi: markets: %d tickers; at most %d per call", len(tickers), MaxMarketTickers)
	}
	if err := checkTickerList("market ticker", tickers); err != nil {
		return nil, err
	}
	q := url.Values{"tickers": {strings.Join(tickers, ",")}, "limit": {strconv.Itoa(len(tickers))}}
	ep := endpoint{op: OpGetMarkets, path: "/markets", query: q}
	var out []Market
	err := c.do(ctx, ep, func(b []byte) error {
		var err error
		out, err = decodeMarketsReply(b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetFills reads every fill of one order (GET /portfolio/fills?order_id=;
// 10 read tokens a page), following the cursor for at most MaxFillPages
// pages. If a later page fails, the fills read so far are returned along
// with the error, so nothing already known is lost.
func (c *Client) GetFills(ctx context.Context, orderID string) ([]Fill, error) {
	if err := ValidateID("order ID", orderID); err != nil {
		return nil, err
	}
	var all []Fill
	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < MaxFillPages; page++ {
		q := url.Values{"order_id": {orderID}, "limit": {strconv.Itoa(fillsPageSize)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		ep := endpoint{op: OpGetFills, path: "/portfolio/fills", query: q}
		var fills []Fill
		var next string
		err := c.do(ctx, ep, func(b []byte) error {
			var err error
			if fills, next, err = decodeFillsReply(b); err != nil {
				return err
			}
			for i, f := range fills {
				if f.OrderID != "" && f.OrderID != orderID {
					return &DecodeError{Object: "fills[" + strconv.Itoa(i) + "]", Field: "order_id", Problem: "fill of order " + textsafe.Quote(f.OrderID, 40) + ", not the one asked for"}
				}
			}
			return nil
		})
		if err != nil {
			return all, err
		}
		all = append(all, fills...)
		if next == "" || len(fills) == 0 {
			return all, nil
		}
		if seen[next] {
			return all, fmt.Errorf("kalshi: GET fills of %s: the server repeated a page cursor", textsafe.Quote(orderID, 40))
		}
		if err := checkCursor(next); err != nil {
			return all, err
		}
		seen[next] = true
		cursor = next
	}
	return all, fmt.Errorf("kalshi: GET fills of %s: more than %d pages; stopped reading", textsafe.Quote(orderID, 40), MaxFillPages)
}

// GetOrders reads one page of orders matching q (GET /portfolio/orders; 10
// read tokens). q is checked before anything is sent.
func (c *Client) GetOrders(ctx context.Context, q OrdersQuery) (OrdersPage, error) {
	return c.listOrders(ctx, OpGetOrders, "/portfolio/orders", q)
}

// GetHistoricalOrders reads one page of orders Kalshi has archived (GET
// /historical/orders; 10 read tokens): canceled and executed orders older
// than Kalshi's live window, which GetOrder answers with 404. Only Ticker,
// MinTs, MaxTs, Limit and Cursor apply; the endpoint has no status or event
// filter, so setting those is an error.
func (c *Client) GetHistoricalOrders(ctx context.Context, q OrdersQuery) (OrdersPage, error) {
	if q.Status != "" || len(q.EventTickers) > 0 {
		return OrdersPage{}, errors.New("kalshi: historical orders: filter by ticker and time only")
	}
	return c.listOrders(ctx, OpGetHistoricalOrders, "/historical/orders", q)
}

func (c *Client) listOrders(ctx context.Context, op, path string, q OrdersQuery) (OrdersPage, error) {
	v, err := q.values()
	if err != nil {
		return OrdersPage{}, err
	}
	ep := endpoint{op: op, path: path, query: v}
	var page OrdersPage
	err = c.do(ctx, ep, func(b []byte) error {
		var err error
		page, err = decodeOrdersReply(b)
		return err
	})
	if err != nil {
		return OrdersPage{}, err
	}
	return page, nil
}

func (q OrdersQuery) values() (url.Values, error) {
	v := url.Values{}
	if q.Ticker != "" {
		if err := ValidateID("market ticker", q.Ticker); err != nil {
			return nil, err
		}
		v.Set("ticker", q.Ticker)
	}
	if len(q.EventTickers) > MaxEventTickers {
		return nil, fmt.Errorf("kalshi: orders query: %d event tickers; Kalshi accepts at most %d", len(q.EventTickers), MaxEventTickers)
	}
	if len(q.EventTickers) > 0 {
		if err := checkTickerList("event ticker", q.EventTickers); err != nil {
			return nil, err
		}
		v.Set("event_ticker", strings.Join(q.EventTickers, ","))
	}
	if q.Status != "" {
		if err := ValidateID("order status", string(q.Status)); err != nil {
			return nil, err
		}
		v.Set("status", string(q.Status))
	}
	switch {
	case q.MinTs < 0 || q.MaxTs < 0:
		return nil, errors.New("kalshi: orders query: timestamps must not be negative")
	case q.MinTs > 0 && q.MaxTs > 0 && q.MinTs > q.MaxTs:
		return nil, errors.New("kalshi: orders query: MinTs is after MaxTs")
	}
	if q.MinTs > 0 {
		v.Set("min_ts", strconv.FormatInt(q.MinTs, 10))
	}
	if q.MaxTs > 0 {
		v.Set("max_ts", strconv.FormatInt(q.MaxTs, 10))
	}
	if q.Limit < 0 || q.Limit > MaxOrdersLimit {
		return nil, fmt.Errorf("kalshi: orders query: limit %d is outside 1..%d", q.Limit, MaxOrdersLimit)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Cursor != "" {
		if err := checkCursor(q.Cursor); err != nil {
			return nil, err
		}
		v.Set("cursor", q.Cursor)
	}
	return v, nil
}

// GetQueuePositions reads the queue positions of all resting orders in the
// given markets (GET /portfolio/orders/queue_positions; 10 read tokens).
// Kalshi requires at least one market.
func (c *Client) GetQueuePositions(ctx context.Context, marketTickers []string) ([]QueuePosition, error) {
	return c.GetQueuePositionsIn(ctx, QueueQuery{MarketTickers: marketTickers})
}

// UnmarshalJSON decodes one entry of GetQueuePositions' reply
// ({order_id, market_ticker, queue_position_fp}); all three are required.
func (q *QueuePosition) UnmarshalJSON(b []byte) error {
	ob, err := newObject("queue position", b)
	if err != nil {
		return err
	}
	for _, f := range []string{"order_id", "market_ticker"} {
		if !ob.has(f) {
			return &DecodeError{Object: ob.name, Field: f, Problem: "missing"}
		}
	}
	if err := requireQueueFP(ob); err != nil {
		return err
	}
	r := QueuePosition{OrderID: ob.str("order_id"), MarketTicker: ob.str("market_ticker")}
	r.Ahead, _ = ob.decimal("queue_position_fp", true)
	if ob.err != nil {
		return ob.err
	}
	*q = r
	return nil
}

// requireQueueFP insists on queue_position_fp. A reply with only the old
// integer queue_position is refused rather than shown: Kalshi documents
// only the fixed-point field as 0-indexed, and an off-by-one place in line
// is worse than none.
func requireQueueFP(ob *object) error {
	if ob.has("queue_position_fp") {
		return nil
	}
	if ob.has("queue_position") {
		return &DecodeError{Object: ob.name, Field: "queue_position_fp", Problem: "missing; the reply has only the legacy integer queue_position, whose indexing is not documented, so it is not used"}
	}
	return &DecodeError{Object: ob.name, Field: "queue_position_fp", Problem: "missing"}
}

// decodeList reads the array in field, decoding each element and naming
// its index in any error. An absent or null field is an empty list.
func decodeList[T any, P interface {
	*T
	json.Unmarshaler
}](ob *object, field string) []T {
	raw, ok := ob.m[field]
	if !ok || isNull(raw) || ob.err != nil {
		return nil
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		ob.fail(field, "want an array, got "+describe(raw))
		return nil
	}
	out := make([]T, len(items))
	for i, it := range items {
		if isNull(it) {
			ob.fail(field, "element "+strconv.Itoa(i)+" is null")
			return nil
		}
		if err := P(&out[i]).UnmarshalJSON(it); err != nil {
			var de *DecodeError
			if errors.As(err, &de) {
				d := *de
				d.Object = field + "[" + strconv.Itoa(i) + "] " + d.Object
				ob.err = &d
			} else {
				ob.fail(field, "element "+strconv.Itoa(i)+": "+cleanErr(err))
			}
			return nil
		}
	}
	return out
}

func checkTickerList(kind string, tickers []string) error {
	for _, t := range tickers {
		if err := ValidateID(kind, t); err != nil {
			return err
		}
		if strings.Contains(t, ",") {
			return fmt.Errorf("kalshi: %w: %s %s contains ','", ErrInvalidID, kind, textsafe.Quote(t, 40))
		}
	}
	return nil
}

func checkCursor(s string) error {
	if len(s) > maxCursorLen {
		return fmt.Errorf("kalshi: %w: cursor is %d bytes; the limit is %d", ErrInvalidID, len(s), maxCursorLen)
	}
	for _, r := range s {
		if r < 0x21 || r == 0x7f {
			return fmt.Errorf("kalshi: %w: cursor contains spaces or control characters", ErrInvalidID)
		}
	}
	return nil
}
