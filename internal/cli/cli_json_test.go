package cli

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"ordermon/kalshi/kalshitest"
)

// The keys docs/json.md promises in every JSON line and nested object.
var (
	orderKeys  = []string{"id", "observed_at", "stage", "outcome", "intent", "kalshi", "market", "diagnosis", "errors"}
	intentKeys = []string{"id", "status", "is_complete", "termination_reason", "created_at", "balance_validated_at",
		"order_placed_at", "order_filled_at", "txn_filled_at", "kalshi_order_id", "kalshi_fill_count", "tx_hash", "chain_id"}
	kalshiKeys = []string{"order_id", "client_order_id", "ticker", "status", "outcome_side", "book_side", "type",
		"yes_price_dollars", "no_price_dollars", "fill_count", "remaining_count", "initial_count",
		"taker_fees_dollars", "maker_fees_dollars", "taker_fill_cost_dollars", "maker_fill_cost_dollars",
		"queue_position", "created_time", "last_update_time", "expiration_time", "last_update_reason"}
	marketKeys  = []string{"ticker", "status", "yes_bid_dollars", "yes_ask_dollars", "no_bid_dollars", "no_ask_dollars", "close_time"}
	errorsKeys  = []string{"kalshi", "pipeline", "queue", "market", "fills"}
	findingKeys = []string{"code", "severity", "message"}
)

// fields checks that obj has every key in keys and that each key of want
// holds exactly that JSON text (so "3.00" is not 3, and null is not "").
// A want value that is a time.Time is compared as an RFC 3339 instant.
func fields(t *testing.T, what string, obj map[string]json.RawMessage, keys []string, want map[string]any) {
	t.Helper()
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s: key %q is missing", what, k)
		}
	}
	names := make([]string, 0, len(want))
	for k := range want {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		got := obj[k]
		switch v := want[k].(type) {
		case time.Time:
			var s string
			if err := json.Unmarshal(got, &s); err != nil {
				t.Errorf("%s.%s = %s, want an RFC 3339 string", what, k, got)
				continue
			}
			at, err := time.Parse(time.RFC3339Nano, s)
			if err != nil || !at.Equal(v) {
				t.Errorf("%s.%s = %s, want %s", what, k, got, v.Format(time.RFC3339Nano))
			}
		case string:
			if string(got) != v {
				t.Errorf("%s.%s = %s, want %s", what, k, got, v)
			}
		default:
			t.Fatalf("%s.%s: bad want type %T", what, k, v)
		}
	}
}

// onceJSON runs --once --json for ids in w and returns the lines, checking
// that the run took place between the returned bounds.
func onceJSON(t *testing.T, w *world, config string, ids ...string) ([]map[string]json.RawMessage, time.Time, time.Time) {
	t.Helper()
	before := time.Now()
	r := w.run(nil, append([]string{"--once", "--json", "--config", config}, ids...)...)
	after := time.Now()
	if r.stderr != "" {
		t.Errorf("stderr is not empty:\n%s", r)
	}
	lines := jsonLines(t, r.stdout)
	if len(lines) != len(ids) {
		t.Fatalf("want %d lines, got %d:\n%s", len(ids), len(lines), r)
	}
	for i, l := range lines {
		var at time.Time
		if err := json.Unmarshal(l["observed_at"], &at); err != nil || at.Before(before) || at.After(after) || at.Location() != time.UTC {
			t.Errorf("line %d: observed_at %s is not an RFC 3339 UTC time during the run", i+1, l["observed_at"])
		}
	}
	return lines, before, after
}

