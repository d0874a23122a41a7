package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline/pipelinetest"
)

// TestOncePlainPrintsStatusBlocks checks --once without --json: one block
// per order, in the order given, separated by a blank line.
func TestOncePlainPrintsStatusBlocks(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putRestingOrder("ord-rest")
	w.svc.PutIntent(placedIntent("501", "ord-rest"))
	w.putFinishedOrder("ord-exec", kalshitest.StatusExecuted)
	w.svc.PutIntent(completedIntent("502", "ord-exec", "0xfeed"))
	w.putFinishedOrder("ord-cxl", kalshitest.StatusCanceled)

	r := w.run(nil, "--once", "--config", w.config(""), "intent:501", "intent:502", "kalshi:ord-cxl")
	if r.code != 0 {
		t.Fatalf("want exit 0, got:\n%s", r)
	}
	blocks := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n\n")
	if len(blocks) != 3 {
		t.Fatalf("want 3 blocks, got %d:\n%s", len(blocks), r)
	}
	want := [][]string{
		{"intent:501  ⚠ resting for ", "stage:    placed", "ord-rest  partially filled  3/10 filled, 7 remaining",
			"queue:    12 ahead at your price $0.56", "yes bid $0.54 / ask $0.56", "stuck_placed"},
		{"intent:502  ✓ completed ", "stage:    completed  (succeeded)", "tx:       0xfeed (chain 8453)", "ord-exec  executed  10/10 filled",
			"taker $0.07, maker $0.00; fill cost $5.60; total $5.67"},
		{"kalshi:ord-cxl  ✗ canceled on Kalshi ", "stage:    canceled  (failed)", "ord-cxl  canceled  0/10 filled"},
	}
	for i, b := range blocks {
		if !strings.HasPrefix(b, want[i][0]) {
			t.Errorf("block %d does not start with %q:\n%s", i+1, want[i][0], b)
		}
		for _, s := range want[i][1:] {
			if !strings.Contains(b, s) {
				t.Errorf("block %d does not contain %q:\n%s", i+1, s, b)
			}
		}
		if !strings.Contains(b, "observed: ") || !strings.Contains(b, " UTC") {
			t.Errorf("block %d does not say when it was observed, in UTC:\n%s", i+1, b)
		}
	}
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\a") {
		t.Errorf("--once output has escape sequences:\n%q", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr is not empty:\n%s", r)
	}
}

// TestOnceJSONOneLinePerOrder checks --once --json, including how bare
// IDs resolve: an intent when the service knows it, else a Kalshi order.
func TestOnceJSONOneLinePerOrder(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putFinishedOrder("ord-exec", kalshitest.StatusExecuted)
	w.svc.PutIntent(completedIntent("502", "ord-exec", "0xfeed"))
	w.putRestingOrder("ord-k")

	r := w.run(nil, "--once", "--json", "--config", w.config(""), "502", "ord-k", "kalshi:ord-exec")
	if r.code != 0 {
		t.Fatalf("want exit 0, got:\n%s", r)
	}
	lines := jsonLines(t, r.stdout)
	want := []struct{ id, stage string }{
		{"intent:502", "completed"}, {"kalshi:ord-k", "resting"}, {"kalshi:ord-exec", "executed"},
	}
	if len(lines) != len(want) {
		t.Fatalf("want %d lines, got %d:\n%s", len(want), len(lines), r)
	}
	for i, l := range lines {
		if id, stage := text(t, l["id"]), text(t, l["stage"]); id != want[i].id || stage != want[i].stage {
			t.Errorf("line %d: id %q stage %q, want %q %q", i+1, id, stage, want[i].id, want[i].stage)
		}
	}
	if r.stderr != "" {
		t.Errorf("stderr is not empty:\n%s", r)
	}
}

// waitExchange waits, without sleeping, until the exchange's requests
// satisfy cond.
func waitExchange(t *testing.T, x *kalshitest.Exchange, cond func([]kalshitest.Request) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	for {
		reqs := x.Requests()
		if cond(reqs) {
			return
		}
		if err := x.WaitRequests(ctx, len(reqs)+1); err != nil {
			t.Fatalf("waiting for the binary's requests: %v (%d so far)", err, len(reqs))
		}
	}
}

