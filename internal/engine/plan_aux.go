package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"ordermon/internal/textsafe"
	"ordermon/kalshi"
)

// auxPlan is one round's queue-position, market, fill and exchange reads,
// planned once the orders are read, in that order of priority: the queue
// and market reads were kept room for, fills take what is left.
type auxPlan struct {
	queue   []queueCall
	markets [][]string // tickers, up to 100 a call
	// marketItems lists the orders of each market, for handing out
	// replies; queueItems the same by subaccount and market.
	marketItems map[string][]int
	queueItems  map[queueKey][]int
	fills       fillsPlan
	exchange    bool
}

type queueKey struct {
	sub    int
	ticker string
}

// queueCall is one GetQueuePositionsIn call: one subaccount's markets.
type queueCall struct {
	sub     int
	tickers []string
}

// fillsPlan is the fills read: the orders whose fills are due, from when,
// and how to ask (calls of up to 100 tickers; one ticker a call; or the
// whole account when the server takes no lists and the markets are many).
type fillsPlan struct {
	items []int
	minTs int64
	calls [][]string // nil entry: the whole account
}

// auxView is what planAux needs of the engine's round state.
type auxView struct {
	listsRefused bool
	exchangeDue  bool
}

func (e *Engine) auxView(now time.Time) auxView {
	return auxView{listsRefused: e.listsRefused, exchangeDue: e.exchangeDue(now)}
}

// perTickerFills is how many markets are read one a call, when the server
// takes no ticker lists, before the whole account is cheaper to read.
const perTickerFills = 3

// planAux plans the reads that complete each order. It does no I/O: it
// works from this round's order replies (or the last snapshot's) and the
// budget the order reads left. An order whose ticker cannot join a list
// read gets that as its error.
func planAux(items []item, res []result, p *plan, v auxView) auxPlan {
	ap := auxPlan{marketItems: map[string][]int{}, queueItems: map[queueKey][]int{}}
	var markets []string
	for i := range items {
		o := currentOrder(items[i], res[i])
		if o != nil {
			if err := tickerErr(o.Ticker); err != nil {
				res[i].tickerErr = err
				continue
			}
		}
		if o != nil && o.Status == kalshi.StatusResting {
			k := queueKey{sub: subaccountOf(o), ticker: o.Ticker}
			ap.queueItems[k] = append(ap.queueItems[k], i)
		}
		// Push carries the prices; the market's other fields are read
		// when the order is reconciled.
		if items[i].pricesPushed {
			continue
		}
		if t := marketOf(items[i], res[i]); t != "" {
			if _, ok := ap.marketItems[t]; !ok {
				markets = append(markets, t)
			}
			ap.marketItems[t] = append(ap.marketItems[t], i)
		}
	}
	ap.queue = planQueue(ap.queueItems)
	ap.queue = ap.queue[:p.affordN(kalshi.OpGetQueuePositions, len(ap.queue))]
	ap.markets = chunk(markets, kalshi.MaxMarketTickers)
	ap.markets = ap.markets[:p.affordN(kalshi.OpGetMarkets, len(ap.markets))]
	ap.fills = planFills(items, res, v.listsRefused)
	ap.fills.calls = ap.fills.calls[:p.affordN(kalshi.OpGetFills, len(ap.fills.calls))]
	ap.exchange = v.exchangeDue && p.afford(p.costs.Of(kalshi.OpGetExchangeStatus))
	return ap
}

// planQueue groups the resting orders' markets by subaccount, a hundred
// markets a call: the endpoint reads subaccount 0 unless told otherwise.
func planQueue(byKey map[queueKey][]int) []queueCall {
	bySub := map[int][]string{}
	for k := range byKey {
		bySub[k.sub] = append(bySub[k.sub], k.ticker)
	}
	subs := make([]int, 0, len(bySub))
	for s := range bySub {
		subs = append(subs, s)
	}
	slices.Sort(subs)
	var calls []queueCall
	for _, s := range subs {
		slices.Sort(bySub[s])
		for _, c := range chunk(bySub[s], kalshi.MaxQueueTickers) {
			calls = append(calls, queueCall{sub: s, tickers: c})
		}
	}
	return calls
}

