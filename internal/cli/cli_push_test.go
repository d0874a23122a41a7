package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ordermon/kalshi/kalshitest"
)

// pushConfig writes a configuration reaching Kalshi only, polling every
// interval, with extra TOML in its [kalshi] table. The WebSocket URL is
// derived from the loopback base URL.
func (w *world) pushConfig(interval, extra string) string {
	w.t.Helper()
	body := fmt.Sprintf("interval = %q\n\n[kalshi]\nbase_url = %q\napi_key_id = %q\nprivate_key_file = %q\n%s",
		interval, w.x.BaseURL(), w.keyID, w.keyFile, extra)
	path := filepath.Join(w.dir, "push.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return path
}

// TestAllOnceJSONPrintsEveryRestingOrder: --all --json --once, with no
// IDs, prints one line for every resting order on the account and none
// for an order that is not resting.
func TestAllOnceJSONPrintsEveryRestingOrder(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin above $98,500?")
	want := []string{"kalshi:all-1", "kalshi:all-2", "kalshi:all-3"}
	for _, id := range []string{"all-1", "all-2", "all-3"} {
		w.putRestingOrder(id)
	}
	w.putFinishedOrder("done-1", kalshitest.StatusCanceled)
	r := w.run(nil, "--all", "--json", "--once", "--config", w.pushConfig("2s", ""))
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r)
	}
	var got []string
	for _, l := range jsonLines(t, r.stdout) {
		got = append(got, text(t, l["id"]))
		if k := object(t, l["kalshi"]); text(t, k["status"]) != "resting" {
			t.Errorf("%s: status %s", l["id"], k["status"])
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("printed %v, want every resting order %v\n%s", got, want, r)
	}
	if st := w.x.WSStats(); st.Accepted != 0 {
		t.Errorf("--once opened %d WebSocket connections; it has no use for push", st.Accepted)
	}
}

// TestWatchJSONPrintsPushedFill: watching with push (on by default), a
// fill made on the exchange prints a new NDJSON line long before the next
// round (the interval is a minute), and --no-push opens no WebSocket.
func TestWatchJSONPrintsPushedFill(t *testing.T) {
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin above $98,500?")
	w.putRestingOrder("push-1")
	p := w.start(nil, "--json", "--config", w.pushConfig("1m", "reconcile_interval = \"5m\"\n"), "push-1")
	first := jsonLines(t, p.next())[0]
	if k := object(t, first["kalshi"]); string(k["fill_count"]) != `"3.00"` {
		t.Fatalf("first line: fill_count %s", k["fill_count"])
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	err := w.x.WaitWS(ctx, func(st kalshitest.WSStats) bool {
		return slices.ContainsFunc(st.Subscriptions, func(s kalshitest.WSSubscription) bool {
			return s.Channel == "user_orders" && slices.Contains(s.Markets, testTicker)
		})
	})
	if err != nil {
		t.Fatalf("the binary never subscribed to the order's market: %+v", w.x.WSStats())
	}
	start := time.Now()
	w.x.Fill("push-1", dec("2"), dec("0.56"), dec("0.01"), false)
	for {
		line := jsonLines(t, p.next())[0]
		if k := object(t, line["kalshi"]); string(k["fill_count"]) == `"5.00"` {
			break
		}
	}
	t.Logf("the pushed fill was printed %s after it was made", time.Since(start).Round(time.Millisecond))

	w2 := newWorld(t, worldOptions{})
	w2.putMarket("Bitcoin above $98,500?")
	w2.putRestingOrder("push-2")
	r := w2.run(nil, "--json", "--no-push", "--timeout", "1s", "--config", w2.pushConfig("500ms", ""), "push-2")
	if st := w2.x.WSStats(); st.Accepted != 0 || !strings.Contains(r.stdout, "push-2") {
		t.Errorf("--no-push: %d WebSocket connections\n%s", st.Accepted, r)
	}
}