// queueReads counts the reads of queue positions: one per round while an
// order rests, with push or without (no channel carries them).
func queueReads(reqs []kalshitest.Request) int {
	n := 0
	for _, r := range reqs {
		if strings.HasSuffix(r.Path, "/portfolio/orders/queue_positions") {
			n++
		}
	}
	return n
}

// TestJSONWatchPrintsAChangeOnce drives a Kalshi-only order while the
// binary watches it with --json: a line for the first state, none for a
// round that changes nothing, one per change, and the end when the order
// is terminal.
func TestJSONWatchPrintsAChangeOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	// Placed a minute ago, so no diagnosis (whose text has ages in it)
	// changes between rounds.
	now := time.Now().UTC().Truncate(time.Second)
	w.x.PutOrder(kalshitest.OrderState{
		OrderID: "ord-w", UserID: "user-1", Ticker: testTicker, OutcomeSide: "yes", YesPrice: dec("0.56"),
		InitialCount: dec("10"), FillCount: dec("3"), MakerFees: dec("0.02"), MakerFillCost: dec("1.68"),
		CreatedTime: now.Add(-time.Minute), LastUpdateTime: now.Add(-time.Minute), QueueAhead: dec("12"),
	})

	p := w.start(nil, "--json", "--exit-status", "--config", w.kalshiConfig(), "kalshi:ord-w")
	first := jsonLines(t, p.next())[0]
	if k := object(t, first["kalshi"]); string(k["queue_position"]) != `"12.00"` || text(t, k["status"]) != "resting" {
		t.Fatalf("first line: want resting with 12.00 ahead, got %s", first["kalshi"])
	}

	// Let a round pass with nothing changed (round 3 has started, so
	// round 2 is over), then move the queue.
	waitExchange(t, w.x, func(r []kalshitest.Request) bool { return queueReads(r) >= 3 })
	w.x.SetQueue("ord-w", dec("4"))
	second := jsonLines(t, p.next())[0]
	if k := object(t, second["kalshi"]); string(k["queue_position"]) != `"4.00"` {
		t.Fatalf("second line: want the queue at 4.00 (an unchanged round must print nothing), got %s", second["kalshi"])
	}
	if string(second["outcome"]) != "null" {
		t.Errorf("second line: outcome %s, want null", second["outcome"])
	}

	w.x.Fill("ord-w", dec("7"), dec("0.56"), dec("0.05"), false)
	third := jsonLines(t, p.next())[0]
	k := object(t, third["kalshi"])
	if text(t, k["status"]) != "executed" || string(k["fill_count"]) != `"10.00"` || string(k["queue_position"]) != "null" {
		t.Errorf("third line: want executed, 10.00 filled, no queue position; got %s", third["kalshi"])
	}
	if text(t, third["outcome"]) != "success" {
		t.Errorf("third line: outcome %s, want \"success\"", third["outcome"])
	}

	r := p.wait()
	if r.code != 0 {
		t.Fatalf("want exit 0, got:\n%s", r)
	}
	if n := len(jsonLines(t, r.stdout)); n != 3 {
		t.Errorf("want 3 lines in all, got %d:\n%s", n, r)
	}
	if r.stderr != "" {
		t.Errorf("stderr is not empty in JSON mode:\n%s", r)
	}
}

// plainLine is an event line of the plain watch: a time, the order, what
// changed.
// The time has a date when it is not today, as with these fixtures.
var plainLine = regexp.MustCompile(`^(\d{1,2} [A-Z][a-z]{2} )?\d\d:\d\d:\d\d UTC  intent:601  \S`)