// TestJSONContractIntentWithKalshiOrder checks every field of a line for
// an intent placed on Kalshi, resting with a partial fill.
func TestJSONContractIntentWithKalshiOrder(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putRestingOrder("ord-rest")
	w.svc.PutIntent(placedIntent("501", "ord-rest"))

	lines, _, _ := onceJSON(t, w, w.config(""), "intent:501")
	l := lines[0]
	fields(t, "order", l, orderKeys, map[string]any{
		"id": `"intent:501"`, "stage": `"placed"`, "outcome": "null",
		"errors": `{"kalshi":null,"pipeline":null,"queue":null,"market":null,"fills":null}`,
	})
	fields(t, "intent", object(t, l["intent"]), intentKeys, map[string]any{
		"id": `"501"`, "status": `"placed"`, "is_complete": "false", "termination_reason": "null",
		"created_at": tCreated, "balance_validated_at": tValidated, "order_placed_at": tPlaced,
		"order_filled_at": "null", "txn_filled_at": "null",
		"kalshi_order_id": `"ord-rest"`, "kalshi_fill_count": `"3"`, "tx_hash": "null", "chain_id": "null",
	})
	fields(t, "kalshi", object(t, l["kalshi"]), kalshiKeys, map[string]any{
		"order_id": `"ord-rest"`, "client_order_id": `"client-ord-rest"`, "ticker": `"` + testTicker + `"`,
		"status": `"resting"`, "outcome_side": `"yes"`, "book_side": `"bid"`, "type": `"limit"`,
		"yes_price_dollars": `"0.5600"`, "no_price_dollars": `"0.4400"`,
		"fill_count": `"3.00"`, "remaining_count": `"7.00"`, "initial_count": `"10.00"`,
		"taker_fees_dollars": `"0.0000"`, "maker_fees_dollars": `"0.0200"`,
		"taker_fill_cost_dollars": `"0.0000"`, "maker_fill_cost_dollars": `"1.6800"`,
		"queue_position": `"12.00"`,
		"created_time":   tPlaced, "last_update_time": tFilled, "expiration_time": tExpire,
	})
	fields(t, "market", object(t, l["market"]), marketKeys, map[string]any{
		"ticker": `"` + testTicker + `"`, "status": `"active"`,
		"yes_bid_dollars": `"0.5400"`, "yes_ask_dollars": `"0.5600"`,
		"no_bid_dollars": `"0.4400"`, "no_ask_dollars": `"0.4600"`, "close_time": tClose,
	})
	fields(t, "errors", object(t, l["errors"]), errorsKeys, nil)

	// Resting since March, so the order is stuck in the queue.
	var diag []map[string]json.RawMessage
	if err := json.Unmarshal(l["diagnosis"], &diag); err != nil {
		t.Fatalf("diagnosis is not an array of objects: %s", l["diagnosis"])
	}
	if len(diag) != 1 {
		t.Fatalf("want one finding, got %s", l["diagnosis"])
	}
	fields(t, "diagnosis[0]", diag[0], findingKeys, map[string]any{"code": `"stuck_placed"`, "severity": `"warn"`})
	if msg := text(t, diag[0]["message"]); !strings.Contains(msg, "12 contracts ahead") {
		t.Errorf("the stuck_placed message does not give the queue position: %q", msg)
	}

	// The queue position came from the queue endpoint (read by market),
	// the only place it can come from (the order's inline field is
	// always 0).
	queueReads := 0
	for _, r := range w.x.Requests() {
		if strings.HasSuffix(r.Path, "/portfolio/orders/queue_positions") {
			queueReads++
		}
	}
	if queueReads != 1 {
		t.Errorf("want one queue-position read, got %d", queueReads)
	}
}

// TestJSONContractCompletedIntent checks a finished intent: tx_hash from
// metadata.txHash, the chain, both fill times, success, and no queue
// position for an order no longer resting.
func TestJSONContractCompletedIntent(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putFinishedOrder("ord-exec", kalshitest.StatusExecuted)
	tx := "0x" + strings.Repeat("ab", 32)
	w.svc.PutIntent(completedIntent("502", "ord-exec", tx))

	lines, _, _ := onceJSON(t, w, w.config(""), "intent:502")
	l := lines[0]
	fields(t, "order", l, orderKeys, map[string]any{
		"id": `"intent:502"`, "stage": `"completed"`, "outcome": `"success"`, "diagnosis": "[]",
		"errors": `{"kalshi":null,"pipeline":null,"queue":null,"market":null,"fills":null}`,
	})
	fields(t, "intent", object(t, l["intent"]), intentKeys, map[string]any{
		"id": `"502"`, "status": `"completed"`, "is_complete": "true", "termination_reason": "null",
		"created_at": tCreated, "order_filled_at": tFilled, "txn_filled_at": tTxn,
		"kalshi_order_id": `"ord-exec"`, "tx_hash": `"` + tx + `"`, "chain_id": "8453",
	})
	fields(t, "kalshi", object(t, l["kalshi"]), kalshiKeys, map[string]any{
		"status": `"executed"`, "client_order_id": "null", "fill_count": `"10.00"`, "remaining_count": `"0.00"`,
		"taker_fees_dollars": `"0.0700"`, "taker_fill_cost_dollars": `"5.6000"`,
		"queue_position": "null", "expiration_time": "null",
	})
	for _, r := range w.x.Requests() {
		if strings.Contains(r.Path, "queue_position") {
			t.Errorf("the queue position of an executed order was asked for: %s", r.Path)
		}
	}
}

