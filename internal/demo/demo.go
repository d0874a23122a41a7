// Package demo runs ordermon's built-in demonstration: a fake Kalshi
// exchange and a fake intent service on loopback, reached with real signed
// requests and a real bearer token, holding a scripted set of orders that
// covers what users meet — a clean completion, a partial fill waiting in the
// queue, a failure, an order stuck with funds locked, a Kalshi cancel the
// intent service missed, and a Kalshi-only order.
//
// The demo needs no credentials or network, and every mode works with it,
// so a newcomer can see ordermon before setting anything up. The fake
// exchange serves Kalshi's WebSocket too, and every scripted step that
// changes an order, a fill or a price pushes it, so the demo shows push as
// it runs against Kalshi.
package demo

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline/pipelinetest"
)

// World is a running demo: both fakes, the credentials that reach them, and
// the orders to watch.
type World struct {
	Exchange *kalshitest.Exchange
	Service  *pipelinetest.Service

	// KalshiBaseURL, KeyID and Key reach the fake exchange.
	KalshiBaseURL string
	KeyID         string
	Key           crypto.Signer
	// PipelineURL, Token and APIKey reach the fake intent service.
	PipelineURL string
	Token       string
	APIKey      string

	// Targets are the demo orders, in the order they should be listed.
	Targets []engine.Target

	offset atomic.Int64 // how far the fakes' clock runs behind real time
	mu     sync.Mutex   // serializes Advance
}

// The demo's markets and orders.
const (
	kalshiOnlyOrder = "7f3a9c1e-4b2d-4e8a-9f61-2c5d8e0b1a47"
)

type demoOrder struct {
	intentID, kalshiID, ticker, event, title, yesSub string
	yesBid, yesAsk                                   string
}

var orders = []demoOrder{
	{"1001", "c41d2e7a-1f3b-4c6d-8e9f-0a1b2c3d4e5f", "KXBTCD-26NOV2117-T98499.99", "KXBTCD-26NOV2117", "Bitcoin price today at 5pm EST?", "$98,500 or above", "0.54", "0.56"},
	{"1002", "d52e3f8b-2a4c-4d7e-9fa0-1b2c3d4e5f60", "KXFEDDECISION-26DEC-H0", "KXFEDDECISION-26DEC", "Fed decision in Dec 2026?", "Hike 0bps", "0.61", "0.63"},
	{"1003", "e63f4a9c-3b5d-4e8f-a0b1-2c3d4e5f6071", "KXNBAGAME-26NOV21LALBOS-LAL", "KXNBAGAME-26NOV21LALBOS", "Lakers vs Celtics winner?", "Lakers", "0.47", "0.49"},
	{"1004", "", "KXCPIYOY-26NOV-T2.9", "KXCPIYOY-26NOV", "CPI year-over-year in Nov 2026?", "Above 2.9%", "0.38", "0.41"},
	{"1005", "f7405bad-4c6e-4f90-b1c2-3d4e5f607182", "KXHIGHNY-26NOV21-B52", "KXHIGHNY-26NOV21", "Highest temperature in NYC today?", "51° to 52°", "0.22", "0.25"},
}

// Start starts both fakes, loads the scripted orders and brings each to the
// state the demo shows first. The fakes' clocks follow real time, so the
// stage ages on screen are true.
func Start() (*World, error) {
	w, err := startFakes()
	if err != nil {
		return nil, err
	}
	w.putMarkets()
	w.playStoriesUnderWay()
	w.startKalshiOnly()
	w.startCleanCompletion()
	for _, id := range []string{"1001", "1002", "1003", "1004", "1005"} {
		w.Targets = append(w.Targets, engine.Target{Kind: engine.KindIntent, ID: id})
	}
	w.Targets = append(w.Targets, engine.Target{Kind: engine.KindKalshi, ID: kalshiOnlyOrder})
	return w, nil
}

// startFakes starts both fakes on loopback with the demo's credentials.
func startFakes() (*World, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("demo: generating a signing key: %w", err)
	}
	w := &World{KeyID: "demo-key-0b7e", Key: key, APIKey: "demo-api-key"} //nolint:gosec // G101: made-up credentials for the in-process fakes
	now := w.now
	w.Exchange = kalshitest.New(kalshitest.Options{Now: now})
	w.Exchange.AddKey(w.KeyID, &key.PublicKey)
	w.Token = demoJWT(time.Now().Add(2 * time.Hour))
	w.Service = pipelinetest.New(pipelinetest.Options{Token: w.Token, APIKey: w.APIKey, Now: now, Exchange: w.Exchange})
	w.KalshiBaseURL = w.Exchange.BaseURL()
	w.PipelineURL = w.Service.URL
	return w, nil
}

