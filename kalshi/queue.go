package kalshi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// QueueQuery names the resting orders GetQueuePositionsIn reads: those in
// the given markets, of one subaccount (0 is the primary account, which is
// what Kalshi reads when subaccount is not sent).
type QueueQuery struct {
	MarketTickers []string
	Subaccount    int
}

// GetQueuePositionsIn reads the queue positions of one subaccount's resting
// orders in the given markets (GET /portfolio/orders/queue_positions; 10
// read tokens). Kalshi requires at least one market, and reads subaccount
// 0 unless told otherwise, so a watcher of several subaccounts asks once
// for each.
func (c *Client) GetQueuePositionsIn(ctx context.Context, q QueueQuery) ([]QueuePosition, error) {
	tickers := q.MarketTickers
	if len(tickers) == 0 {
		return nil, errors.New("kalshi: queue positions: no market tickers; Kalshi requires at least one")
	}
	if len(tickers) > MaxQueueTickers {
		return nil, fmt.Errorf("kalshi: queue positions: %d market tickers; at most %d per call", len(tickers), MaxQueueTickers)
	}
	if q.Subaccount < 0 || q.Subaccount > 63 {
		return nil, fmt.Errorf("kalshi: queue positions: subaccount %d is outside 0..63", q.Subaccount)
	}
	if err := checkTickerList("market ticker", tickers); err != nil {
		return nil, err
	}
	v := url.Values{"market_tickers": {strings.Join(tickers, ",")}}
	if q.Subaccount != 0 {
		v.Set("subaccount", strconv.Itoa(q.Subaccount))
	}
	ep := endpoint{op: OpGetQueuePositions, path: "/portfolio/orders/queue_positions", query: v}
	var out []QueuePosition
	err := c.do(ctx, ep, func(b []byte) (err error) {
		out, err = decodeQueueReply(b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
