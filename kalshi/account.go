package kalshi

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/time/rate"
)

// Operation names of the account reads.
const (
	OpGetAccountLimits = "GetAccountApiLimits"
	OpGetEndpointCosts = "GetAccountEndpointCosts"
)

// Bounds on what the account reads accept, so a hostile reply cannot make
// ordermon wait forever for tokens or think it may flood the API.
const (
	maxRefillRate = 1_000_000
	maxTokenCost  = 100_000
)

// BucketLimit is one of Kalshi's token buckets: it refills at RefillRate
// tokens a second up to BucketCapacity.
type BucketLimit struct {
	RefillRate     int `json:"refill_rate"`
	BucketCapacity int `json:"bucket_capacity"`
}

// AccountLimits is the account's API usage tier and its read and write
// buckets, from GET /account/limits.
type AccountLimits struct {
	UsageTier string
	Read      BucketLimit
	Write     BucketLimit
}

// GetAccountLimits reads the account's usage tier and token buckets (GET
// /account/limits). The read bucket must have a positive refill rate and
// hold at least one second of it; anything else is a decode error, so a
// caller never plans against a budget of zero.
func (c *Client) GetAccountLimits(ctx context.Context) (AccountLimits, error) {
	var reply struct {
		UsageTier *string      `json:"usage_tier"`
		Read      *BucketLimit `json:"read"`
		Write     *BucketLimit `json:"write"`
	}
	err := c.do(ctx, endpoint{op: OpGetAccountLimits, path: "/account/limits"}, func(b []byte) error {
		if err := unmarshal(b, &reply); err != nil {
			return err
		}
		switch r := reply.Read; {
		case r == nil:
			return &DecodeError{Object: "account limits", Field: "read", Problem: "missing"}
		case r.RefillRate <= 0 || r.RefillRate > maxRefillRate:
			return &DecodeError{Object: "account limits", Field: "read.refill_rate", Problem: fmt.Sprintf("%d is outside 1..%d", r.RefillRate, maxRefillRate)}
		case r.BucketCapacity < r.RefillRate || r.BucketCapacity > 10*maxRefillRate:
			return &DecodeError{Object: "account limits", Field: "read.bucket_capacity", Problem: fmt.Sprintf("%d is below the refill rate or implausibly large", r.BucketCapacity)}
		}
		return nil
	})
	if err != nil {
		return AccountLimits{}, err
	}
	out := AccountLimits{Read: *reply.Read}
	if reply.UsageTier != nil {
		out.UsageTier = bound(strings.ToLower(*reply.UsageTier), 40)
	}
	if reply.Write != nil {
		out.Write = *reply.Write
	}
	return out, nil
}

// Costs is what each read costs in tokens, from GET /account/endpoint_costs:
// a default, and the reads whose cost differs from it. The zero Costs is
// Kalshi's documented table (see Cost).
type Costs struct {
	// Default is the cost of every read not listed; zero means CostDefault.
	Default int
	byOp    map[string]int
}

// Of returns the cost of one request of the named operation.
func (c Costs) Of(op string) int {
	if n, ok := c.byOp[op]; ok {
		return n
	}
	if c.Default > 0 {
		return c.Default
	}
	return Cost(op)
}

// opPaths names the route of each read this package makes, as Kalshi's
// endpoint_costs lists routes: the path below /trade-api/v2 with each
// parameter written as {name}.
var opPaths = map[string]string{
	OpGetOrder:              "/portfolio/orders/{}",
	OpGetOrderQueuePosition: "/portfolio/orders/{}/queue_position",
	OpGetQueuePositions:     "/portfolio/orders/queue_positions",
	OpGetOrders:             "/portfolio/orders",
	OpGetFills:              "/portfolio/fills",
	OpGetMarket:             "/markets/{}",
	OpGetMarkets:            "/markets",
	OpGetHistoricalOrders:   "/historical/orders",
	OpGetAccountLimits:      "/account/limits",
	OpGetEndpointCosts:      "/account/endpoint_costs",
	OpGetExchangeStatus:     "/exchange/status",
}

// routeKey normalizes a route for matching: no API prefix, no trailing
// slash, and every parameter segment ({order_id}, :ticker) as {}.
func routeKey(p string) string {
	p = strings.TrimPrefix(strings.TrimSpace(p), "/trade-api/v2")
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") || strings.HasPrefix(s, ":") {
			segs[i] = "{}"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// GetEndpointCosts reads the token cost of every read (GET
// /account/endpoint_costs). Routes this package does not call are ignored;
// a cost outside 0..100000 is a decode error.
func (c *Client) GetEndpointCosts(ctx context.Context) (Costs, error) {
	var reply struct {
		DefaultCost   *int `json:"default_cost"`
		EndpointCosts []struct {
			Method string `json:"method"`
			Path   string `json:"path"`
			Cost   int    `json:"cost"`
		} `json:"endpoint_costs"`
	}
	err := c.do(ctx, endpoint{op: OpGetEndpointCosts, path: "/account/endpoint_costs"}, func(b []byte) error {
		if err := unmarshal(b, &reply); err != nil {
			return err
		}
		if reply.DefaultCost == nil {
			return &DecodeError{Object: "endpoint costs", Field: "default_cost", Problem: "missing"}
		}
		if d := *reply.DefaultCost; d <= 0 || d > maxTokenCost {
			return &DecodeError{Object: "endpoint costs", Field: "default_cost", Problem: fmt.Sprintf("%d is outside 1..%d", d, maxTokenCost)}
		}
		return nil
	})
	if err != nil {
		return Costs{}, err
	}
	byRoute := map[string]string{}
	for op, p := range opPaths {
		byRoute[routeKey(p)] = op
	}
	out := Costs{Default: *reply.DefaultCost, byOp: map[string]int{}}
	for i, e := range reply.EndpointCosts {
		if e.Cost < 0 || e.Cost > maxTokenCost {
			return Costs{}, &DecodeError{Object: fmt.Sprintf("endpoint_costs[%d]", i), Field: "cost", Problem: fmt.Sprintf("%d is outside 0..%d", e.Cost, maxTokenCost)}
		}
		if !strings.EqualFold(e.Method, "GET") {
			continue
		}
		if op, ok := byRoute[routeKey(e.Path)]; ok {
			out.byOp[op] = e.Cost
		}
	}
	return out, nil
}

// UseCosts makes the client's limiter charge each read what costs says,
// from now on. Without it the client charges Kalshi's documented costs.
func (c *Client) UseCosts(costs Costs) {
	c.costs.Store(&costs)
}

// cost returns the tokens one request of op takes from the limiter.
func (c *Client) cost(op string) int {
	if p := c.costs.Load(); p != nil {
		return p.Of(op)
	}
	return Cost(op)
}

// UseReadLimit sets the client's limiter to Kalshi's read bucket: refill
// tokens a second, holding up to capacity (never less than one read's
// cost). It does nothing when the client has no limiter.
func (c *Client) UseReadLimit(refill, capacity int) {
	lim := c.cfg.Limiter
	if lim == nil || refill <= 0 {
		return
	}
	lim.SetLimit(rate.Limit(refill))
	lim.SetBurst(max(capacity, refill, CostDefault))
}

// MaxBodyBytes returns the cap on each reply's body, so a caller can size
// its pages to stay under it.
func (c *Client) MaxBodyBytes() int64 { return c.cfg.MaxBodyBytes }