// planFills picks the orders whose fills are due, and the calls that read
// them from the oldest point any of them needs.
func planFills(items []item, res []result, listsRefused bool) fillsPlan {
	var fp fillsPlan
	var tickers []string
	var oldest time.Time
	unbounded := false
	for i := range items {
		if !fillsNeeded(items[i], res[i]) || res[i].tickerErr != nil {
			continue
		}
		o := currentOrder(items[i], res[i])
		fp.items = append(fp.items, i)
		if !slices.Contains(tickers, o.Ticker) {
			tickers = append(tickers, o.Ticker)
		}
		from := items[i].fillsThrough
		if from.IsZero() && !o.CreatedTime.IsZero() {
			from = o.CreatedTime.Add(-time.Minute)
		}
		if from.IsZero() {
			unbounded = true
		} else if oldest.IsZero() || from.Before(oldest) {
			oldest = from
		}
	}
	if len(fp.items) == 0 {
		return fp
	}
	if !unbounded {
		fp.minTs = oldest.Unix()
	}
	switch {
	case !listsRefused:
		fp.calls = chunk(tickers, kalshi.MaxFillTickers)
	case len(tickers) <= perTickerFills:
		fp.calls = chunk(tickers, 1)
	default:
		fp.calls = [][]string{nil}
	}
	return fp
}

// fillsNeeded reports whether an order's fills must be read: an earlier
// read is still due, or the order has fills that were never read or that
// this round's read (or push) shows moved, and the fills known do not
// already add up to its count (a push brought them).
func fillsNeeded(it item, r result) bool {
	o := currentOrder(it, r)
	if o == nil || o.FillCount.Sign() <= 0 {
		return false
	}
	if it.fillsDue {
		return true
	}
	prev := it.prev.Order
	moved := it.fillsThrough.IsZero() || prev == nil || !prev.FillCount.Equal(o.FillCount)
	return moved && !fillsCover(it.prev.Fills, o.FillCount)
}

// currentOrder is the order as this round read it, else as last known.
func currentOrder(it item, r result) *kalshi.Order {
	return cmp.Or(r.order.val, it.prev.Order)
}

// subaccountOf is the order's subaccount; 0, the primary account, when
// Kalshi named none.
func subaccountOf(o *kalshi.Order) int {
	if o.SubaccountNumber != nil && *o.SubaccountNumber > 0 && *o.SubaccountNumber <= 63 {
		return *o.SubaccountNumber
	}
	return 0
}

// marketOf names the market to read for an order: its Kalshi order's
// ticker, or, before Kalshi has the order, the market the intent names, so
// a support person sees the market of an order stuck before placement.
func marketOf(it item, r result) string {
	if o := currentOrder(it, r); o != nil {
		return o.Ticker
	}
	in := cmp.Or(r.intent.val, it.prev.Intent)
	if in == nil || in.MarketID == "" || tickerErr(in.MarketID) != nil {
		return ""
	}
	return in.MarketID
}

// tickerErr says why a ticker cannot go into a comma-separated list read,
// or nil: such a ticker must not sink the call for every other market in
// it, so its own order carries the error instead.
func tickerErr(t string) error {
	if err := kalshi.ValidateID("market ticker", t); err != nil {
		return err
	}
	if strings.Contains(t, ",") {
		return fmt.Errorf("kalshi: %w: market ticker %s contains ','", kalshi.ErrInvalidID, textsafe.Quote(t, 40))
	}
	return nil
}

// chunk splits s into pieces of at most n.
func chunk(s []string, n int) [][]string {
	var out [][]string
	for len(s) > 0 {
		k := min(n, len(s))
		out = append(out, s[:k])
		s = s[k:]
	}
	return out
}
