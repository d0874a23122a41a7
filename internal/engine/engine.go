package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"ordermon/internal/textsafe"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Config configures an Engine.
type Config struct {
	// Kalshi reads Kalshi orders; nil when Kalshi is not configured.
	Kalshi *kalshi.Client
	// Intents reads intents; nil when the intent service is not configured.
	Intents *pipeline.IntentClient
	// Thresholds decide when a stage counts as stuck.
	Thresholds Thresholds
	// Interval is the refresh interval the caller polls at.
	Interval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TokenExpiry reports when the intent service's JWT expires (zero if
	// unknown or none); nil means unknown.
	TokenExpiry func() time.Time
	// IntentConcurrency caps concurrent intent-service requests; zero
	// means 8.
	IntentConcurrency int
	// KalshiConcurrency caps concurrent Kalshi requests; zero means 8.
	// The Kalshi client's own token bucket still paces them.
	KalshiConcurrency int
	// ReadBudget is the Kalshi read tokens per second ordermon may spend
	// (the usage tier's budget: Basic 200). Each round plans its reads to
	// fit this budget over one interval; zero means no planning limit.
	ReadBudget int
	// MaxBackoff caps how long a failing source is left alone between
	// attempts; zero means 30 seconds.
	MaxBackoff time.Duration
	// Location is the zone diagnosis messages write times in, the run's
	// zone; nil means time.Local.
	Location *time.Location
}

// Health is how each source is doing across all watched orders.
type Health struct {
	Kalshi SourceStatus
	Intent SourceStatus
	// TokenExpiry is when the intent service's JWT expires; zero if none.
	TokenExpiry time.Time
}

// Round is the result of one refresh: every watched order's snapshot, the
// events since the previous round, and the health of each source.
type Round struct {
	// Seq numbers rounds in the order they started; a caller drops a
	// round older than one it already applied.
	Seq      uint64
	Started  time.Time
	Finished time.Time
	// Snapshots has one entry per watched order, in the order they were
	// added.
	Snapshots []Snapshot
	// Events are the changes since the previous round, oldest first.
	Events []Event
	Health Health
	// KalshiTokens is the read tokens this round planned to spend on
	// Kalshi.
	KalshiTokens int
	// Note is a short line about the schedule, such as a stretched
	// interval when the rate budget cannot cover every order; "" if none.
	Note string
}

// Engine polls both sources for every watched order and turns the replies
// into snapshots, events and diagnoses. One engine serves the live screen
// and the headless modes. It is safe for concurrent use; rounds run one at
// a time, so a caller that polls from several goroutines still sees rounds
// in Seq order.
type Engine struct {
	cfg Config
	now func() time.Time

	round sync.Mutex // held for a whole round

	mu      sync.Mutex // guards everything below
	seq     uint64
	orders  []*watch
	index   map[string]*watch
	focus   string
	tracker *Tracker
	sources map[SourceName]*sourceState
	// discoveryFull is set when the account-wide read of resting orders
	// had more pages than a round reads; rounds touch it one at a time.
	discoveryFull bool
}

// watch is the engine's memory of one watched order.
type watch struct {
	key    string // the target as the user added it
	target Target // with Kind resolved once known
	snap   Snapshot
	// fillsDue is set while the fill count moved but the fills have not
	// been read yet (the budget deferred them).
	fillsDue bool
	// terminalRounds counts consecutive rounds that observed a terminal
	// state; after two the order is confirmed and no longer polled.
	terminalRounds int
	// historyTried is set once Kalshi's historical orders were searched
	// for this order; archived is set when it was found there. An
	// archived order is finished, so Kalshi is not asked about it again.
	historyTried, archived bool
}

func (w *watch) done() bool { return w.terminalRounds >= 2 }

// sourceState is the engine-level backoff and health of one source.
type sourceState struct {
	health   SourceStatus
	failures int
}

