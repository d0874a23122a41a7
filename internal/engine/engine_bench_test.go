package engine_test

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkEnginePoll runs whole refresh rounds of 50 and 500 watched
// orders against both fakes on loopback, with the load test's mix (four
// Kalshi-only orders to one intent) and nothing changing: what one quiet
// round costs. That includes the HTTP on both ends, the RSA signing of
// every Kalshi request and the fakes encoding their replies, so it bounds
// the engine's own share from above. The fakes do not rate-limit here and
// the client has no token bucket, so rounds run back to back; the engine
// still plans each round for the Basic budget.
func BenchmarkEnginePoll(b *testing.B) {
	mixes := []loadMix{
		{kalshiOrders: 40, kalshiEvents: 8, placedIntents: 10, intentEvents: 2},
		mix500,
	}
	for _, mix := range mixes {
		b.Run(fmt.Sprintf("orders=%d", mix.total()), func(b *testing.B) {
			w := newLoadWorld(b, mix, 0, false)
			ctx := context.Background()
			// Two rounds first: the first discovers every order and
			// market, after which rounds are batched by event.
			for range 2 {
				w.eng.Poll(ctx)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for b.Loop() {
				r := w.eng.Poll(ctx)
				if r.Health.Kalshi.Err != "" || r.Health.Intent.Err != "" {
					b.Fatalf("source errors: %q / %q", r.Health.Kalshi.Err, r.Health.Intent.Err)
				}
			}
			// Requests run in parallel, so wall time per round understates
			// the work: report the process's CPU time per round too.
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