// TestPlainWatchPrintsChangesAndSummary moves an intent through its last
// stages, one step each time the binary's request for it has been
// answered, and checks the plain lines, the summary and the absence of any
// escape sequence. The intent service is configured through the
// environment here.
func TestPlainWatchPrintsChangesAndSummary(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putFinishedOrder("ord-p", kalshitest.StatusExecuted)
	in := placedIntent("601", "ord-p")
	in.KalshiOrderStatus, in.KalshiFillCount = "executed", decp("10")
	w.svc.PutIntent(in)
	w.svc.Script("601", pipelinetest.MarkFilled(), pipelinetest.TxnFilled(""), pipelinetest.Complete())

	env := []string{"ORDERMON_PIPELINE_URL=" + w.svc.URL, "ORDERMON_PIPELINE_TOKEN=" + w.token, "ORDERMON_PIPELINE_API_KEY=" + w.apiKey}
	p := w.start(env, "--exit-status", "--config", w.kalshiConfig(), "intent:601")
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	// Each round reads the intent once, before Kalshi; a step applied
	// once that read is answered shows in the next round.
	for k := 1; k <= 3; k++ {
		if err := w.svc.WaitRequests(ctx, k); err != nil {
			t.Fatalf("waiting for round %d: %v\n%s", k, err, p.stderr.String())
		}
		w.svc.Advance()
	}
	final := len(w.svc.Requests())
	r := p.wait()
	if r.code != 0 {
		t.Fatalf("want exit 0, got:\n%s", r)
	}
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\a") {
		t.Errorf("plain output has escape sequences:\n%q", r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "1 order: 1 completed" {
		t.Errorf("the last line is %q, want the summary \"1 order: 1 completed\"", last)
	}
	events := lines[:len(lines)-1]
	for _, l := range events {
		if !plainLine.MatchString(l) {
			t.Errorf("not a plain event line: %q", l)
		}
	}
	// The stages reached while watching, in order.
	at := 0
	for _, stage := range []string{"reached placed", "reached filled", "reached txn_filled", "reached completed"} {
		i := indexFrom(events, at, stage)
		if i < 0 {
			t.Errorf("no line %q after line %d:\n%s", stage, at, r.stdout)
			continue
		}
		at = i + 1
	}
	if !strings.Contains(r.stderr, "watching 1 order every 500ms") {
		t.Errorf("stderr does not say what is watched:\n%s", r)
	}
	// One read per round, at least four rounds, and the watch stopped
	// with the read that saw the intent completed.
	reqs := w.svc.Requests()
	if len(reqs) < 4 || len(reqs) != final+1 {
		t.Errorf("the intent service got %d requests, want 4 or more, and one after the last step (%d)", len(reqs), final+1)
	}
	for i, q := range reqs {
		if !q.Bearer || !q.APIKey || q.Status != 200 {
			t.Errorf("request %d: bearer %v, API key %v, status %d; want both credentials and 200", i+1, q.Bearer, q.APIKey, q.Status)
		}
	}
}

// indexFrom returns the first line at or after from that contains s, or -1.
func indexFrom(lines []string, from int, s string) int {
	for i := from; i < len(lines); i++ {
		if strings.Contains(lines[i], s) {
			return i
		}
	}
	return -1
}

// TestDemoOnceJSON checks that the demo needs nothing configured and
// prints its six orders.
func TestDemoOnceJSON(t *testing.T) {
	t.Parallel()
	r := runIn(t, t.TempDir(), nil, "--demo", "--once", "--json")
	if r.code != 0 {
		t.Fatalf("want exit 0, got:\n%s", r)
	}
	lines := jsonLines(t, r.stdout)
	if len(lines) != 6 {
		t.Fatalf("want 6 lines, got %d:\n%s", len(lines), r)
	}
	for i, l := range lines[:5] {
		if id, want := text(t, l["id"]), fmt.Sprintf("intent:%d", 1001+i); id != want {
			t.Errorf("line %d: id %q, want %q", i+1, id, want)
		}
		if string(l["intent"]) == "null" {
			t.Errorf("line %d: the demo intent was not read: %s", i+1, l["errors"])
		}
	}
	if id := text(t, lines[5]["id"]); !strings.HasPrefix(id, "kalshi:") || len(id) <= len("kalshi:") {
		t.Errorf("line 6: id %q, want a Kalshi-only order", id)
	}
	if string(lines[5]["kalshi"]) == "null" || string(lines[5]["intent"]) != "null" {
		t.Errorf("line 6: want a Kalshi order and no intent, got kalshi %s intent %s", lines[5]["kalshi"], lines[5]["intent"])
	}
}

// TestVersionAndHelp checks the two informational flags.
func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := runIn(t, dir, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "ordermon ") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("--version: want exit 0 and one line \"ordermon <version>\", got:\n%s", r)
	}
	for _, flag := range []string{"--help", "-h"} {
		r := runIn(t, dir, nil, flag)
		if r.code != 0 {
			t.Errorf("%s: want exit 0, got:\n%s", flag, r)
		}
		for _, s := range []string{"USAGE", "--once", "--json", "--exit-status", "--timeout", "EXIT CODES",
			"\n  0  ", "\n  1  ", "\n  2  ", "\n  3  ", "\n  4  "} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("%s does not mention %q", flag, s)
			}
		}
	}
}

