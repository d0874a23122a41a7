package engine_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline"
	"ordermon/pipeline/pipelinetest"
)

// The chaos soak watches 200 orders for a minute of real time while both
// services fail at random and scripts drive every order to its end, then
// checks that nothing panicked or leaked, that the Kalshi client kept to
// its read budget, and that once the chaos stops every order's final state
// is shown exactly as the services hold it.

const (
	soakIntents    = 150 // intents, each with a Kalshi order
	soakKalshiOnly = 50  // Kalshi orders watched on their own
	soakMarkets    = 20
	soakInterval   = 500 * time.Millisecond
	// soakTier is the Kalshi usage tier whose read bucket the client's
	// limiter copies: Basic, ordermon's default and the tightest.
	soakTier = "basic"
	// soakSendDelay bounds how long after the client's limiter releases a
	// request the exchange stamps its arrival (signing, the loopback
	// connection, scheduling under the race detector). See the rate check.
	soakSendDelay = 250 * time.Millisecond
)

// soakDuration is ORDERMON_SOAK (a Go duration), or a minute.
func soakDuration(t *testing.T) time.Duration {
	v := os.Getenv("ORDERMON_SOAK")
	if v == "" {
		return time.Minute
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("ORDERMON_SOAK=%q: want a positive duration such as 60s", v)
	}
	return d
}

// intentChaos fails a fraction of the intent service's requests the way
// kalshitest.Chaos fails the exchange's: 5xx (JSON 500, or a gateway's
// HTML 502/503), 429 with Retry-After, a reply held until the client gives
// up, a 200 cut off mid-body, and random latency on every reply.
type intentChaos struct {
	inner http.Handler
	on    atomic.Bool
	done  chan struct{}

	p5xx, p429, pTimeout, pGarbage float64
	maxLatency                     time.Duration

	mu  sync.Mutex
	rng *mrand.Rand

	faults atomic.Int64
}

func (c *intentChaos) draw() (latency time.Duration, pick int, r float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Duration(c.rng.Int64N(int64(c.maxLatency))), c.rng.IntN(3), c.rng.Float64()
}

// wait holds a reply for d (for ever when d < 0) unless the client leaves
// or the chaos is torn down; it reports whether the reply should go out.
func (c *intentChaos) wait(r *http.Request, d time.Duration) bool {
	var expired <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-expired:
		return true
	case <-r.Context().Done():
	case <-c.done:
	}
	return false
}

func (c *intentChaos) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !c.on.Load() {
		c.inner.ServeHTTP(w, r)
		return
	}
	latency, pick, x := c.draw()
	if !c.wait(r, latency) {
		return
	}
	switch {
	case x < c.p5xx:
		c.faults.Add(1)
		switch pick {
		case 0:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"success":false,"error":"Internal server error"}`))
		default:
			status := []int{http.StatusBadGateway, http.StatusServiceUnavailable}[pick-1]
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			fmt.Fprintf(w, "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%[1]d %[2]s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", status, http.StatusText(status))
		}
	case x < c.p5xx+c.p429:
		c.faults.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":"Too many requests"}`))
	case x < c.p5xx+c.p429+c.pTimeout:
		c.faults.Add(1)
		c.wait(r, -1)
	case x < c.p5xx+c.p429+c.pTimeout+c.pGarbage:
		c.faults.Add(1)
		rec := httptest.NewRecorder()
		c.inner.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
	default:
		c.inner.ServeHTTP(w, r)
	}
}

// soakOrder is one watched order and how to find its truth in the fakes.
type soakOrder struct {
	target  engine.Target
	intent  string // intent ID, "" for a Kalshi-only order
	kalshi  string // Kalshi order ID
	outcome engine.Outcome
}

func TestSoakChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos soak runs for a minute; skipped with -short")
	}
	d := soakDuration(t)
	baseGoroutines := runtime.NumGoroutine()

	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// One real clock for everything: the soak runs in real time, and the
	// exchange measures the read rate on the clock it stamps arrivals with.
	x := kalshitest.New(kalshitest.Options{})
	x.AddKey("soak-key", pub)
	svc := pipelinetest.New(pipelinetest.Options{Token: hostileToken, Exchange: x})
	chaos := &intentChaos{inner: svc.Handler(), done: make(chan struct{}),
		p5xx: 0.20, p429: 0.10, pTimeout: 0.05, pGarbage: 0.02, maxLatency: 100 * time.Millisecond,
		rng: mrand.New(mrand.NewPCG(7, 11))}
	intentFront := httptest.NewServer(chaos)
	var closeOnce sync.Once
	shutdown := func() {
		closeOnce.Do(func() {
			close(chaos.done)
			intentFront.CloseClientConnections()
			intentFront.Close()
			svc.Close()
			x.Close()
		})
	}
	defer shutdown()

	kt := http.DefaultTransport.(*http.Transport).Clone()
	it := http.DefaultTransport.(*http.Transport).Clone()
	limiter, err := kalshi.NewReadLimiter(soakTier)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "soak-key", Key: priv,
		Timeout: time.Second, Limiter: limiter, HTTPClient: &http.Client{Transport: kt}})
	if err != nil {
		t.Fatal(err)
	}
	ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{BaseURL: intentFront.URL, Timeout: time.Second,
		HTTPClient: &http.Client{Transport: it},
		Token:      func(context.Context) (string, error) { return hostileToken, nil }})
	if err != nil {
		t.Fatal(err)
	}
	budget, err := kalshi.TierBudget(soakTier)
	if err != nil {
		t.Fatal(err)
	}
	// As main wires it: the engine plans each round within the tier's
	// budget, and the client's limiter enforces it.
	eng := engine.New(engine.Config{Kalshi: kc, Intents: ic, Interval: soakInterval, ReadBudget: budget})

	orders := soakWorld(x, svc, eng)

	// Chaos on both services from the first round.
	x.SetChaos(kalshitest.Chaos{P5xx: 0.20, P429: 0.10, PTimeout: 0.05, PGarbage: 0.02, MaxLatency: 100 * time.Millisecond, Seed: 42})
	chaos.on.Store(true)

	var st soakStats
	ctx, stop := context.WithCancel(context.Background())
	rounds := make(chan engine.Round, 1)
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		soakLoop(ctx, eng, &st, rounds)
	}()

	// Scripts advance every order to its end during the first half.
	start := time.Now()
	steps := soakMaxSteps
	tick := time.NewTicker(d / 2 / time.Duration(steps+1))
	for advanced := 0; advanced < steps; {
		<-tick.C
		svc.Advance()
		x.Advance()
		advanced++
	}
	tick.Stop()
	if n, m := svc.Remaining(), x.Pending(); n != 0 || m != 0 {
		t.Fatalf("scripts unfinished: %d intent steps, %d exchange steps", n, m)
	}
	if err := svc.Err(); err != nil {
		t.Fatalf("script errors: %v", err)
	}
	// Chaos continues to the end of the soak, with every order at rest.
	checked := 0
	for time.Since(start) < d {
		select {
		case r := <-rounds:
			if checked%5 == 0 {
				checkShown(t, r, time.Now())
			}
			checked++
		case <-time.After(d - time.Since(start)):
		}
	}
	chaosStats := x.Stats()
	x.SetChaos(kalshitest.Chaos{})
	chaos.on.Store(false)
	clearedAt := time.Now()
	t.Logf("chaos over after %s: %d rounds, max round %s, %d with a Kalshi error, %d with an intent error, %d events",
		time.Since(start).Round(time.Millisecond), st.rounds.Load(), time.Duration(st.maxRound.Load()), st.kalshiErrRounds.Load(), st.intentErrRounds.Load(), st.events.Load())
	t.Logf("order errors seen (per order per round): %s", st.summary())
	t.Logf("Kalshi during chaos: %d requests, %d tokens, %d 5xx, %d 429, %d abandoned; intent faults injected: %d",
		chaosStats.Requests, chaosStats.Tokens, chaosStats.ServerErrors, chaosStats.TooManyRequests, chaosStats.ClientClosed, chaos.faults.Load())

	// Clean rounds until every order shows what the services hold. The
	// engine may be backing off a source for up to its MaxBackoff (30s)
	// when the chaos stops, so allow for that and a few rounds more.
	var final engine.Round
	var diffs []string
	settle := time.After(45 * time.Second)
