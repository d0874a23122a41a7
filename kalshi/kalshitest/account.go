package kalshitest

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ExchangeStatus is what GET /exchange/status serves. The zero value is
// not used: a new exchange is active and trading.
type ExchangeStatus struct {
	ExchangeActive, TradingActive bool
	// ResumeAt is served as exchange_estimated_resume_time; zero is null.
	ResumeAt time.Time
}

// SetExchangeStatus sets what GET /exchange/status serves, such as a
// trading pause or maintenance.
func (x *Exchange) SetExchangeStatus(s ExchangeStatus) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.state.exchange = &s
}

// serveExchangeStatus answers GET /exchange/status.
func (x *Exchange) serveExchangeStatus(_ *http.Request, _ []string) reply {
	x.mu.Lock()
	defer x.mu.Unlock()
	s := ExchangeStatus{ExchangeActive: true, TradingActive: true}
	if x.state.exchange != nil {
		s = *x.state.exchange
	}
	var resume any
	if !s.ResumeAt.IsZero() {
		resume = s.ResumeAt.UTC().Format(time.RFC3339)
	}
	return jsonReply(http.StatusOK, map[string]any{
		"exchange_active":                 s.ExchangeActive,
		"trading_active":                  s.TradingActive,
		"intra_exchange_transfers_active": s.ExchangeActive,
		"exchange_estimated_resume_time":  resume,
	})
}

// serveAccountLimits answers GET /account/limits with the read bucket the
// exchange enforces (Options.ReadBudget and Burst), or Basic's when it
// enforces none.
func (x *Exchange) serveAccountLimits(_ *http.Request, _ []string) reply {
	rate, burst := x.opts.ReadBudget, x.opts.Burst
	if rate <= 0 {
		rate, burst = 200, 400
	}
	tier := x.opts.Tier
	if tier == "" {
		tier = "basic"
	}
	bucket := map[string]int{"refill_rate": rate, "bucket_capacity": burst}
	return jsonReply(http.StatusOK, map[string]any{
		"usage_tier": tier, "read": bucket, "write": map[string]int{"refill_rate": rate / 2, "bucket_capacity": burst / 2},
		"grants": []any{},
	})
}

// serveEndpointCosts answers GET /account/endpoint_costs: the default of
// 10 and the routes that cost otherwise (GetOrder, 2), as Kalshi lists
// them.
func (x *Exchange) serveEndpointCosts(_ *http.Request, _ []string) reply {
	return jsonReply(http.StatusOK, map[string]any{
		"default_cost": costDefault,
		"endpoint_costs": []map[string]any{
			{"method": "GET", "path": "/trade-api/v2/portfolio/orders/{order_id}", "cost": costGetOrder},
		},
	})
}

// tickerFilter reads a fills request's ticker: one market, or a
// comma-separated list as Kalshi's changelog of 8 October 2026 allows (up
// to 100). With Options.RefuseTickerLists a list is refused with 400, as a
// server older than that answers.
func (x *Exchange) tickerFilter(s string) (map[string]bool, *reply) {
	if s == "" {
		return nil, nil
	}
	list := splitList(s)
	if strings.Contains(s, ",") && x.opts.RefuseTickerLists {
		r := badRequest("ticker must be a single market ticker")
		return nil, &r
	}
	if len(list) > 100 {
		r := badRequest("at most 100 tickers")
		return nil, &r
	}
	set := map[string]bool{}
	for _, t := range list {
		set[t] = true
	}
	return set, nil
}

// parseSubaccount reads subaccount: absent means 0, the primary account,
// as the queue-positions endpoint defaults; otherwise 0..63.
func parseSubaccount(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 63 {
		return 0, errors.New("subaccount must be an integer from 0 to 63")
	}
	return n, nil
}
