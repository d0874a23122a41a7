package backoff

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestStep(t *testing.T) {
	p := Policy{Base: 250 * time.Millisecond, Max: 5 * time.Second}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i, w := range want {
		if got := p.Step(i + 1); got != w {
			t.Errorf("Step(%d) = %v, want %v", i+1, got, w)
		}
	}
	cases := []struct {
		p    Policy
		n    int
		want time.Duration
	}{
		{Policy{}, 5, 0},
		{Policy{Base: time.Second}, 9, time.Second}, // no Max: Base is the cap
		{Policy{Base: time.Second, Max: time.Millisecond}, 3, time.Second},
		{Policy{Base: time.Second, Max: 1<<63 - 1}, 1 << 30, 1<<63 - 1}, // no overflow, no long loop
		{Policy{Base: time.Second, Max: time.Minute}, 0, time.Second},
	}
	for _, c := range cases {
		if got := c.p.Step(c.n); got != c.want {
			t.Errorf("%+v Step(%d) = %v, want %v", c.p, c.n, got, c.want)
		}
	}
}

// TestWaitsHaveAFloor: with a seeded source, every wait lies in [step/2,
// step], never above the cap, and below the cap never under the step
// before, so consecutive waits never shrink to a retry at once (full
// jitter's 0.16 s then 0.0 s after two 429s).
func TestWaitsHaveAFloor(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 9))
	p := Policy{Base: 250 * time.Millisecond, Max: 5 * time.Second, Int64N: rng.Int64N}
	for seq := 0; seq < 2000; seq++ {
		var prevStep time.Duration
		for n := 1; n <= 10; n++ {
			step, w := p.Step(n), p.Wait(n)
			if w < step/2 || w > step || w > p.Max {
				t.Fatalf("sequence %d: wait %d = %v, want within [%v, %v] and at most %v", seq, n, w, step/2, step, p.Max)
			}
			if step < p.Max && w < prevStep {
				t.Fatalf("sequence %d: wait %d = %v, shorter than the step before (%v)", seq, n, w, prevStep)
			}
			prevStep = step
		}
	}
}

// TestWaitBounds pins the two extremes of the draw: the floor is exactly
// half the step and the top exactly the step.
func TestWaitBounds(t *testing.T) {
	low := Policy{Base: time.Second, Max: 8 * time.Second, Int64N: func(int64) int64 { return 0 }}
	high := low
	high.Int64N = func(n int64) int64 { return n - 1 }
	for n := 1; n <= 6; n++ {
		if got, want := low.Wait(n), low.Step(n)/2; got != want {
			t.Errorf("lowest draw: Wait(%d) = %v, want %v", n, got, want)
		}
		if got, want := high.Wait(n), high.Step(n); got != want {
			t.Errorf("highest draw: Wait(%d) = %v, want %v", n, got, want)
		}
	}
	if w := (Policy{}).Wait(3); w != 0 {
		t.Errorf("zero policy waits %v", w)
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), 0); err != nil {
		t.Error(err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Error(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled sleep: %v", err)
	}
}