wait:
	for {
		select {
		case final = <-rounds:
			if diffs = soakDiffs(final, orders, x, svc); len(diffs) == 0 {
				break wait
			}
		case <-settle:
			break wait
		}
	}
	stop()
	<-loopDone
	// Each guarantee is a subtest of its own, so a failure names which
	// one broke.
	t.Run("final states", func(t *testing.T) {
		for _, d := range diffs {
			t.Error(d)
		}
		if len(diffs) > 0 {
			logAsked(t, orders, diffs, x, svc, clearedAt)
		}
	})
	t.Run("shown text", func(t *testing.T) { checkShown(t, final, time.Now()) })

	// The read rate. The client's limiter is a token bucket with rate r
	// and burst b, so the tokens it releases in any window of length W are
	// at most b + r·W. The exchange stamps a request when it arrives, up
	// to soakSendDelay after the limiter released it, so a one-second
	// window of arrivals holds requests released within 1s + soakSendDelay:
	// at most b + r·(1s + soakSendDelay). Kalshi's own bucket for the tier
	// has the same r and b, so that is also what Kalshi would accept. The
	// ten-second window checks the sustained rate, where the burst matters
	// less.
	t.Run("read budget", func(t *testing.T) {
		all := x.Stats()
		rate, burst := float64(limiter.Limit()), limiter.Burst()
		bound := burst + int(rate*(time.Second+soakSendDelay).Seconds())
		perSec, per10 := x.MaxTokensPerSecond(), x.MaxTokensIn(10*time.Second)
		bound10 := burst + int(rate*(10*time.Second+soakSendDelay).Seconds())
		t.Logf("Kalshi in all: %d requests, %d tokens; most tokens in 1s: %d (bound %d = burst %d + %g/s × %s); in 10s: %d (bound %d)",
			all.Requests, all.Tokens, perSec, bound, burst, rate, time.Second+soakSendDelay, per10, bound10)
		if perSec > bound {
			t.Errorf("Kalshi read rate: %d tokens in one second, over the bound %d", perSec, bound)
		}
		if per10 > bound10 {
			t.Errorf("Kalshi read rate: %d tokens in ten seconds, over the bound %d", per10, bound10)
		}
		t.Logf("intent service: %d requests", len(svc.Requests()))
	})

	// No goroutine may outlive the world: close the servers, then the
	// clients' idle keep-alive connections, and wait (bounded) for the
	// count to come back down.
	t.Run("no goroutine leak", func(t *testing.T) {
		shutdown()
		kt.CloseIdleConnections()
		it.CloseIdleConnections()
		// This subtest runs on a goroutine of its own, one more than
		// when the baseline was taken.
		limit := baseGoroutines + 1
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > limit && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > limit {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Errorf("%d goroutines after shutdown, %d allowed:\n%s", n, limit, buf)
		}
	})
}

// logAsked says, for each order shown wrongly, how often the engine still
// asked either service about it once the chaos was over: zero means it
// had stopped watching the order.
func logAsked(t *testing.T, orders []soakOrder, diffs []string, x *kalshitest.Exchange, svc *pipelinetest.Service, since time.Time) {
	t.Helper()
	var kalshiPaths []string
	for _, q := range x.Requests() {
		if q.At.After(since) {
			kalshiPaths = append(kalshiPaths, q.Path+"?"+q.Query)
		}
	}
	intentAsked := map[string]int{}
	for _, q := range svc.Requests() {
		if q.At.After(since) {
			intentAsked[q.Path]++
		}
	}
	for _, o := range orders {
		wrong := false
		for _, d := range diffs {
			wrong = wrong || strings.HasPrefix(d, o.target.String()+":")
		}
		if !wrong {
			continue
		}
		nk := 0
		for _, p := range kalshiPaths {
			if strings.Contains(p, o.kalshi) {
				nk++
			}
		}
		t.Logf("%s: after the chaos, asked Kalshi %d times, the intent service %d times", o.target, nk, intentAsked["/v1/order/"+o.target.ID])
	}
}