// New returns an engine with no watched orders.
func New(cfg Config) *Engine {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IntentConcurrency <= 0 {
		cfg.IntentConcurrency = pipeline.MaxConcurrentRequests
	}
	if cfg.KalshiConcurrency <= 0 {
		cfg.KalshiConcurrency = 8
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 2 * time.Second
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	e := &Engine{
		cfg:     cfg,
		now:     cfg.Now,
		index:   map[string]*watch{},
		tracker: NewTracker(),
		sources: map[SourceName]*sourceState{
			SourceKalshi: {health: SourceStatus{Used: cfg.Kalshi != nil}},
			SourceIntent: {health: SourceStatus{Used: cfg.Intents != nil}},
		},
	}
	return e
}

// Add starts watching t. Adding a target already watched does nothing and
// reports false.
func (e *Engine) Add(t Target) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	key := t.String()
	if _, ok := e.index[key]; ok {
		return false
	}
	if t.Kind == KindAuto && e.cfg.Intents == nil {
		t.Kind = KindKalshi
	}
	w := &watch{key: key, target: t, snap: Snapshot{Target: t}}
	e.orders = append(e.orders, w)
	e.index[key] = w
	return true
}

// Remove stops watching t (named as it was added, or as it resolved).
func (e *Engine) Remove(t Target) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, w := range e.orders {
		if w.key == t.String() || w.target.String() == t.String() {
			e.orders = append(e.orders[:i:i], e.orders[i+1:]...)
			delete(e.index, w.key)
			e.tracker.Forget(w.target)
			return
		}
	}
}

// Targets returns the watched targets in the order they were added, with
// their kinds resolved where known.
func (e *Engine) Targets() []Target {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Target, len(e.orders))
	for i, w := range e.orders {
		out[i] = w.target
	}
	return out
}

// Focus marks t as the order the user is looking at, so it is refreshed
// first when the budget is tight.
func (e *Engine) Focus(t Target) {
	e.mu.Lock()
	e.focus = t.String()
	e.mu.Unlock()
}

// Resume clears a halt caused by rejected credentials, so the next round
// asks that source again. The live screen calls it when the user asks for
// a refresh.
func (e *Engine) Resume() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.sources {
		s.health.Halted = false
		s.health.RetryAt = time.Time{}
		s.failures = 0
	}
}

// fetch collects one order's replies during a round, before they are
// merged into its snapshot.
type fetch struct {
	w      *watch
	target Target

	intentTried bool
	// intentUnknown is set when a bare ID fell back to Kalshi because
	// the intent service answered 404 for it.
	intentUnknown bool
	intent        *pipeline.Intent
	intentErr     error
	intentLat     time.Duration
	intentAt      time.Time

	focused    bool
	orderID    string
	kalshiTry  bool
	order      *kalshi.Order
	orderErr   error
	kalshiLat  time.Duration
	kalshiAt   time.Time
	queue      *kalshi.QueuePosition
	queueTried bool
	fills      []kalshi.Fill
	fillsTried bool
	archived   bool // the order was found in Kalshi's historical data
	market     *kalshi.Market
}

