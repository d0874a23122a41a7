package pipeline

import (
	"strings"
	"testing"
)

// FuzzDecodeIntentList checks that no list reply, however malformed,
// panics the decoder, and that what it returns keeps its promises: at most
// MaxListedIntents elements read, every order with a usable ID and a
// status, each ID once, and errors free of escape sequences.
func FuzzDecodeIntentList(f *testing.F) {
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `[null]`, `{"orders":null}`, `{"success":false,"error":"x"}`,
		`[{"id":"1","status":"pending"},{"id":"1","status":"failed"}]`,
		`{"success":true,"intents":[{"intent":{"id":2,"status":"executing","clientId":"c"}}]}`,
		`{"data":{"orders":[{"id":"3","status":"placed","metadata":{"kalshiOrderId":"K"}}]}}`,
		`{"data":[{"id":"w","status":"completed","intentType":"Withdraw"},7,"x",[[]]]}`,
		`{"orders":[{"id":"a/b","status":"pending"},{"id":"ok","status":{"x":1}}]}`,
		"[{\"id\":\"\\u001b[2J\",\"status\":\"\\u009b\"}]", "[{\"id\":\"\xff\",\"status\":\"pending\"}]",
		`{"orders":[1,2,3`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := DecodeIntentList(body)
		if err != nil {
			if strings.ContainsRune(err.Error(), 0x1b) {
				t.Errorf("error carries ESC: %q", err)
			}
			return
		}
		if n := len(list.Intents) + list.Skipped + list.Malformed; n > MaxListedIntents {
			t.Errorf("%d elements read, cap %d", n, MaxListedIntents)
		}
		if strings.ContainsRune(list.FirstProblem, 0x1b) || (list.Malformed > 0) != (list.FirstProblem != "") {
			t.Errorf("first problem %q with %d malformed", list.FirstProblem, list.Malformed)
		}
		seen := map[string]bool{}
		for _, in := range list.Intents {
			if ValidateIntentID(in.ID) != nil || in.Status == "" || seen[in.ID] || !isOrderAction(in.ActionType) {
				t.Errorf("listed %q (status %q, action %q)", in.ID, in.Status, in.ActionType)
			}
			seen[in.ID] = true
		}
		again, err := DecodeIntentList(body)
		if err != nil || len(again.Intents) != len(list.Intents) || again.Malformed != list.Malformed {
			t.Errorf("decoding is not deterministic")
		}
	})
}