// TestJSONContractKalshiOnlyOrder checks a Kalshi order watched on its
// own: no intent, the stage is Kalshi's status.
func TestJSONContractKalshiOnlyOrder(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putRestingOrder("ord-k")
	w.putFinishedOrder("ord-c", kalshitest.StatusCanceled)

	lines, _, _ := onceJSON(t, w, w.kalshiConfig(), "kalshi:ord-k", "kalshi:ord-c")
	fields(t, "order", lines[0], orderKeys, map[string]any{
		"id": `"kalshi:ord-k"`, "stage": `"resting"`, "outcome": "null", "intent": "null",
		"errors": `{"kalshi":null,"pipeline":null,"queue":null,"market":null,"fills":null}`,
	})
	fields(t, "kalshi", object(t, lines[0]["kalshi"]), kalshiKeys, map[string]any{
		"order_id": `"ord-k"`, "status": `"resting"`, "queue_position": `"12.00"`, "fill_count": `"3.00"`,
		"yes_price_dollars": `"0.5600"`, "maker_fill_cost_dollars": `"1.6800"`, "created_time": tPlaced,
	})
	fields(t, "market", object(t, lines[0]["market"]), marketKeys, map[string]any{"ticker": `"` + testTicker + `"`})

	fields(t, "order", lines[1], orderKeys, map[string]any{
		"id": `"kalshi:ord-c"`, "stage": `"canceled"`, "outcome": `"failure"`, "intent": "null",
	})
	fields(t, "kalshi", object(t, lines[1]["kalshi"]), kalshiKeys, map[string]any{
		"status": `"canceled"`, "queue_position": "null", "remaining_count": `"0.00"`,
	})
}

// TestJSONContractNewerIntentAPI checks the newer intent API's shape:
// tx_hash from the top-level transactionHash, the collapsed "executing"
// status shown as it is, and no Kalshi order to join (that shape has no
// kalshiOrderId).
func TestJSONContractNewerIntentAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{current: true})
	w.putMarket("Bitcoin")
	w.putFinishedOrder("ord-exec", kalshitest.StatusExecuted)
	tx := "0x" + strings.Repeat("cd", 32)
	w.svc.PutIntent(completedIntent("502", "ord-exec", tx))
	w.putRestingOrder("ord-rest")
	w.svc.PutIntent(placedIntent("501", "ord-rest"))

	lines, _, _ := onceJSON(t, w, w.config(""), "intent:502", "intent:501")
	fields(t, "order", lines[0], orderKeys, map[string]any{
		"id": `"intent:502"`, "stage": `"completed"`, "outcome": `"success"`, "kalshi": "null",
	})
	fields(t, "intent", object(t, lines[0]["intent"]), intentKeys, map[string]any{
		"status": `"completed"`, "is_complete": "true", "tx_hash": `"` + tx + `"`,
		"kalshi_order_id": "null", "created_at": tCreated,
	})
	fields(t, "order", lines[1], orderKeys, map[string]any{
		"id": `"intent:501"`, "stage": `"executing"`, "outcome": "null",
	})
	// The market may be read (the intent names it), but no order: there
	// is no Kalshi order ID to ask about.
	for _, r := range w.x.Requests() {
		if strings.Contains(r.Path, "/portfolio/") {
			t.Errorf("Kalshi was asked for %s with no Kalshi order ID to ask about", r.Path)
		}
	}
}

// TestJSONFigureReadFails: a market read that keeps failing does not blank
// or fail the order, which is read and printed; the line says, under
// errors.market, that its market was never read and why, and the exit is
// 0, since the order itself is known.
func TestJSONFigureReadFails(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putRestingOrder("ord-k")
	w.x.InjectFault(kalshitest.Fault{Path: "/markets", Status: 500})
	r := w.run(nil, "--once", "--json", "--config", w.kalshiConfig(), "kalshi:ord-k")
	if r.code != 0 {
		t.Fatalf("want exit 0, got:\n%s", r)
	}
	lines := jsonLines(t, r.stdout)
	if len(lines) != 1 {
		t.Fatalf("want 1 line, got:\n%s", r)
	}
	errs := object(t, lines[0]["errors"])
	if m := text(t, errs["market"]); !strings.HasPrefix(m, "not read: ") || !strings.Contains(m, "500") {
		t.Errorf("errors.market = %q, want \"not read: …500…\"", m)
	}
	for _, k := range []string{"kalshi", "queue", "fills"} {
		if string(errs[k]) != "null" {
			t.Errorf("errors.%s = %s, want null", k, errs[k])
		}
	}
	if string(lines[0]["kalshi"]) == "null" || string(lines[0]["market"]) != "null" {
		t.Errorf("want the order and no market:\n%s", r.stdout)
	}
}
