package engine

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
)

// parallel runs fn(0..n-1) with at most limit running at once, stopping
// early when ctx ends. A panic in fn(i) is recovered, logged with its
// stack, and returned as the i-th error, so the caller can make it that
// read's error: one hostile reply cannot take the program down, nor vanish
// unexplained. The slice is nil when nothing panicked.
func (e *Engine) parallel(ctx context.Context, what string, n, limit int, fn func(i int)) []error {
	sem := make(chan struct{}, max(1, limit))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var panics []error
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() {
				if r := recover(); r != nil {
					err := fmt.Errorf("internal error in the %s: %v", what, r)
					e.log.Error("recovered panic", slog.String("read", what), slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
					mu.Lock()
					if panics == nil {
						panics = make([]error, n)
					}
					panics[i] = err
					mu.Unlock()
				}
				<-sem
				wg.Done()
			}()
			fn(i)
		}()
	}
	wg.Wait()
	return panics
}
