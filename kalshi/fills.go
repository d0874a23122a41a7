package kalshi

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// MaxFillTickers is how many markets one GetFillsPage may name: Kalshi's
// changelog of 8 October 2026 lets ticker take up to 100 comma-separated
// tickers. Older servers refuse a list with 400; see GetFillsPage.
const MaxFillTickers = 100

// FillsQuery filters one page of GET /portfolio/fills. Empty fields are not
// sent; with no Tickers and no OrderID it reads the whole account's fills.
type FillsQuery struct {
	// Tickers names the markets to read fills of: one, or up to
	// MaxFillTickers sent comma-separated.
	Tickers []string
	OrderID string
	MinTs   int64 // Unix seconds; 0 means unset
	Limit   int   // 1..1000; 0 means Kalshi's default of 100
	Cursor  string
}

// FillsPage is one page of fills. An empty Cursor means the last page.
type FillsPage struct {
	Fills  []Fill
	Cursor string
}

// GetFillsPage reads one page of fills matching q (GET /portfolio/fills; 10
// read tokens). A server older than the 8 October 2026 changelog answers a
// ticker list with 400; IsListRefused tells that apart, so the caller can
// ask one market a call instead. q is checked before anything is sent.
func (c *Client) GetFillsPage(ctx context.Context, q FillsQuery) (FillsPage, error) {
	v, err := q.values()
	if err != nil {
		return FillsPage{}, err
	}
	var page FillsPage
	err = c.do(ctx, endpoint{op: OpGetFills, path: "/portfolio/fills", query: v}, func(b []byte) error {
		var err error
		if page.Fills, page.Cursor, err = decodeFillsReply(b); err != nil {
			return err
		}
		if page.Cursor != "" {
			return checkCursor(page.Cursor)
		}
		return nil
	})
	if err != nil {
		return FillsPage{}, err
	}
	return page, nil
}

func (q FillsQuery) values() (url.Values, error) {
	v := url.Values{}
	if len(q.Tickers) > MaxFillTickers {
		return nil, fmt.Errorf("kalshi: fills query: %d tickers; at most %d per call", len(q.Tickers), MaxFillTickers)
	}
	if len(q.Tickers) > 0 {
		if err := checkTickerList("market ticker", q.Tickers); err != nil {
			return nil, err
		}
		v["ticker"] = []string{strings.Join(q.Tickers, ",")}
	}
	if q.OrderID != "" {
		if err := ValidateID("order ID", q.OrderID); err != nil {
			return nil, err
		}
		v["order_id"] = []string{q.OrderID}
	}
	if q.MinTs < 0 {
		return nil, fmt.Errorf("kalshi: fills query: min_ts %d is negative", q.MinTs)
	}
	if q.MinTs > 0 {
		v["min_ts"] = []string{strconv.FormatInt(q.MinTs, 10)}
	}
	if q.Limit < 0 || q.Limit > MaxOrdersLimit {
		return nil, fmt.Errorf("kalshi: fills query: limit %d is outside 1..%d", q.Limit, MaxOrdersLimit)
	}
	if q.Limit > 0 {
		v["limit"] = []string{strconv.Itoa(q.Limit)}
	}
	if q.Cursor != "" {
		if err := checkCursor(q.Cursor); err != nil {
			return nil, err
		}
		v["cursor"] = []string{q.Cursor}
	}
	return v, nil
}

// IsListRefused reports whether err is a 400 answer to a read that named
// several tickers at once: what a server that takes one ticker a call
// says.
func IsListRefused(err error, tickers int) bool {
	return tickers > 1 && StatusOf(err) == 400
}

// PageLimit returns the page size that keeps a full page of items of about
// itemBytes each well under the client's body cap (at most 60% of it, and
// between 1 and 1000), so that one page is never refused for its size.
func (c *Client) PageLimit(itemBytes int) int {
	if itemBytes <= 0 {
		return MaxOrdersLimit
	}
	return max(1, min(MaxOrdersLimit, int(c.cfg.MaxBodyBytes*6/10)/itemBytes))
}
