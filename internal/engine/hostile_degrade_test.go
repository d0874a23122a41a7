package engine_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// oversize answers with the genuine reply padded past the 1 MiB body cap
// when the request asks for a page of at least minLimit (or names no
// limit), and with the genuine reply otherwise: a server whose full pages
// are too big, but whose smaller pages get through.
func oversize(minLimit int) hostile {
	return func(w http.ResponseWriter, r *http.Request, genuine func() *httptest.ResponseRecorder) {
		rec := genuine()
		body := rec.Body.Bytes()
		if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err != nil || n >= minLimit {
			body = append([]byte(`{"padding":"`+strings.Repeat("x", 3<<19)+`",`), bytes.TrimPrefix(bytes.TrimSpace(body), []byte("{"))...)
		}
		copyHeader(w.Header(), rec.Header())
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		w.Write(body)
	}
}

// TestHostileBodyCapPages: a GetOrders page over the body cap still yields
// every order, fresh and without error: from smaller pages when those fit,
// else order by order.
func TestHostileBodyCapPages(t *testing.T) {
	for _, c := range []struct {
		name     string
		minLimit int
		singles  bool
	}{
		{"smaller pages fit", 200, false},
		{"no page fits", 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newBatchWorld(t)
			w.poll(t)
			w.kalshiFront.set(onBatch(oversize(c.minLimit)))
			w.clock.Add(3 * time.Second)
			r := w.poll(t)
			for _, s := range r.Snapshots {
				if s.Order == nil || s.Sources.Kalshi.Err != "" || !s.Sources.Kalshi.LastSuccess.Equal(r.Finished) {
					t.Errorf("%v: order %v, err %q, read at %v (round at %v)", s.Target, s.Order != nil, s.Sources.Kalshi.Err, s.Sources.Kalshi.LastSuccess, r.Finished)
				}
			}
			singles := 0
			for _, q := range w.x.Requests() {
				if strings.Contains(q.Path, "/portfolio/orders/B") {
					singles++
				}
			}
			if c.singles != (singles == batchOrders) {
				t.Errorf("%d single reads", singles)
			}
		})
	}
}

// TestHostileMarketsFailing: a /markets that answers 500 every time marks
// only the market figure stale; the orders are still read every interval,
// the source is healthy (the footer shows it fresh) and the market keeps
// its last value.
func TestHostileMarketsFailing(t *testing.T) {
	w := newHostileWorld(t)
	w.poll(t)
	w.x.InjectFault(kalshitest.Fault{Path: "/markets", Status: 500})
	const rounds = 8
	for i := range rounds {
		before := orderReads(w.x)
		w.clock.Add(2 * time.Second)
		r := w.poll(t)
		if orderReads(w.x) == before {
			t.Errorf("round %d read no order while /markets failed", i)
		}
		h := r.Health.Kalshi
		if h.Err != "" || !h.RetryAt.IsZero() || h.Stale(r.Finished, 2*time.Second) || !h.LastSuccess.Equal(r.Finished) {
			t.Errorf("round %d: Kalshi health %+v; want fresh", i, h)
		}
		wantErr(t, "round health, market figure", r.Health.Figures.Market.Err, "500")
		s := snapOf(t, r, targetKalshi)
		wantErr(t, "market figure", s.Figures.Market.Err, "500")
		if s.Sources.Kalshi.Err != "" || s.Market == nil || s.Market.Ticker != "KXT-2" || !s.Figures.Market.Stale() {
			t.Errorf("round %d: order err %q, market %v, figure %+v", i, s.Sources.Kalshi.Err, s.Market != nil, s.Figures.Market)
		}
	}
	w.x.ClearFaults()
	w.clock.Add(2 * time.Second)
	if s := snapOf(t, w.poll(t), targetKalshi); s.Figures.Market.Stale() {
		t.Errorf("market figure still stale after recovery: %+v", s.Figures.Market)
	}
}

// orderReads counts the order reads (single or listing) so far.
func orderReads(x *kalshitest.Exchange) int {
	n := 0
	for _, q := range x.Requests() {
		if kalshiRead(q.Path) == "GetOrder" || kalshiRead(q.Path) == "GetOrders" {
			n++
		}
	}
	return n
}