// Poll runs one refresh round and returns its result. Canceling ctx ends
// the round early; orders not reached keep their previous data.
func (e *Engine) Poll(ctx context.Context) Round {
	e.round.Lock()
	defer e.round.Unlock()

	start := e.now()
	e.mu.Lock()
	e.seq++
	seq := e.seq
	var work []*fetch
	for _, w := range e.orders {
		if w.done() {
			continue
		}
		f := &fetch{w: w, target: w.target}
		if w.key == e.focus || w.target.String() == e.focus {
			f.focused = true
			work = append([]*fetch{f}, work...)
		} else {
			work = append(work, f)
		}
	}
	intentReady := e.ready(SourceIntent, start)
	kalshiReady := e.ready(SourceKalshi, start)
	e.mu.Unlock()

	if intentReady {
		e.fetchIntents(ctx, work)
	}
	var kp *plan
	if kalshiReady {
		kp = e.fetchKalshi(ctx, work)
	}
	if ctx.Err() != nil {
		// The caller ended the round (Ctrl+C, --timeout): reads it cut
		// short say nothing about the sources, so they are not failures.
		for _, f := range work {
			if cutShort(f.intentErr) {
				f.intentErr, f.intentTried = nil, false
			}
			if cutShort(f.orderErr) {
				f.orderErr = nil
				f.kalshiTry = f.kalshiTry && f.order != nil
			}
		}
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.updateHealth(work, now)
	var events []Event
	for _, f := range work {
		events = append(events, e.merge(f, now)...)
	}
	r := Round{Seq: seq, Started: start, Finished: now, Events: events}
	if kp != nil {
		r.Note = scheduleNote(kp, len(work), e.cfg.Interval)
		r.KalshiTokens = kp.cost
	}
	r.Snapshots = make([]Snapshot, len(e.orders))
	for i, w := range e.orders {
		r.Snapshots[i] = w.snap
	}
	r.Health = Health{Kalshi: e.sources[SourceKalshi].health, Intent: e.sources[SourceIntent].health}
	if e.cfg.TokenExpiry != nil {
		r.Health.TokenExpiry = e.cfg.TokenExpiry()
	}
	return r
}

// ready reports whether a source may be asked this round: it is
// configured, not halted by rejected credentials, and not backing off.
func (e *Engine) ready(name SourceName, now time.Time) bool {
	s := e.sources[name]
	if !s.health.Used || s.health.Halted {
		return false
	}
	return s.health.RetryAt.IsZero() || !now.Before(s.health.RetryAt)
}

// fetchIntents reads the intent of every target that has or may have one,
// and resolves bare IDs: an intent if the service knows it, else Kalshi.
func (e *Engine) fetchIntents(ctx context.Context, work []*fetch) {
	parallel(ctx, len(work), e.cfg.IntentConcurrency, func(i int) {
		f := work[i]
		if f.target.Kind == KindKalshi {
			return
		}
		defer guard(&f.intentErr)
		f.intentTried = true
		f.intentAt = e.now()
		in, err := e.cfg.Intents.GetIntent(ctx, f.target.ID)
		f.intentLat = e.now().Sub(f.intentAt)
		if err != nil {
			f.intentErr = err
			if f.target.Kind == KindAuto && pipeline.IsIntentNotFound(err) {
				f.target.Kind = KindKalshi
				f.intentErr = nil
				f.intentTried = false
				f.intentUnknown = true
			}
			return
		}
		if f.target.Kind == KindAuto {
			f.target.Kind = KindIntent
		}
		f.intent = &in
	})
}

// fetchKalshi reads each order's Kalshi state within the round's token
// budget: the orders (singly or batched by event), their queue positions
// while they rest, their fills when the fill count moved, and their markets.
// It returns the plan it followed.
func (e *Engine) fetchKalshi(ctx context.Context, work []*fetch) *plan {
	for _, f := range work {
		switch f.target.Kind {
		case KindKalshi:
			f.orderID = f.target.ID
		case KindIntent:
			if f.intent != nil {
				f.orderID = f.intent.KalshiOrderID
			} else if f.w.snap.Intent != nil {
				f.orderID = f.w.snap.Intent.KalshiOrderID
			}
		}
	}
	p := e.planKalshi(work, e.now())
	kc := e.cfg.Kalshi
	conc := e.cfg.KalshiConcurrency

	// Batches first: what they miss is read singly, budget permitting.
	missing := make([][]*fetch, len(p.batches))
	pages := make([]int, len(p.batches))
	truncated := make([]bool, len(p.batches))
	parallel(ctx, len(p.batches), conc, func(i int) {
		missing[i], pages[i], truncated[i] = e.readBatch(ctx, p.batches[i])
	})
	var batched []*fetch
	for i, b := range p.batches {
		p.cost += (pages[i] - 1) * kalshi.CostDefault
		if b.status != "" {
			// An account with more resting orders than a round can page
			// through is better read by event from now on.
			e.discoveryFull = truncated[i]
		}
		for _, f := range b.fetch {
			if !slices.Contains(missing[i], f) {
				batched = append(batched, f)
			}
		}
		for _, f := range missing[i] {
			if f.focused {
				p.cost += kalshi.CostGetOrder + kalshi.CostDefault
				p.single = append(p.single, f)
			} else if p.afford(kalshi.CostGetOrder + kalshi.CostDefault) {
				p.single = append(p.single, f)
			} else {
				p.deferred = append(p.deferred, f)
			}
		}
	}

	// Single orders, each with its queue position while it rests. The
	// room kept for queue and market reads is theirs from here on.
	p.reserve = 0
	parallel(ctx, len(p.single), conc, func(i int) {
		f := p.single[i]
		defer guard(&f.orderErr)
		f.kalshiTry = true
		f.kalshiAt = e.now()
		o, err := kc.GetOrder(ctx, f.orderID)
		f.kalshiLat = e.now().Sub(f.kalshiAt)
		if err != nil {
			f.orderErr = err
			return
		}
		f.order = &o
		if o.Status == kalshi.StatusResting {
			f.queueTried = true
			q, err := kc.GetQueuePosition(ctx, f.orderID)
			switch {
			case err == nil:
				f.queue = &q
			case kalshi.StatusOf(err) == http.StatusBadRequest:
				// The order filled or was canceled between the two
				// reads; the next round sees it as it is.
			default:
				f.orderErr = err
			}
		}
	})

	// Orders Kalshi no longer serves live (404) may be in its historical
	// data: look each up once, by its market and time.
	var lookups []*fetch
	for _, f := range p.single {
		if kalshi.IsNotFound(f.orderErr) && !f.w.historyTried && historyTicker(f) != "" && p.afford(kalshi.CostDefault) {
			f.w.historyTried = true
			lookups = append(lookups, f)
		}
	}
	parallel(ctx, len(lookups), conc, func(i int) {
		f := lookups[i]
		var err error
		defer guard(&err)
		if o, ok := e.readHistory(ctx, f); ok {
			f.order, f.orderErr, f.archived = &o, nil, true
		}
	})

	// Queue positions of batched resting orders, by market, many markets
	// a call.
	byMarket := map[string][]*fetch{}
	var markets []string
	for _, f := range batched {
		// A ticker that would fail validation must not sink the call
		// for every other market in it.
		if f.order == nil || f.order.Status != kalshi.StatusResting {
			continue
		}
		if err := tickerErr(f.order.Ticker); err != nil {
			f.orderErr = err
			continue
		}
		if _, ok := byMarket[f.order.Ticker]; !ok {
			markets = append(markets, f.order.Ticker)
		}
		byMarket[f.order.Ticker] = append(byMarket[f.order.Ticker], f)
	}
	queueCalls := chunk(markets, kalshi.MaxQueueTickers)
	queueCalls = queueCalls[:affordable(p, len(queueCalls))]
	parallel(ctx, len(queueCalls), conc, func(i int) {
		var err error
		defer guard(&err)
		qs, err := kc.GetQueuePositions(ctx, queueCalls[i])
		pos := map[string]kalshi.QueuePosition{}
		for _, q := range qs {
			pos[q.OrderID] = q
		}
		for _, m := range queueCalls[i] {
			for _, f := range byMarket[m] {
				f.queueTried = true
				if err != nil {
					f.orderErr = err
				} else if q, ok := pos[f.orderID]; ok {
					f.queue = &q
				}
			}
		}
	})

	// Fills, when an order's fill count moved: the least urgent read, so
	// one the budget cannot cover waits for a later round.
	var fillers []*fetch
	for _, f := range work {
		if f.order == nil || f.order.FillCount.Sign() <= 0 {
			continue
		}
		prev := f.w.snap.Order
		if f.w.fillsDue || prev == nil || !prev.FillCount.Equal(f.order.FillCount) {
			f.w.fillsDue = true
			if p.afford(kalshi.CostDefault) {
				fillers = append(fillers, f)
			}
		}
	}
	parallel(ctx, len(fillers), conc, func(i int) {
		f := fillers[i]
		var err error
		defer guard(&err)
		fills, err := kc.GetFills(ctx, f.orderID)
		if err == nil {
			f.fills, f.fillsTried = fills, true
		} else if f.orderErr == nil {
			f.orderErr = err
		}
	})

	// Markets, many a call.
	byTicker := map[string][]*fetch{}
	var tickers []string
	for _, f := range work {
		t := marketOf(f)
		if t == "" {
			continue
		}
		if _, ok := byTicker[t]; !ok {
			tickers = append(tickers, t)
		}
		byTicker[t] = append(byTicker[t], f)
	}
	marketCalls := chunk(tickers, kalshi.MaxMarketTickers)
	marketCalls = marketCalls[:affordable(p, len(marketCalls))]
	parallel(ctx, len(marketCalls), conc, func(i int) {
		var err error
		defer guard(&err)
		ms, err := kc.GetMarkets(ctx, marketCalls[i])
		for _, m := range ms {
			for _, f := range byTicker[m.Ticker] {
				mm := m
				f.market = &mm
			}
		}
		if err != nil {
			for _, t := range marketCalls[i] {
				for _, f := range byTicker[t] {
					if f.orderErr == nil {
						f.orderErr = err
					}
				}
			}
		}
	})
	return p
}

// marketOf names the market to read for an order: its Kalshi order's
// ticker, or, before Kalshi has the order, the market the intent names, so
// a support person sees the market of an order stuck before placement. An
// order whose ticker cannot be read records why.
func marketOf(f *fetch) string {
	if f.order != nil {
		if err := tickerErr(f.order.Ticker); err != nil {
			if f.orderErr == nil {
				f.orderErr = err
			}
			return ""
		}
		return f.order.Ticker
	}
	in := f.intent
	if in == nil {
		in = f.w.snap.Intent
	}
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
		return fmt.Errorf("kalshi: %w: market ticker %q contains ','", kalshi.ErrInvalidID, textsafe.Truncate(textsafe.Clean(t), 40))
	}
	return nil
}

