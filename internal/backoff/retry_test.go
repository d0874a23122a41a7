package backoff

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"ordermon/internal/fakeserver"
)

var (
	errTransient = errors.New("transient")
	errFinal     = errors.New("final")
)

// failing returns a try that fails with errs in turn, then succeeds, and
// counts its calls.
func failing(calls *int, errs ...error) func(int) error {
	return func(n int) error {
		*calls++
		if n != *calls {
			panic(fmt.Sprintf("attempt %d on call %d", n, *calls))
		}
		if n <= len(errs) {
			return errs[n-1]
		}
		return nil
	}
}

// classifyAfter retries errTransient, asking for after.
func classifyAfter(after time.Duration) Classify {
	return func(err error) (bool, time.Duration) { return errors.Is(err, errTransient), after }
}

func TestDoRetriesTransientFailures(t *testing.T) {
	rec := &fakeserver.Sleeps{}
	r := ForClient(0, rec.Sleep)
	calls := 0
	if err := r.Do(context.Background(), failing(&calls, errTransient, errTransient), classifyAfter(0)); err != nil {
		t.Fatal(err)
	}
	if calls != 3 || len(rec.Waits()) != 2 {
		t.Fatalf("%d calls, waits %v; want 3 calls and 2 waits", calls, rec.Waits())
	}
	for i, w := range rec.Waits() {
		if step := r.Step(i + 1); w < step/2 || w > step {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, w, step/2, step)
		}
	}
}

func TestDoStops(t *testing.T) {
	later, cancel := context.WithDeadline(context.Background(), time.Now().Add(time.Hour))
	defer cancel()
	soon, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	canceled, cancel3 := context.WithCancel(context.Background())
	cancel3()
	cases := []struct {
		name     string
		ctx      context.Context
		attempts int
		errs     []error
		after    time.Duration
		calls    int
		want     error
	}{
		{"final error", later, 3, []error{errFinal}, 0, 1, errFinal},
		{"attempts spent", later, 3, []error{errTransient, errTransient, errTransient}, 0, 3, errTransient},
		{"one attempt", later, 1, []error{errTransient}, 0, 1, errTransient},
		{"Retry-After over the limit", later, 3, []error{errTransient}, time.Minute, 1, errTransient},
		{"wait past the deadline", soon, 3, []error{errTransient}, 20 * time.Second, 1, errTransient},
		{"context ended", canceled, 3, []error{errTransient}, 0, 1, errTransient},
	}
	for _, c := range cases {
		rec := &fakeserver.Sleeps{}
		calls := 0
		err := ForClient(c.attempts, rec.Sleep).Do(c.ctx, failing(&calls, c.errs...), classifyAfter(c.after))
		if !errors.Is(err, c.want) || calls != c.calls {
			t.Errorf("%s: %v after %d calls, want %v after %d", c.name, err, calls, c.want, c.calls)
		}
		if len(rec.Waits()) != c.calls-1 {
			t.Errorf("%s: waits %v", c.name, rec.Waits())
		}
	}
}

func TestDoHonoursRetryAfter(t *testing.T) {
	rec := &fakeserver.Sleeps{}
	calls := 0
	if err := ForClient(0, rec.Sleep).Do(context.Background(), failing(&calls, errTransient), classifyAfter(7*time.Second)); err != nil {
		t.Fatal(err)
	}
	if len(rec.Waits()) != 1 || rec.Waits()[0] != 7*time.Second {
		t.Errorf("waits %v, want the 7s Retry-After", rec.Waits())
	}
}

// TestDoSleepInterrupted: a sleep cut short by the context ends the call
// with the last error, not the context's.
func TestDoSleepInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := ForClient(3, func(ctx context.Context, d time.Duration) error {
		cancel()
		return Sleep(ctx, time.Hour)
	})
	calls := 0
	if err := r.Do(ctx, failing(&calls, errTransient, errTransient), classifyAfter(0)); !errors.Is(err, errTransient) || calls != 1 {
		t.Errorf("%v after %d calls", err, calls)
	}
}
