package engine_test

import (
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
)

// TestPushConvergesThroughChaos makes 150 random changes on the exchange,
// a second apart on the test's clock: fills and cancels that push
// carries, the same made quietly (no push, as when a message is lost),
// dropped connections and rounds, in any order. However they interleave,
// the engine ends with every order as REST has it once the pushes have
// arrived, and still so after a reconciliation, which also brings every
// fill.
func TestPushConvergesThroughChaos(t *testing.T) {
	w := newPushWorld(t, nil)
	var orderIDs []string
	for i := range 40 {
		orderIDs = append(orderIDs, fmt.Sprintf("chaos-%02d", i))
	}
	w.watchLive(t, orderIDs...)
	rng := mrand.New(mrand.NewPCG(12, 1))
	pick := func() string { return orderIDs[rng.IntN(len(orderIDs))] }
	one, price := fixed.FromInt(1), fixed.MustParse("0.41")
	for range 150 {
		w.timers.Advance(time.Second)
		switch n := rng.IntN(100); {
		case n < 40:
			w.x.Fill(pick(), one, price, fixed.Decimal{}, false)
		case n < 47:
			w.x.Cancel(pick())
		case n < 62:
			id := pick()
			w.x.Quietly(func() { w.x.Fill(id, one, price, fixed.Decimal{}, false) })
		case n < 66:
			id := pick()
			w.x.Quietly(func() { w.x.Cancel(id) })
		case n < 72:
			w.dropAndReconnect(t)
		default:
			w.poll(t)
		}
	}
	// Quiet changes show only at a reconciliation; the rest must already
	// have arrived by push.
	w.heartbeats(t, 3)
	w.poll(t)
	r := w.await(t, "every order as REST has it", func(r engine.Round) bool { return w.mismatches(r, false) == "" })
	if r.Health.Push.Differences == 0 {
		t.Error("no reconcile difference counted, though changes were made quietly")
	}
	w.heartbeats(t, 3)
	r = w.poll(t)
	if m := w.mismatches(r, true); m != "" {
		t.Errorf("after a reconciliation:\n%s", m)
	}
}

// dropAndReconnect cuts the WebSocket and moves the clock to the
// reconnect, waiting until push is live again.
func (w *pushWorld) dropAndReconnect(t *testing.T) {
	t.Helper()
	w.x.DropConnections()
	r := w.await(t, "the drop", func(r engine.Round) bool { return !r.Health.Push.Stream.ReconnectAt.IsZero() })
	w.waitTimer(t, r.Health.Push.Stream.ReconnectAt)
	// Another timer may be due at the same instant (a heartbeat), so the
	// Stream's own wait may be set after the clock moved: move it on to
	// each next timer until push is live again.
	for range 10 {
		w.timers.Advance(max(0, w.timers.Pending()[0].Sub(w.clk.Now())))
		if w.waitLive(pushWait / 10) {
			return
		}
	}
	w.live(t)
}

// waitLive waits up to d (real time) for push to be live, and says
// whether it is.
func (w *pushWorld) waitLive(d time.Duration) bool {
	deadline := time.After(d)
	for r := w.eng.Latest(); ; r = w.eng.Latest() {
		w.seq = max(w.seq, r.Seq)
		if r.Health.Push.Live() {
			return true
		}
		select {
		case <-w.eng.Changed(r.Seq):
		case <-deadline:
			return false
		}
	}
}

// mismatches lists the orders whose snapshot differs from the exchange's
// state (status and fill count; with fills, every fill too), "" when none.
func (w *pushWorld) mismatches(r engine.Round, fills bool) string {
	var out []string
	for _, s := range r.Snapshots {
		want, _ := w.x.Order(s.Target.ID)
		o := s.Order
		switch {
		case o == nil:
			out = append(out, s.Target.ID+": no order")
		case string(o.Status) != want.Status || !o.FillCount.Equal(want.FillCount):
			out = append(out, fmt.Sprintf("%s: %s %s, REST %s %s", s.Target.ID, o.Status, o.FillCount, want.Status, want.FillCount))
		case fills && len(s.Fills) != len(w.x.Fills(s.Target.ID)):
			out = append(out, fmt.Sprintf("%s: %d fills, REST %d", s.Target.ID, len(s.Fills), len(w.x.Fills(s.Target.ID))))
		case o.Status == kalshi.StatusCanceled && o.LastUpdateReason == "":
			out = append(out, s.Target.ID+": canceled without a reason")
		}
	}
	return strings.Join(out, "\n")
}