// soakMaxSteps is the longest script: CleanCompletion's 10 steps.
const soakMaxSteps = 10

// soakWorld scripts the orders and adds them to the engine: intents that
// complete or fail (linked to Kalshi orders the scripts drive), and
// Kalshi-only orders that fill or are canceled, some named by bare ID.
func soakWorld(x *kalshitest.Exchange, svc *pipelinetest.Service, eng *engine.Engine) []soakOrder {
	var orders []soakOrder
	for i := range soakIntents {
		id := fmt.Sprintf("soak-%03d", i)
		kid := fmt.Sprintf("ko-%03d-%s", i, strings.Repeat("a", 8))
		ticker := fmt.Sprintf("KXSOAK-%02d", i%soakMarkets)
		o := soakOrder{target: engine.Target{Kind: engine.KindIntent, ID: id}, intent: id, kalshi: kid}
		if i%3 == 2 {
			svc.Script(id, pipelinetest.FailureWithReason(kid, ticker)...)
			o.outcome = engine.OutcomeFailure
		} else {
			svc.Script(id, pipelinetest.CleanCompletion(kid, ticker)...)
			o.outcome = engine.OutcomeSuccess
		}
		orders = append(orders, o)
	}
	for i := range soakKalshiOnly {
		kid := fmt.Sprintf("kx-%03d", i)
		ticker := fmt.Sprintf("KXSOAK-%02d", i%soakMarkets)
		x.PutMarket(kalshitest.MarketState{Ticker: ticker, EventTicker: "KXSOAK", Title: "Soak " + ticker, Status: "active",
			YesBid: fixed.MustParse("0.30"), YesAsk: fixed.MustParse("0.33"), CloseTime: time.Now().Add(24 * time.Hour)})
		x.PutOrder(kalshitest.OrderState{OrderID: kid, Ticker: ticker, OutcomeSide: "yes", YesPrice: fixed.MustParse("0.31"),
			InitialCount: fixed.MustParse("6"), CreatedTime: time.Now(), QueueAhead: fixed.MustParse("20")})
		fill := func(n string) func(*kalshitest.Exchange) {
			return func(x *kalshitest.Exchange) {
				x.Fill(kid, fixed.MustParse(n), fixed.MustParse("0.31"), fixed.MustParse("0.01"), i%2 == 0)
			}
		}
		queue := func(n string) func(*kalshitest.Exchange) {
			return func(x *kalshitest.Exchange) { x.SetQueue(kid, fixed.MustParse(n)) }
		}
		o := soakOrder{target: engine.Target{Kind: engine.KindKalshi, ID: kid}, kalshi: kid}
		if i%5 == 0 {
			// A bare ID: the intent service's 404 resolves it to Kalshi.
			o.target.Kind = engine.KindAuto
		}
		if i%2 == 0 {
			x.Script(kid, queue("8"), fill("2"), queue("0"), fill("4"))
			o.outcome = engine.OutcomeSuccess
		} else {
			x.Script(kid, queue("12"), fill("1"), func(x *kalshitest.Exchange) { x.Cancel(kid) })
			o.outcome = engine.OutcomeFailure
		}
		orders = append(orders, o)
	}
	for _, o := range orders {
		eng.Add(o.target)
	}
	return orders
}

// soakStats are figures the polling loop gathers.
type soakStats struct {
	rounds, events                   atomic.Int64
	kalshiErrRounds, intentErrRounds atomic.Int64
	maxRound                         atomic.Int64 // ns

	mu    sync.Mutex
	kinds map[string]int // order errors seen, by source and kind, one per order per round
}

