package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline/pipelinetest"
	"ordermon/pipeline/pipelinetest/testworld"
)

// ids lists the watched orders' IDs, sorted.
func ids(r engine.Round) []string {
	var out []string
	for _, s := range r.Snapshots {
		out = append(out, s.Target.ID)
	}
	slices.Sort(out)
	return out
}

// TestAllFindsEveryRestingOrder: with All, the first round watches every
// resting order on the account, with its market and queue position read
// in the same round, besides an order named by hand (once); an order that
// is not resting is not found; and an order the user removes is not found
// again.
func TestAllFindsEveryRestingOrder(t *testing.T) {
	w := newPushWorld(t, func(c *engine.Config) { c.All, c.Stream = true, nil })
	for _, id := range []string{"r1", "r2", "named"} {
		w.putOrder(id, pushMarketA)
	}
	w.putOrder("r3", pushMarketB)
	w.putOrder("gone", pushMarketB)
	w.x.Cancel("gone")
	w.eng.Add(engine.Target{Kind: engine.KindKalshi, ID: "named"})

	r := w.poll(t)
	if got, want := ids(r), []string{"named", "r1", "r2", "r3"}; !slices.Equal(got, want) {
		t.Fatalf("watching %v, want %v", got, want)
	}
	for _, s := range r.Snapshots {
		if s.Order == nil || s.Market == nil || s.Market.Title != "Push test" || s.QueueAhead == nil {
			t.Errorf("%s after the first round: order %v, market %v, queue %v", s.Target, s.Order != nil, s.Market, s.QueueAhead)
		}
	}
	if !r.Health.All {
		t.Error("Health.All is not set")
	}

	w.eng.Remove(engine.Target{Kind: engine.KindKalshi, ID: "r2"})
	w.clk.Add(2 * time.Second)
	if got := ids(w.poll(t)); slices.Contains(got, "r2") {
		t.Errorf("an order the user removed was found again: %v", got)
	}
}

// TestAllFollowsPushAndKeepsFinished: while push is live, an order
// user_orders announces is watched from its first message, without a
// round; a found order that finishes stays for KeepFinished, then leaves,
// while an order named by hand stays; turning All off drops what it found.
func TestAllFollowsPushAndKeepsFinished(t *testing.T) {
	w := newPushWorld(t, func(c *engine.Config) { c.All, c.KeepFinished = true, 5*time.Minute })
	w.putOrder("r1", pushMarketA)
	w.watchLive(t, "named")
	w.wantSubs(t, "every market", "*")

	start := time.Now()
	w.putOrder("new", pushMarketB)
	r := w.await(t, "the pushed new order", func(r engine.Round) bool { return hasSnap(r, "new") })
	t.Logf("a new order was watched %s after its push, without a round", time.Since(start).Round(time.Microsecond))
	if s := snapByID(t, r, "new"); s.Order == nil || s.Order.Status != kalshi.StatusResting {
		t.Errorf("new order %+v", s.Order)
	}

	w.x.Cancel("new")
	w.x.Cancel("named")
	w.await(t, "both canceled", func(r engine.Round) bool {
		return snapByID(t, r, "new").Terminal() && snapByID(t, r, "named").Terminal()
	})
	w.clk.Add(4 * time.Minute)
	if got := ids(w.poll(t)); !slices.Contains(got, "new") {
		t.Errorf("a finished order left before KeepFinished: %v", got)
	}
	w.clk.Add(time.Minute)
	if got, want := ids(w.poll(t)), []string{"named", "r1"}; !slices.Equal(got, want) {
		t.Errorf("after KeepFinished watching %v, want %v", got, want)
	}

	w.eng.WatchAll(false)
	if got, want := ids(w.eng.Latest()), []string{"named"}; !slices.Equal(got, want) {
		t.Errorf("after All is off watching %v, want %v", got, want)
	}
	// The named order has finished, so no market needs push any more.
	w.wantSubs(t, "no market", "")
}

// TestAllFindsUnfinishedIntents: with All and the intent service, a round
// watches the unfinished intents among the service's recent orders (of
// the configured wallet only), reads their Kalshi orders as theirs (not
// as orders of their own), and leaves finished ones out.
func TestAllFindsUnfinishedIntents(t *testing.T) {
	pw := testworld.New(t)
	const wallet = "0x00000000000000000000000000000000000000aa"
	for i, id := range []string{"91", "92", "93", "94"} {
		st := pipelinetest.NewIntent(id, "KXALL-26NOV21-T1")
		st.WalletAddress = wallet
		if id == "94" {
			st.WalletAddress = "0x00000000000000000000000000000000000000bb"
		}
		st.CreatedAt = pw.Clock.Now().Add(time.Duration(i) * time.Second)
		pw.Service.PutIntent(st)
	}
	if err := pipelinetest.Place("kx-91", "KXALL-26NOV21-T1", "yes", fixed.MustParse("0.41"), fixed.FromInt(5))(pw.Service, "91"); err != nil {
		t.Fatal(err)
	}
	if !pw.Service.Update("93", func(st *pipelinetest.IntentState) { st.Status, st.IsComplete = "failed", true }) {
		t.Fatal("no intent 93")
	}
	eng := engine.New(engine.Config{Kalshi: pw.Kalshi, Intents: pw.Intents, Now: pw.Clock.Now, All: true, Wallet: wallet})
	ctx, cancel := context.WithTimeout(context.Background(), pushWait)
	defer cancel()
	r := eng.Poll(ctx)
	if got, want := ids(r), []string{"91", "92"}; !slices.Equal(got, want) {
		t.Fatalf("watching %v, want the wallet's unfinished intents %v", got, want)
	}
	if s := r.Snapshots[slices.IndexFunc(r.Snapshots, func(s engine.Snapshot) bool { return s.Target.ID == "91" })]; s.Order == nil || s.Order.OrderID != "kx-91" {
		t.Errorf("intent 91's Kalshi order was not read in the same round: %+v", s.Order)
	}
	if n := strings.Count(strings.Join(pathsOf(pw.Service.Requests()), " "), "/v1/order/9"); n != 0 {
		t.Errorf("%d intents read again after the listing gave them", n)
	}
}

// pathsOf lists the paths of the intent service's requests.
func pathsOf(reqs []pipelinetest.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Path)
	}
	return out
}

// TestWatchAllFindsAtOnce: turning All on while push is live finds the
// account's resting orders at the next round, not at the next
// reconciliation.
func TestWatchAllFindsAtOnce(t *testing.T) {
	w := newPushWorld(t, nil)
	w.putOrder("other", pushMarketB)
	w.watchLive(t, "named")
	w.clk.Add(2 * time.Second)
	if got := ids(w.poll(t)); !slices.Equal(got, []string{"named"}) {
		t.Fatalf("watching %v before All", got)
	}
	w.eng.WatchAll(true)
	w.clk.Add(2 * time.Second)
	if got, want := ids(w.poll(t)), []string{"named", "other"}; !slices.Equal(got, want) {
		t.Errorf("the round after All is on watches %v, want %v", got, want)
	}
}
