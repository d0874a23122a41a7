package fakeserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"
)

// TestPlanFaultsInOrder: faults are taken in the order added, counted, and
// win over chaos; cleared faults and the zero Chaos leave normal replies.
func TestPlanFaultsInOrder(t *testing.T) {
	var tr Trouble
	if f := Plan(&tr, "/v1/order/1"); !reflect.DeepEqual(f, Fate{}) {
		t.Fatalf("no trouble planned %+v", f)
	}
	tr.InjectFault(Fault{Path: "/queue", Status: 429, Times: 2})
	tr.InjectFault(Fault{Status: 500, Delay: time.Second})
	tr.SetChaos(Chaos{PTimeout: 1, Seed: 1})
	want := []int{500, 429, 429, 500, 500}
	paths := []string{"/orders", "/queue_position", "/x/queue", "/queue", "/y"}
	for i, p := range paths {
		f := Plan(&tr, p)
		if f.Status != want[i] || f.Hold {
			t.Errorf("request %d to %s: %+v; want status %d and no chaos", i, p, f, want[i])
		}
		if f.Status == 500 && f.Delay != time.Second {
			t.Errorf("request %d: delay %v, want the fault's", i, f.Delay)
		}
	}
	tr.ClearFaults()
	if f := Plan(&tr, "/y"); !f.Hold || f.Status != 0 {
		t.Errorf("after ClearFaults: %+v, want chaos's held reply", f)
	}
	tr.SetChaos(Chaos{})
	if f := Plan(&tr, "/y"); f.Hold {
		t.Errorf("the zero Chaos still held a reply")
	}
}

func TestFaultsConcurrentTimes(t *testing.T) {
	var tr Trouble
	tr.InjectFault(Fault{Status: 503, Times: 50})
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for range 100 {
		wg.Go(func() {
			if Plan(&tr, "/").Status == 503 {
				mu.Lock()
				taken++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if taken != 50 {
		t.Errorf("a 50-times fault applied %d times", taken)
	}
}

func TestPad(t *testing.T) {
	cases := []struct {
		name, body string
		size       int
		json       bool
	}{
		{"object", `{"a":1}`, 5000, true},
		{"empty object", `{}`, 100, true},
		{"object with spaces", " { \"a\" : 1 } \n", 64, true},
		{"html", "<html>down</html>", 300, false},
		{"already large", `{"a":"long enough"}`, 5, true},
	}
	for _, c := range cases {
		p := Pad([]byte(c.body), c.size, "_padding")
		var buf bytes.Buffer
		n, err := p.WriteTo(&buf)
		if err != nil || int(n) != buf.Len() || buf.Len() != p.Len() {
			t.Errorf("%s: wrote %d of %d (Len %d): %v", c.name, n, buf.Len(), p.Len(), err)
		}
		if want := max(c.size, len(c.body)); buf.Len() != want {
			t.Errorf("%s: %d bytes, want %d", c.name, buf.Len(), want)
		}
		if c.json && !json.Valid(buf.Bytes()) {
			t.Errorf("%s: padding broke the JSON: %.80s", c.name, buf.String())
		}
		if !bytes.Contains(buf.Bytes(), bytes.TrimSpace([]byte(c.body))[:1]) {
			t.Errorf("%s: lost the body", c.name)
		}
	}
	var obj map[string]any
	var buf bytes.Buffer
	_, _ = Pad([]byte(`{"id":"1"}`), 200, "padding").WriteTo(&buf)
	if json.Unmarshal(buf.Bytes(), &obj) != nil || obj["id"] != "1" || len(obj["padding"].(string)) == 0 {
		t.Errorf("padded object %s", buf.String())
	}
}

// failAfter accepts n bytes, then fails: a client that hung up.
type failAfter struct{ n int }

func (f *failAfter) Write(b []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("gone")
	}
	k := min(len(b), f.n)
	f.n -= k
	return k, nil
}

func TestPadStopsWhenTheClientGoes(t *testing.T) {
	w := &failAfter{n: 100 << 10}
	n, err := Pad([]byte(`{}`), 20<<20, "padding").WriteTo(w)
	if err == nil || n > 100<<10 {
		t.Errorf("wrote %d bytes past a closed client, err %v", n, err)
	}
}

func TestRecorder(t *testing.T) {
	var r Recorder[string]
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	held := make(chan error, 1)
	go func() { held <- r.WaitInFlight(ctx, 2) }()
	r.Begin()
	r.Begin()
	if err := <-held; err != nil || r.InFlight() != 2 {
		t.Fatalf("WaitInFlight: %v with %d in flight", err, r.InFlight())
	}
	done := make(chan error, 1)
	go func() { done <- r.WaitRequests(ctx, 2) }()
	r.End("a")
	r.End("b")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := r.Requests(); len(got) != 2 || got[0] != "a" || got[1] != "b" || r.InFlight() != 0 {
		t.Errorf("requests %v, %d in flight", got, r.InFlight())
	}
	short, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := r.WaitRequests(short, 3); !errors.Is(err, context.Canceled) {
		t.Errorf("waiting past the end: %v", err)
	}
}

func TestClock(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)
	c := NewClock(t0)
	c.Add(90 * time.Second)
	if got := c.Now(); !got.Equal(t0.Add(90 * time.Second)) {
		t.Errorf("after Add: %v", got)
	}
	c.Set(t0)
	if got := c.Now(); !got.Equal(t0) {
		t.Errorf("after Set: %v", got)
	}
}

func TestDice(t *testing.T) {
	if f := (*dice)(nil).roll(); !reflect.DeepEqual(f, Fate{}) {
		t.Errorf("no chaos rolled %+v", f)
	}
	if newDice(Chaos{}) != nil {
		t.Error("the zero Chaos made dice")
	}
	c := Chaos{P5xx: 0.2, P429: 0.1, PTimeout: 0.05, PGarbage: 0.05, MaxLatency: 30 * time.Millisecond, Seed: 42}
	other := c
	other.Seed++
	a, b, o := newDice(c), newDice(c), newDice(other)
	counts := map[string]int{}
	same := true
	for range 4000 {
		fa, fb := a.roll(), b.roll()
		if !reflect.DeepEqual(fa, fb) {
			t.Fatalf("same seed, different fates: %+v and %+v", fa, fb)
		}
		same = same && reflect.DeepEqual(fa, o.roll())
		if fa.Delay < 0 || fa.Delay >= c.MaxLatency {
			t.Fatalf("delay %v outside [0, %v)", fa.Delay, c.MaxLatency)
		}
		switch {
		case fa.Status >= 500:
			counts["5xx"]++
		case fa.Status == 429:
			counts["429"]++
		case fa.Hold:
			counts["hold"]++
		case fa.Garbage:
			counts["garbage"]++
		}
	}
	if same {
		t.Error("another seed rolled the same fates")
	}
	for kind, want := range map[string]int{"5xx": 800, "429": 400, "hold": 200, "garbage": 200} {
		if n := counts[kind]; n < want*3/4 || n > want*5/4 {
			t.Errorf("%s: %d of 4000, want about %d", kind, n, want)
		}
	}
}

func TestHold(t *testing.T) {
	if !Hold(context.Background(), time.Millisecond, nil) {
		t.Error("a short hold did not run to the end")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Hold(ctx, -1, nil) {
		t.Error("a hold for ever ran to the end after the client left")
	}
	done := make(chan struct{})
	close(done)
	if Hold(context.Background(), time.Hour, done) {
		t.Error("a hold ran to the end after the fake closed")
	}
}