func (st *soakStats) note(r engine.Round) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.kinds == nil {
		st.kinds = map[string]int{}
	}
	for _, s := range r.Snapshots {
		if s.Sources.Kalshi.Used && s.Sources.Kalshi.Err != "" {
			st.kinds["Kalshi "+errorKind(s.Sources.Kalshi.Err)]++
		}
		if s.Sources.Intent.Used && s.Sources.Intent.Err != "" {
			st.kinds["intent "+errorKind(s.Sources.Intent.Err)]++
		}
	}
}

func (st *soakStats) summary() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	var parts []string
	for k, n := range st.kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// errorKind sorts a source error into a few kinds for the figures.
func errorKind(e string) string {
	switch {
	case strings.Contains(e, "read tokens"):
		return "limiter wait"
	case strings.Contains(e, "timed out"):
		return "timeout"
	case strings.Contains(e, " 429 "):
		return "429"
	case strings.Contains(e, " 500 "), strings.Contains(e, " 502 "), strings.Contains(e, " 503 "):
		return "5xx"
	case strings.Contains(e, "unexpected end of JSON"), strings.Contains(e, "not valid JSON"):
		return "truncated JSON"
	case strings.Contains(e, "canceled"):
		return "canceled"
	case strings.Contains(e, " 400 "):
		return "400"
	}
	return "other (" + textTrunc(e, 60) + ")"
}

func textTrunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// soakLoop polls like the live screen: one round at a time, every
// soakInterval (at once when a round overran it), each bounded by
// max(2×interval, 10s). The latest round is offered on rounds without
// blocking the loop.
func soakLoop(ctx context.Context, eng *engine.Engine, st *soakStats, rounds chan engine.Round) {
	timeout := max(2*soakInterval, 10*time.Second)
	next := time.NewTimer(0)
	defer next.Stop()
	var last uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-next.C:
		}
		began := time.Now()
		rctx, cancel := context.WithTimeout(ctx, timeout)
		r := eng.Poll(rctx)
		cancel()
		took := time.Since(began)
		if r.Seq <= last {
			panic(fmt.Sprintf("round %d after %d", r.Seq, last))
		}
		last = r.Seq
		st.rounds.Add(1)
		st.events.Add(int64(len(r.Events)))
		st.note(r)
		if r.Health.Kalshi.Err != "" {
			st.kalshiErrRounds.Add(1)
		}
		if r.Health.Intent.Err != "" {
			st.intentErrRounds.Add(1)
		}
		for {
			m := st.maxRound.Load()
			if int64(took) <= m || st.maxRound.CompareAndSwap(m, int64(took)) {
				break
			}
		}
		// Replace an unread round with the newer one.
		select {
		case <-rounds:
		default:
		}
		rounds <- r
		next.Reset(max(soakInterval-took, 0))
	}
}