// historyTicker names the market to search Kalshi's historical orders in:
// the order's own ticker if it was ever read, else the market the intent
// names. The historical endpoint has no order-ID filter, so without a
// ticker the search would have to page through the account's history.
func historyTicker(f *fetch) string {
	if o := f.w.snap.Order; o != nil && tickerErr(o.Ticker) == nil {
		return o.Ticker
	}
	in := f.intent
	if in == nil {
		in = f.w.snap.Intent
	}
	if in != nil && in.MarketID != "" && tickerErr(in.MarketID) == nil {
		return in.MarketID
	}
	return ""
}

// readHistory searches Kalshi's historical orders in the order's market,
// from an hour before it is known to have existed, for the order.
func (e *Engine) readHistory(ctx context.Context, f *fetch) (kalshi.Order, bool) {
	q := kalshi.OrdersQuery{Ticker: historyTicker(f), Limit: kalshi.MaxOrdersLimit}
	var since time.Time
	if o := f.w.snap.Order; o != nil && !o.CreatedTime.IsZero() {
		since = o.CreatedTime
	} else if in := cmp.Or(f.intent, f.w.snap.Intent); in != nil {
		since = cmp.Or(in.OrderPlacedAt, in.CreatedAt)
	}
	if !since.IsZero() {
		q.MinTs = since.Add(-time.Hour).Unix()
	}
	for range maxBatchPages {
		page, err := e.cfg.Kalshi.GetHistoricalOrders(ctx, q)
		if err != nil {
			return kalshi.Order{}, false
		}
		for _, o := range page.Orders {
			if o.OrderID == f.orderID {
				return o, true
			}
		}
		if page.Cursor == "" {
			break
		}
		q.Cursor = page.Cursor
	}
	return kalshi.Order{}, false
}