// putMarkets lists every demo market on the exchange.
func (w *World) putMarkets() {
	for _, o := range orders {
		w.Exchange.PutMarket(kalshitest.MarketState{
			Ticker: o.ticker, EventTicker: o.event, Title: o.title, YesSubTitle: o.yesSub,
			NoSubTitle: o.yesSub, Status: "active",
			YesBid: fixed.MustParse(o.yesBid), YesAsk: fixed.MustParse(o.yesAsk), LastPrice: fixed.MustParse(o.yesAsk),
			CloseTime: time.Now().Add(6 * time.Hour).Truncate(time.Hour),
		})
	}
	w.Exchange.PutMarket(kalshitest.MarketState{
		Ticker: "KXETHD-26NOV2117-T3399.99", EventTicker: "KXETHD-26NOV2117", Title: "Ethereum price today at 5pm EST?",
		YesSubTitle: "$3,400 or above", NoSubTitle: "$3,400 or above", Status: "active",
		YesBid: fixed.MustParse("0.29"), YesAsk: fixed.MustParse("0.33"), LastPrice: fixed.MustParse("0.31"),
		CloseTime: time.Now().Add(6 * time.Hour).Truncate(time.Hour),
	})
}

// playStoriesUnderWay plays the stories that are already under way when
// the demo opens with the fakes' clock running behind, a minute or so per
// step, so their stage times and ages are realistic.
func (w *World) playStoriesUnderWay() {
	s := w.Service
	w.setOffset(9 * time.Minute)
	for _, o := range orders {
		// Put each intent as the create-order endpoint records it, with
		// its market, before its story starts.
		s.PutIntent(pipelinetest.NewIntent(o.intentID, o.ticker))
	}
	s.Script("1002", pipelinetest.PartialFillInQueue(orders[1].kalshiID, orders[1].ticker)...)
	s.Script("1003", pipelinetest.FailureWithReason(orders[2].kalshiID, orders[2].ticker)...)
	s.Script("1004", pipelinetest.StuckValidated(orders[3].kalshiID, orders[3].ticker)...)
	s.Script("1005", pipelinetest.KalshiCancelUnnoticed(orders[4].kalshiID, orders[4].ticker)...)
	for _, back := range []time.Duration{8*time.Minute + 40*time.Second, 8 * time.Minute, 7 * time.Minute, 6*time.Minute + 30*time.Second, 5 * time.Minute, 4 * time.Minute, 3 * time.Minute, 2 * time.Minute} {
		w.setOffset(back)
		s.Advance()
	}
}

// startKalshiOnly puts the Kalshi-only order: it rests with a few fills and
// keeps filling as it moves up the queue.
func (w *World) startKalshiOnly() {
	w.setOffset(4 * time.Minute)
	w.Exchange.PutOrder(kalshitest.OrderState{
		OrderID: kalshiOnlyOrder, UserID: "demo-user", ClientOrderID: "desk-eth-0042",
		Ticker: "KXETHD-26NOV2117-T3399.99", OutcomeSide: "yes", YesPrice: fixed.MustParse("0.31"),
		InitialCount: fixed.MustParse("25"), CreatedTime: w.now(), LastUpdateTime: w.now(),
		ExpirationTime: time.Now().Add(6 * time.Hour).Truncate(time.Hour),
		QueueAhead:     fixed.MustParse("64"),
	})
	w.setOffset(time.Minute)
	w.Exchange.Fill(kalshiOnlyOrder, fixed.MustParse("2.50"), fixed.MustParse("0.31"), fixed.MustParse("0.0175"), false)
	w.setOffset(0)
	var steps []func(*kalshitest.Exchange)
	for i, ahead := range []string{"58", "41", "33", "20", "12", "5", "0"} {
		a := fixed.MustParse(ahead)
		steps = append(steps, func(x *kalshitest.Exchange) { x.SetQueue(kalshiOnlyOrder, a) })
		if i >= 4 {
			steps = append(steps, func(x *kalshitest.Exchange) {
				x.Fill(kalshiOnlyOrder, fixed.MustParse("2.25"), fixed.MustParse("0.31"), fixed.MustParse("0.0158"), false)
			})
		}
	}
	w.Exchange.Script(kalshiOnlyOrder, steps...)
}

// startCleanCompletion starts the clean completion now; it moves a step at
// a time.
func (w *World) startCleanCompletion() {
	s := w.Service
	s.Update("1001", func(st *pipelinetest.IntentState) { st.CreatedAt = w.now() })
	s.Script("1001", pipelinetest.CleanCompletion(orders[0].kalshiID, orders[0].ticker)...)
	s.Advance()
}

// Advance moves every scripted story one step and reports how many steps
// ran; zero means every story has finished.
func (w *World) Advance() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.Service.Advance() + w.Exchange.Advance()
}

// Run advances the stories every period until ctx ends, so the live screen
// shows orders moving.
func (w *World) Run(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.Advance()
		}
	}
}

// Close stops both fakes.
func (w *World) Close() {
	w.Service.Close()
	w.Exchange.Close()
}

func (w *World) now() time.Time { return time.Now().Add(-time.Duration(w.offset.Load())) }

func (w *World) setOffset(d time.Duration) { w.offset.Store(int64(d)) }

// demoJWT returns an unsigned-looking JWT whose exp the client can read; the
// fake service compares it verbatim, so its signature part is decoration.
func demoJWT(exp time.Time) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := enc.EncodeToString([]byte(fmt.Sprintf(`{"sub":"demo-wallet","exp":%d}`, exp.Unix())))
	return header + "." + payload + "." + enc.EncodeToString([]byte("demo-signature"))
}
