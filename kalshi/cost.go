package kalshi

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"golang.org/x/time/rate"
)

// Read-token costs of the reads this client makes, as Kalshi's rate-limit
// docs give them: GetOrder costs 2 tokens, every other read the default 10.
// GET /account/endpoint_costs is Kalshi's authoritative list.
const (
	CostGetOrder = 2
	CostDefault  = 10
)

// Cost returns the read tokens one request of the named operation (OpGetOrder,
// OpGetFills, ...) takes from Kalshi's read bucket, and from Config.Limiter
// before it is sent. Each retry is a new request and costs again.
func Cost(operation string) int {
	if operation == OpGetOrder {
		return CostGetOrder
	}
	return CostDefault
}

// tiers lists Kalshi's read budgets in tokens per second and how many
// seconds of budget each tier's read bucket holds.
var tiers = map[string]struct{ perSecond, burstSeconds int }{
	"basic":    {200, 2},
	"advanced": {300, 2},
	"expert":   {600, 1},
	"premier":  {1000, 1},
	"paragon":  {2000, 1},
	"prime":    {4000, 1},
	"prestige": {10000, 1},
}

// TierBudget returns the read tokens per second of a Kalshi API usage tier:
// basic 200, advanced 300, expert 600, premier 1000, paragon 2000, prime
// 4000, prestige 10000. At the Basic tier that is 100 GetOrder reads or 20
// other reads a second.
func TierBudget(tier string) (tokensPerSecond int, err error) {
	t, ok := tiers[strings.ToLower(strings.TrimSpace(tier))]
	if !ok {
		return 0, fmt.Errorf("kalshi: unknown usage tier %q; want basic, advanced, expert, premier, paragon, prime or prestige", bound(tier, 40))
	}
	return t.perSecond, nil
}

// Tiers returns the names of Kalshi's API usage tiers, lowest budget first,
// for messages that list them.
func Tiers() []string {
	names := slices.Collect(maps.Keys(tiers))
	slices.SortFunc(names, func(a, b string) int { return tiers[a].perSecond - tiers[b].perSecond })
	return names
}

// NewReadLimiter returns a token bucket matching a tier's read bucket: it
// refills at the tier's budget and holds two seconds of it at the Basic and
// Advanced tiers, one second above. Give it to Config.Limiter so the client
// waits instead of drawing 429s. If other programs use the same API key,
// build a smaller limiter with rate.NewLimiter instead: Kalshi's bucket is
// per key, not per program.
func NewReadLimiter(tier string) (*rate.Limiter, error) {
	per, err := TierBudget(tier)
	if err != nil {
		return nil, err
	}
	t := tiers[strings.ToLower(strings.TrimSpace(tier))]
	return rate.NewLimiter(rate.Limit(per), per*t.burstSeconds), nil
}