// TestHostileExchangePaused: a trading pause shows in Health, on the
// snapshot, and in the stuck_placed diagnosis.
func TestHostileExchangePaused(t *testing.T) {
	w := newHostileWorld(t)
	resume := w.clock.Now().Add(time.Hour).Truncate(time.Minute)
	w.x.SetExchangeStatus(kalshitest.ExchangeStatus{ExchangeActive: false, ResumeAt: resume})
	w.clock.Add(20 * time.Minute) // past the placed threshold
	r := w.poll(t)
	if p := r.Health.Exchange.Pause(); !strings.Contains(p, "inactive") || !strings.Contains(p, resume.Format("15:04")) {
		t.Errorf("health pause %q", p)
	}
	s := snapOf(t, r, targetIntent)
	found := false
	for _, f := range s.Diagnosis {
		found = found || (f.Code == engine.CodeStuckPlaced && strings.Contains(f.Message, "inactive"))
	}
	if !found {
		t.Errorf("stuck_placed does not name the exchange status: %v", s.Diagnosis)
	}
	w.x.SetExchangeStatus(kalshitest.ExchangeStatus{ExchangeActive: true, TradingActive: true})
	w.clock.Add(time.Minute)
	if p := w.poll(t).Health.Exchange.Pause(); p != "" {
		t.Errorf("pause %q after trading resumed", p)
	}
}

// smallWorld is a Kalshi-only engine on a fake with opts, watching n
// resting, partly filled orders on m markets (subaccount sub).
func smallWorld(t *testing.T, opts kalshitest.Options, n, m, sub int) (*kalshitest.Exchange, *engine.Engine, *kalshitest.Clock) {
	t.Helper()
	clk := kalshitest.NewClock(time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC))
	opts.Now = clk.Now
	x := kalshitest.New(opts)
	t.Cleanup(x.Close)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	x.AddKey("k", pub)
	kc, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "k", Key: priv, Now: clk.Now, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Kalshi: kc, Now: clk.Now, Interval: 2 * time.Second, ReadBudget: 200})
	for i := range m {
		x.PutMarket(kalshitest.MarketState{Ticker: fmt.Sprintf("KXS-%d", i), EventTicker: "KXS", Status: "active"})
	}
	for i := range n {
		id := fmt.Sprintf("S%d", i)
		x.PutOrder(kalshitest.OrderState{OrderID: id, Ticker: fmt.Sprintf("KXS-%d", i%m), OutcomeSide: "yes", YesPrice: fixed.MustParse("0.5"),
			InitialCount: fixed.FromInt(10), CreatedTime: clk.Now(), QueueAhead: fixed.FromInt(int64(i + 1)), SubaccountNumber: sub})
		clk.Add(time.Second)
		x.Fill(id, fixed.FromInt(1), fixed.MustParse("0.5"), fixed.Decimal{}, false)
		eng.Add(engine.Target{Kind: engine.KindKalshi, ID: id})
	}
	clk.Add(time.Second)
	return x, eng, clk
}

// TestFillsWhenListsRefused: a server older than the ticker-list change
// answers a list with 400; the engine reads the fills anyway (one market a
// call, or the whole account), and does not send a list again.
func TestFillsWhenListsRefused(t *testing.T) {
	for _, markets := range []int{2, 6} {
		t.Run(fmt.Sprintf("markets=%d", markets), func(t *testing.T) {
			x, eng, clk := smallWorld(t, kalshitest.Options{RefuseTickerLists: true}, 6, markets, 0)
			r := eng.Poll(context.Background())
			for _, s := range r.Snapshots {
				if len(s.Fills) != 1 || s.Figures.Fills.Err != "" {
					t.Errorf("%v: %d fills, figure %+v", s.Target, len(s.Fills), s.Figures.Fills)
				}
			}
			x.Fill("S0", fixed.FromInt(1), fixed.MustParse("0.5"), fixed.Decimal{}, false)
			clk.Add(2 * time.Second)
			if s := snapOf(t, eng.Poll(context.Background()), engine.Target{Kind: engine.KindKalshi, ID: "S0"}); len(s.Fills) != 2 {
				t.Errorf("S0 has %d fills after a new one", len(s.Fills))
			}
			lists := 0
			for _, q := range x.Requests() {
				if strings.HasSuffix(q.Path, "/portfolio/fills") && strings.Contains(q.Query, "%2C") {
					lists++
				}
			}
			if lists != 1 {
				t.Errorf("%d fills reads sent a ticker list; want the one that was refused", lists)
			}
		})
	}
}

// TestQueueBySubaccount: orders of subaccount 3 get their queue positions,
// read with subaccount=3.
func TestQueueBySubaccount(t *testing.T) {
	x, eng, _ := smallWorld(t, kalshitest.Options{}, 6, 2, 3)
	r := eng.Poll(context.Background())
	for _, s := range r.Snapshots {
		if s.QueueAhead == nil {
			t.Errorf("%v: no queue position", s.Target)
		}
	}
	for _, q := range x.Requests() {
		if strings.HasSuffix(q.Path, "/queue_positions") && !strings.Contains(q.Query, "subaccount=3") {
			t.Errorf("queue read without the subaccount: %s", q.Query)
		}
	}
}
