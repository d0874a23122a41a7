package cli

import (
	"strings"
	"testing"
)

// TestOnceJSONClientID: a support person pastes the client ID from a
// ticket and gets the order under that name, with its intent ID and the
// Kalshi order it names beside it.
func TestOnceJSONClientID(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{current: true})
	w.putMarket("Bitcoin")
	w.putRestingOrder("ord-rest")
	in := placedIntent("501", "ord-rest")
	in.ClientID = "abc"
	w.svc.PutIntent(in)

	lines, _, _ := onceJSON(t, w, w.config(""), "client:abc")
	fields(t, "order", lines[0], orderKeys, map[string]any{
		"id": `"client:abc"`, "stage": `"executing"`, "outcome": "null",
		"errors": `{"kalshi":null,"pipeline":null,"queue":null,"market":null,"fills":null}`,
	})
	fields(t, "intent", object(t, lines[0]["intent"]), intentKeys, map[string]any{"id": `"501"`, "status": `"executing"`})
	found := false
	for _, r := range w.svc.Requests() {
		found = found || r.Path == "/v1/order/by-client-id/abc"
	}
	if !found {
		t.Errorf("the intent was not looked up by its client ID: %+v", w.svc.Requests())
	}
}

// TestOnceJSONUnknownClientID: a client ID the service does not know is
// "not found" for that order, with the exit code an unknown intent ID gets.
func TestOnceJSONUnknownClientID(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{current: true})
	r := w.run(nil, "--once", "--json", "--config", w.config(""), "client:nobody")
	lines := jsonLines(t, r.stdout)
	byID := w.run(nil, "--once", "--json", "--config", w.config(""), "intent:nobody")
	if len(lines) != 1 || r.code == 0 || r.code != byID.code {
		t.Fatalf("want one line and intent:nobody's exit code %d:\n%s", byID.code, r)
	}
	fields(t, "order", lines[0], orderKeys, map[string]any{
		"id": `"client:nobody"`, "intent": "null", "kalshi": "null",
	})
	if e := text(t, object(t, lines[0]["errors"])["pipeline"]); !strings.Contains(e, "not found") && !strings.Contains(e, "404") {
		t.Errorf("errors.pipeline = %q, want it to say not found", e)
	}
}