// soakDiffs compares each order's snapshot with the fakes' state and
// lists every disagreement; none means the engine shows the truth.
func soakDiffs(r engine.Round, orders []soakOrder, x *kalshitest.Exchange, svc *pipelinetest.Service) []string {
	byKey := map[string]engine.Snapshot{}
	for _, s := range r.Snapshots {
		byKey[s.Target.ID] = s
	}
	var out []string
	bad := func(o soakOrder, format string, args ...any) {
		out = append(out, o.target.String()+": "+fmt.Sprintf(format, args...))
	}
	for _, o := range orders {
		s, ok := byKey[o.target.ID]
		if !ok {
			bad(o, "no snapshot")
			continue
		}
		// An error on a source the order does not use (the intent service,
		// once a bare ID resolved to Kalshi) is not shown anywhere.
		if s.Sources.Kalshi.Used && s.Sources.Kalshi.Err != "" {
			bad(o, "Kalshi error %q", s.Sources.Kalshi.Err)
		}
		if s.Sources.Intent.Used && s.Sources.Intent.Err != "" {
			bad(o, "intent error %q", s.Sources.Intent.Err)
		}
		if s.Outcome() != o.outcome {
			bad(o, "outcome %q, want %q", s.Outcome(), o.outcome)
		}
		if o.intent != "" {
			want, _ := svc.Intent(o.intent)
			switch {
			case s.Intent == nil:
				bad(o, "no intent")
			case string(s.Intent.Status) != want.Status || s.Intent.KalshiOrderID != want.KalshiOrderID || s.Intent.TxHash != want.TxHash:
				bad(o, "intent %s/%s/%s, want %s/%s/%s", s.Intent.Status, s.Intent.KalshiOrderID, s.Intent.TxHash, want.Status, want.KalshiOrderID, want.TxHash)
			}
		} else if s.Target.Kind != engine.KindKalshi || s.Intent != nil {
			bad(o, "resolved as %v with intent %v", s.Target, s.Intent != nil)
		}
		want, _ := x.Order(o.kalshi)
		switch {
		case s.Order == nil:
			bad(o, "no Kalshi order")
		case string(s.Order.Status) != want.Status || !s.Order.FillCount.Equal(want.FillCount) || !s.Order.RemainingCount.Equal(want.RemainingCount):
			bad(o, "Kalshi %s filled %s remaining %s, want %s filled %s remaining %s",
				s.Order.Status, s.Order.FillCount, s.Order.RemainingCount, want.Status, want.FillCount, want.RemainingCount)
		case !s.Order.TotalFees().Equal(want.TakerFees.Add(want.MakerFees)):
			bad(o, "fees %s, want %s", s.Order.TotalFees(), want.TakerFees.Add(want.MakerFees))
		}
		if s.QueueAhead != nil {
			bad(o, "queue position %s shown for a %s order", s.QueueAhead, want.Status)
		}
		for _, f := range s.Diagnosis {
			if f.Severity > engine.SevInfo && f.Code != engine.CodeFailed {
				bad(o, "diagnosed %s: %s", f.Code, f.Message)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestSoakLimiterHoldsBudget floods the exchange from many goroutines
// through one client with the Basic tier's limiter, far faster than the
// budget allows, and checks the limiter holds the rate to its bound. The
// chaos soak rarely needs the limiter, because the engine plans each round
// within the budget; this shows the backstop works when demand exceeds it.
func TestSoakLimiterHoldsBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for seconds of real time; skipped with -short")
	}
	const run = 4 * time.Second
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x := kalshitest.New(kalshitest.Options{})
	defer x.Close()
	x.AddKey("flood-key", pub)
	x.PutOrder(kalshitest.OrderState{OrderID: "FLOOD-1", Ticker: "KXFLOOD", OutcomeSide: "yes",
		YesPrice: fixed.MustParse("0.50"), InitialCount: fixed.MustParse("1"), CreatedTime: time.Now()})
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	limiter, err := kalshi.NewReadLimiter(soakTier)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "flood-key", Key: priv,
		Limiter: limiter, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), run)
	defer cancel()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for ctx.Err() == nil {
				kc.GetOrder(ctx, "FLOOD-1")
			}
		})
	}
	wg.Wait()

	// The bound is the soak's: b + r·(W + soakSendDelay) in any window W.
	rate, burst := float64(limiter.Limit()), limiter.Burst()
	st := x.Stats()
	perSec := x.MaxTokensPerSecond()
	bound := burst + int(rate*(time.Second+soakSendDelay).Seconds())
	total := burst + int(rate*(run+soakSendDelay).Seconds())
	t.Logf("flood: %d requests, %d tokens in %s; most in 1s %d (bound %d); total bound %d", st.Requests, st.Tokens, run, perSec, bound, total)
	if perSec > bound {
		t.Errorf("%d tokens in one second, over the bound %d", perSec, bound)
	}
	if st.Tokens > total {
		t.Errorf("%d tokens in %s, over the bound %d", st.Tokens, run, total)
	}
	// The flood must have pressed on the limit, or the test proved
	// nothing: the burst and most of the refill were used.
	if floor := burst + int(0.8*rate*run.Seconds()); st.Tokens < floor {
		t.Errorf("only %d tokens sent in %s; the flood did not reach the budget (%d)", st.Tokens, run, floor)
	}
	if st.TooManyRequests != 0 {
		t.Errorf("%d 429s", st.TooManyRequests)
	}
}
