package cli

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// stopSignals end a run the way Ctrl+C does: SIGHUP (the terminal went
// away) and SIGTERM (a supervisor) alike.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// signals is the first stop signal of a run.
type signals struct {
	got  atomic.Value // os.Signal
	ch   chan os.Signal
	done chan struct{}
}

// watchSignals returns a context canceled at the first stop signal. After
// that first one the signals get their default action back, so a second
// Ctrl+C ends ordermon at once if the first did not.
func watchSignals(parent context.Context) (context.Context, *signals, func()) {
	ctx, cancel := context.WithCancel(parent)
	s := &signals{ch: make(chan os.Signal, 1), done: make(chan struct{})}
	signal.Notify(s.ch, stopSignals...)
	go func() {
		select {
		case sig := <-s.ch:
			s.got.Store(sig)
			signal.Reset(stopSignals...)
			cancel()
		case <-s.done:
		}
	}()
	return ctx, s, func() {
		close(s.done)
		signal.Stop(s.ch)
		cancel()
	}
}

// exitCode returns the shell's code for a process a signal ended (128 plus
// its number: 130 for SIGINT, 143 for SIGTERM), or 0 when no signal came.
// SIGHUP, the terminal going away, is a request to stop like SIGTERM, and
// exits like it with 143.
func (s *signals) exitCode() int {
	sig, ok := s.got.Load().(syscall.Signal)
	switch {
	case !ok:
		return 0
	case sig == syscall.SIGHUP:
		return 128 + int(syscall.SIGTERM)
	}
	return 128 + int(sig)
}