// TestConfigFileLocations checks that the configuration is found without
// --config: in $ORDERMON_CONFIG, and in the user configuration directory.
func TestConfigFileLocations(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putFinishedOrder("ord-1", kalshitest.StatusExecuted)
	path := w.kalshiConfig()

	r := w.run([]string{"ORDERMON_CONFIG=" + path}, "--once", "--json", "kalshi:ord-1")
	if r.code != 0 || len(jsonLines(t, r.stdout)) != 1 {
		t.Errorf("with ORDERMON_CONFIG: want exit 0 and one line, got:\n%s", r)
	}

	dir := filepath.Join(w.dir, "xdg", "ordermon")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, filepath.Join(dir, "config.toml")); err != nil {
		t.Fatal(err)
	}
	r = w.run(nil, "--once", "--json", "kalshi:ord-1")
	if r.code != 0 || len(jsonLines(t, r.stdout)) != 1 {
		t.Errorf("from the user configuration directory: want exit 0 and one line, got:\n%s", r)
	}
}

// TestInterruptEndsWithSummary sends SIGINT to a watch between rounds, as
// Ctrl+C does: it ends like a timeout, with the summary, exit 4 with
// --exit-status while the order is open and 0 without.
func TestInterruptEndsWithSummary(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"--exit-status"}, 4},
		{nil, 0},
		{[]string{"--json", "--exit-status"}, 4},
	} {
		t.Run(strings.Join(append([]string{"watch"}, tt.args...), " "), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, worldOptions{})
			w.putMarket("Bitcoin")
			w.putRestingOrder("ord-1")
			p := w.start(nil, append([]string{"--config", w.kalshiConfig(), "-i", "10s", "kalshi:ord-1"}, tt.args...)...)
			// The first line comes once the first round is over, and the
			// next round is ten seconds away, so the signal arrives
			// between rounds.
			p.next()
			if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			r := p.wait()
			if r.code != tt.want {
				t.Fatalf("want exit %d, got:\n%s", tt.want, r)
			}
			if strings.Contains(r.stdout, "canceled") {
				t.Errorf("the interrupt shows as an error:\n%s", r)
			}
			if len(tt.args) > 0 && tt.args[0] == "--json" {
				return
			}
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if n := len(lines); n < 2 || lines[n-2] != "1 order: 1 in progress" || !strings.HasPrefix(lines[n-1], "  kalshi:ord-1  resting") {
				t.Errorf("the output does not end with the summary:\n%s", r)
			}
		})
	}
}

// TestInterruptMidRound sends SIGINT while a Kalshi read of the second
// round is held. The reads cut short are ordermon's own doing, not Kalshi
// failing, so nothing may say Kalshi failed, and the order, known from the
// first round, is still in progress (exit 4).
func TestInterruptMidRound(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putRestingOrder("ord-1")
	p := w.start(nil, "--exit-status", "--config", w.kalshiConfig(), "kalshi:ord-1")
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	// The first round: the order, its queue position and its market.
	if err := w.x.WaitRequests(ctx, 3); err != nil {
		t.Fatal(err)
	}
	w.x.InjectFault(kalshitest.Fault{Path: "/queue_position", Delay: runTimeout})
	if err := w.x.WaitInFlight(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	r := p.wait()
	if r.code != 4 {
		t.Errorf("want exit 4, got:\n%s", r)
	}
	if strings.Contains(r.stdout, "canceled") {
		t.Errorf("Ctrl+C shows as Kalshi failing:\n%s", r)
	}
}