// affordable returns how many of n calls of the default cost fit the
// plan's budget, spending it.
func affordable(p *plan, n int) int {
	for i := range n {
		if !p.afford(kalshi.CostDefault) {
			return i
		}
	}
	return n
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

// merge folds one order's replies into its snapshot and returns the events
// the change produced. It runs with e.mu held.
func (e *Engine) merge(f *fetch, now time.Time) []Event {
	w := f.w
	prev := w.snap
	s := prev
	s.ObservedAt = now
	if f.target.Kind != w.target.Kind {
		// A bare ID resolved: start its history under the resolved name.
		e.tracker.Forget(w.target)
		w.target = f.target
	}
	s.Target = w.target

	// Intent source.
	s.Sources.Intent.Used = s.Target.Kind != KindKalshi && e.cfg.Intents != nil
	if f.intentUnknown {
		s.Sources.Intent.NotFound = true
	}
	if s.Target.Kind == KindIntent && e.cfg.Intents == nil {
		s.Sources.Intent.Used = true
		s.Sources.Intent.Err = "the intent service is not configured"
	}
	if f.intentTried {
		src := &s.Sources.Intent
		src.LastAttempt = f.intentAt
		src.Latency = f.intentLat
		if f.intentErr != nil {
			src.Err = shortError(f.intentErr)
			src.NotFound = pipeline.IsIntentNotFound(f.intentErr)
			if src.NotFound {
				// A 404 is an answer, not an outage.
				src.Err, src.LastSuccess = "", now
				s.Intent = nil
			}
		} else {
			src.Err, src.NotFound = "", false
			src.LastSuccess = now
			s.Intent = f.intent
		}
	}
	if s.Intent != nil && (s.PeakStatus == "" || statusRank(s.Intent.Status) > statusRank(s.PeakStatus)) {
		s.PeakStatus = s.Intent.Status
	}

	// Kalshi source.
	s.Sources.Kalshi.Used = s.Target.Kind == KindKalshi || (s.Intent != nil && s.Intent.KalshiOrderID != "")
	if s.Sources.Kalshi.Used && e.cfg.Kalshi == nil {
		s.Sources.Kalshi.Err = "Kalshi is not configured"
	}
	if f.kalshiTry {
		src := &s.Sources.Kalshi
		src.LastAttempt = f.kalshiAt
		src.Latency = f.kalshiLat
		if f.order != nil {
			src.LastSuccess = now
			src.NotFound = false
			s.Order = f.order
			if f.queueTried {
				if f.queue != nil {
					s.PrevQueueAhead = prev.QueueAhead
					ahead := f.queue.Ahead
					s.QueueAhead = &ahead
				}
			} else {
				s.PrevQueueAhead, s.QueueAhead = nil, nil
			}
			if f.fillsTried {
				s.Fills = f.fills
				w.fillsDue = false
			}
		}
		if f.orderErr != nil {
			src.Err = shortError(f.orderErr)
			src.NotFound = f.order == nil && kalshi.IsNotFound(f.orderErr)
			if src.NotFound {
				// A 404 is an answer, not an outage.
				src.Err, src.LastSuccess = "", now
				s.Order, s.QueueAhead, s.PrevQueueAhead = nil, nil, nil
			}
		} else {
			src.Err = ""
		}
	}
	if f.market != nil {
		s.Market = f.market
	}
	e.noteBackoff(&s, now)

	if f.archived {
		w.archived = true
	}
	s.KalshiArchived = w.archived
	s.Diagnosis = Diagnose(s, e.cfg.Thresholds, now, e.cfg.Location)
	w.snap = s
	// A terminal state counts toward confirmation only when every source
	// the order involves answered this round (an archived order is
	// finished, so its Kalshi side needs no answer), so an order is never
	// left frozen on stale data from a source that was failing.
	fresh := (!s.Sources.Intent.Used || (f.intentTried && f.intentErr == nil)) &&
		(!s.Sources.Kalshi.Used || w.archived || (f.kalshiTry && f.order != nil && f.orderErr == nil))
	switch {
	case !s.Terminal():
		w.terminalRounds = 0
	case fresh:
		w.terminalRounds++
	}
	return e.tracker.Observe(s)
}

// noteBackoff copies a source's engine-level backoff into the order's
// status, so the order shows when its data will next be refreshed.
func (e *Engine) noteBackoff(s *Snapshot, now time.Time) {
	for name, src := range map[SourceName]*SourceStatus{SourceKalshi: &s.Sources.Kalshi, SourceIntent: &s.Sources.Intent} {
		st := e.sources[name].health
		src.RetryAt, src.RateLimited, src.Halted = time.Time{}, false, false
		if !src.Used {
			continue
		}
		if st.Halted {
			src.Halted = true
			src.Err = st.Err
		}
		if !st.RetryAt.IsZero() && now.Before(st.RetryAt) {
			src.RetryAt, src.RateLimited = st.RetryAt, st.RateLimited
		}
	}
}

// updateHealth folds the round's outcomes into each source's health and
// sets the next backoff. It runs with e.mu held, before the snapshots are
// merged, so every order shows this round's halt or backoff.
//
// A source as a whole backs off only when it is rate-limited (429 is
// account-wide) or every request to it failed transiently; a few orders
// failing while others are answered, or an order with a permanent problem
// (a bad reply, a 404), keep their own errors without slowing the rest.
func (e *Engine) updateHealth(work []*fetch, now time.Time) {
	type outcome struct {
		tried, ok   bool
		transient   error
		permanent   error
		lat         time.Duration
		rateLimited bool
		retryAfter  time.Duration
		authFailed  error
	}
	var res [2]outcome
	note := func(o *outcome, err error, lat time.Duration, tried bool) {
		if !tried {
			return
		}
		o.tried = true
		o.lat = lat
		switch {
		case err == nil, kalshi.IsNotFound(err), pipeline.IsIntentNotFound(err):
			// A 404 is an answer about one order, not an outage.
			o.ok = true
		case kalshi.IsUnauthorized(err) || kalshi.StatusOf(err) == http.StatusForbidden ||
			pipeline.IntentStatusOf(err) == 401 || pipeline.IntentStatusOf(err) == 403 || pipeline.IsTokenExpired(err):
			// Asking again with the same credentials cannot help, and a
			// storm of rejected requests can get a key locked.
			o.authFailed = err
		case retryable(err):
			o.transient = err
			o.rateLimited = o.rateLimited || kalshi.IsRateLimited(err) || pipeline.IntentStatusOf(err) == 429
			o.retryAfter = max(o.retryAfter, retryAfter(err))
		default:
			o.permanent = err
		}
	}
	for _, f := range work {
		note(&res[0], f.orderErr, f.kalshiLat, f.kalshiTry)
		note(&res[1], f.intentErr, f.intentLat, f.intentTried)
	}
	for i, name := range []SourceName{SourceKalshi, SourceIntent} {
		o := res[i]
		s := e.sources[name]
		if !o.tried {
			continue
		}
		s.health.LastAttempt = now
		s.health.Latency = o.lat
		if o.ok {
			s.health.LastSuccess = now
		}
		s.health.RetryAt, s.health.RateLimited = time.Time{}, false
		switch {
		case o.authFailed != nil:
			s.health.Halted = true
			s.health.Err = authMessage(name, o.authFailed, now)
		case o.rateLimited || (o.transient != nil && !o.ok):
			s.failures++
			s.health.Err = shortError(o.transient)
			s.health.RateLimited = o.rateLimited
			// The server's Retry-After wins when it asks for longer,
			// within reason: a hostile value cannot stop polling for
			// hours.
			wait := max(e.backoff(s.failures), min(o.retryAfter, maxEngineRetryAfter))
			s.health.RetryAt = now.Add(wait)
		case o.transient != nil:
			s.failures = 0
			s.health.Err = shortError(o.transient)
		case o.permanent != nil:
			s.failures = 0
			s.health.Err = shortError(o.permanent)
		default:
			s.failures = 0
			s.health.Err = ""
		}
	}
}

// maxEngineRetryAfter bounds how long a server's Retry-After can stop polling.
const maxEngineRetryAfter = 10 * time.Minute

// retryAfter returns the Retry-After a reply carried, or zero.
func retryAfter(err error) time.Duration {
	var ae *kalshi.APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	var ie *pipeline.IntentError
	if errors.As(err, &ie) {
		return ie.RetryAfter
	}
	return 0
}

// backoff returns the wait after n consecutive failed rounds: exponential
// from one interval, capped, with jitter so many watchers do not retry in
// step.
func (e *Engine) backoff(n int) time.Duration {
	d := e.cfg.Interval
	for i := 1; i < n && d < e.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, e.cfg.MaxBackoff)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// cutShort reports whether err only says the round's context ended.
func cutShort(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// retryable reports whether an error may go away by itself: 429, 5xx,
// timeouts and connection failures, as opposed to a reply that will be
// just as wrong next time.
func retryable(err error) bool {
	if kalshi.Retryable(err) {
		return true
	}
	return pipeline.Retryable(err)
}

// authMessage explains a rejected credential in plain words, naming clock
// skew when the server's Date header shows it.
func authMessage(name SourceName, err error, now time.Time) string {
	var te *pipeline.TokenExpiredError
	if errors.As(err, &te) {
		return "the intent service token expired at " + te.At.UTC().Format("15:04:05 UTC") + "; renew it (token, token_file or token_command)"
	}
	if name == SourceIntent {
		return "the intent service rejected the credentials (" + shortError(err) + "); check the token or API key"
	}
	var ae *kalshi.APIError
	if !errors.As(err, &ae) {
		return "Kalshi rejected the credentials; check the API key ID and private key"
	}
	why := fmt.Sprintf("%d %s", ae.Status, http.StatusText(ae.Status))
	if ae.Message != "" {
		why += ": " + textsafe.Truncate(ae.Message, 60)
	}
	if ae.Status == http.StatusForbidden {
		return "Kalshi refused access (" + why + "); check the API key's permissions and the account"
	}
	msg := "Kalshi rejected the credentials (" + why + "); check the API key ID and private key"
	if !ae.ServerDate.IsZero() {
		skew := now.Sub(ae.ServerDate)
		if skew < 0 {
			skew = -skew
		}
		if skew > 5*time.Second {
			msg = fmt.Sprintf("Kalshi rejected the request signature (%s); the local clock is %s off Kalshi's, which is the likely cause: fix the system clock", why, skew.Round(time.Second))
		}
	}
	return msg
}

// shortError renders an error as a few sanitized words for a status line.
func shortError(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return textsafe.Truncate(textsafe.Clean(err.Error()), 160)
}

// statusRank orders statuses along the pipeline; statuses outside it rank
// below pending so they never count as progress.
func statusRank(st pipeline.Status) int {
	if st == pipeline.StatusFailed {
		return -1
	}
	if s, ok := pipeline.StageOf(st); ok {
		return int(s)
	}
	return -1
}

// parallel runs fn(0..n-1) with at most limit running at once, stopping
// early when ctx ends.
func parallel(ctx context.Context, n, limit int, fn func(i int)) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() {
				<-sem
				wg.Done()
			}()
			fn(i)
		}()
	}
	wg.Wait()
}

// guard turns a panic while handling one reply into that reply's error,
// so one hostile reply cannot take the program down.
func guard(errp *error) {
	if r := recover(); r != nil {
		*errp = fmt.Errorf("internal error handling the reply: %v", r)
	}
}
