package engine

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"ordermon/kalshi"
)

// Where the read budget in force came from.
const (
	BudgetFromKalshi    = "from Kalshi"
	BudgetTierOverride  = "tier override"
	BudgetConfigDefault = "default"
)

// Budget is the Kalshi read budget the engine plans with.
type Budget struct {
	// TokensPerSecond is the read bucket's refill rate; zero means no
	// limit is planned for.
	TokensPerSecond int
	// Burst is how many tokens the bucket holds.
	Burst int
	// Tier is the usage tier, as Kalshi or the override named it.
	Tier string
	// Source is BudgetFromKalshi, BudgetTierOverride or
	// BudgetConfigDefault (Kalshi's limits could not be read; Err says
	// why).
	Source string
	Err    string
}

// String describes the budget for a footer or log: "200 tokens/s (basic,
// from Kalshi)"; "" before it is known.
func (b Budget) String() string {
	if b.Source == "" {
		return ""
	}
	if b.TokensPerSecond <= 0 {
		return "no read budget planned (" + b.Source + ")"
	}
	tier := ""
	if b.Tier != "" {
		tier = b.Tier + ", "
	}
	return fmt.Sprintf("%d tokens/s (%s%s)", b.TokensPerSecond, tier, b.Source)
}

// budgetShare is the part of the rate budget a round may plan to spend; the
// rest absorbs extra pages and retries, so ordermon never causes its own
// 429s.
const budgetShare = 0.9

// learned is what learnBudget found: the costs (nil when unread) and
// the budget in force.
type learned struct {
	costs  *kalshi.Costs
	budget Budget
	done   bool // false when the round ended before an answer
}

// learnBudget reads Kalshi's endpoint costs and read bucket, once, and
// sets the client's limiter to them; the config's tier, when set,
// overrides the bucket. It runs beside the first round's reads, which plan
// with the documented costs and the configured budget, so a slow or
// failing account read never delays the first answer.
func (e *Engine) learnBudget(ctx context.Context) learned {
	kc := e.cfg.Kalshi
	out := learned{budget: Budget{TokensPerSecond: e.cfg.ReadBudget, Source: BudgetConfigDefault}}
	costs, err := kc.GetEndpointCosts(ctx)
	if cutShort(err) {
		return out
	}
	if err == nil {
		out.costs = &costs
		kc.UseCosts(costs)
	}
	if tier := e.cfg.TierOverride; tier != "" {
		if per, err := kalshi.TierBudget(tier); err == nil {
			out.budget = Budget{TokensPerSecond: per, Burst: 2 * per, Tier: tier, Source: BudgetTierOverride}
		}
	} else if l, err := kc.GetAccountLimits(ctx); err == nil {
		out.budget = Budget{TokensPerSecond: l.Read.RefillRate, Burst: l.Read.BucketCapacity, Tier: l.UsageTier, Source: BudgetFromKalshi}
		kc.UseReadLimit(l.Read.RefillRate, l.Read.BucketCapacity)
	} else if cutShort(err) {
		return out
	} else {
		out.budget.Err = shortError(err)
	}
	out.done = true
	e.log.Info("kalshi read budget", slog.String("budget", out.budget.String()), slog.String("error", out.budget.Err))
	return out
}

// startLearning starts learnBudget when no round has finished it yet, and
// returns a function that waits for it and keeps what it found.
func (e *Engine) startLearning(ctx context.Context) (finish func()) {
	if e.cfg.Kalshi == nil || e.budgetTried {
		return func() {}
	}
	ch := make(chan learned, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				e.log.Error("recovered panic", slog.String("read", "account budget"), slog.Any("panic", r))
				ch <- learned{}
			}
		}()
		ch <- e.learnBudget(ctx)
	}()
	return func() {
		l := <-ch
		if !l.done {
			return
		}
		if l.costs != nil {
			e.costs = *l.costs
		}
		e.budget, e.budgetTried = l.budget, true
	}
}

// roundBudget is the tokens one round may plan to spend: the share of
// one interval's refill, at least one read; zero means unlimited.
func (e *Engine) roundBudget() int {
	per := e.budget.TokensPerSecond
	if !e.budgetTried {
		per = e.cfg.ReadBudget
	}
	if per <= 0 {
		return 0
	}
	return max(int(float64(per)*e.cfg.Interval.Seconds()*budgetShare), e.costs.Of(kalshi.OpGetOrders))
}

// checkTokenExpiry asks when the intent token expires, with the round's
// context and without the lock, but only when an intent read got a reply
// this round: the token was then fetched and is cached, so the check
// cannot start a token_command of its own, and a failing token_command
// runs once per need, not twice.
func (e *Engine) checkTokenExpiry(ctx context.Context, res []result) {
	if e.cfg.TokenExpiry == nil || ctx.Err() != nil {
		return
	}
	for _, r := range res {
		if r.intentAnswered {
			e.tokenExpiry = e.cfg.TokenExpiry(ctx)
			return
		}
	}
}

// ExchangeState is Kalshi's exchange status as the engine last read it.
type ExchangeState struct {
	// Checked is when it was last read successfully; zero if never.
	Checked        time.Time
	ExchangeActive bool
	TradingActive  bool
	// ResumeAt is Kalshi's estimate of when maintenance ends.
	ResumeAt time.Time
	// Err is the last read's error, "" after a success.
	Err string
}

// Pause says in a few words that trading is stopped on Kalshi, or "" when
// it is not (or the status is unknown).
func (x ExchangeState) Pause() string {
	switch {
	case x.Checked.IsZero():
		return ""
	case !x.ExchangeActive:
		msg := "the Kalshi exchange is inactive (maintenance)"
		if !x.ResumeAt.IsZero() {
			msg += ", expected back at " + x.ResumeAt.UTC().Format("15:04 UTC")
		}
		return msg
	case !x.TradingActive:
		return "trading is paused on Kalshi"
	}
	return ""
}

// exchangeEvery is how often the exchange status is read: it changes with
// trading hours and rare pauses, so once every 30 s costs a third of a
// token a second.
const exchangeEvery = 30 * time.Second

// exchangeDue reports whether this round reads the exchange status.
func (e *Engine) exchangeDue(now time.Time) bool {
	return e.exchange.Checked.IsZero() || now.Sub(e.exchange.Checked) >= exchangeEvery
}

// readExchange reads the exchange status into the round's state.
func (e *Engine) readExchange(ctx context.Context) {
	s, err := e.cfg.Kalshi.GetExchangeStatus(ctx)
	switch {
	case err == nil:
		e.exchange = ExchangeState{Checked: e.now(), ExchangeActive: s.ExchangeActive, TradingActive: s.TradingActive, ResumeAt: s.ResumeAt}
	case !cutShort(err):
		e.exchange.Err = shortError(err)
	}
}
