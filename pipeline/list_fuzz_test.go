package pipeline

import (
	"bytes"
	"fmt"
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

// BenchmarkDecodeIntentList decodes the service's full list (100 orders
// in the newer shape) and a 1 MiB array of tiny values, which the cap
// stops at MaxListedIntents elements.
func BenchmarkDecodeIntentList(b *testing.B) {
	one := readIntentFixture(b, "intent_current_executing.json")
	var full bytes.Buffer
	full.WriteString(`{"success":true,"orders":[`)
	for i := range 100 {
		if i > 0 {
			full.WriteByte(',')
		}
		full.Write(bytes.Replace(one, []byte(`"intent_abc123xyz"`), fmt.Appendf(nil, `"intent_%d"`, i), 1))
	}
	full.WriteString(`]}`)
	if l, err := DecodeIntentList(full.Bytes()); err != nil || len(l.Intents) != 100 {
		b.Fatalf("the full list decodes to %d orders, %v", len(l.Intents), err)
	}
	tiny := append(append([]byte{'['}, bytes.Repeat([]byte("0,"), 1<<19)...), '0', ']')
	for _, c := range []struct {
		name string
		body []byte
	}{{"100 orders", full.Bytes()}, {"1 MiB of zeros", tiny}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if _, err := DecodeIntentList(c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
