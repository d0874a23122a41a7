package ui

import (
	"fmt"
	"ordermon/internal/engine"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkView draws the 120×40 screen with 1, 50 and 500 watched
// orders, each with a realistic snapshot and a few events, as the
// one-second clock does between polls: every iteration is a new second,
// so every pane that shows a time is drawn anew.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{1, 50, 500} {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			m := benchModel(n)
			clock := testNow
			m.now = func() time.Time { return clock }
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				clock = clock.Add(time.Second) // the clock's tick
				m.frameOK = false
				_ = m.View()
			}
		})
	}
}

// BenchmarkViewScroll draws the 120×40 screen of 500 orders after a key
// that scrolls the event log, within one second: only the detail pane is
// drawn again.
func BenchmarkViewScroll(b *testing.B) {
	m := benchModel(500)
	m.Update(press("tab"))
	m.Update(press("tab"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			m.Update(press("down"))
		} else {
			m.Update(press("up"))
		}
		_ = m.View()
	}
}

// BenchmarkRound applies a round of n orders, the work done once per
// poll.
func BenchmarkRound(b *testing.B) {
	for _, n := range []int{1, 50, 500} {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			m := benchModel(n)
			r := benchRound(n, 2)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m.applyRound(r, true)
			}
		})
	}
}

func benchModel(n int) *Model {
	fe := &fakeEngine{}
	for i := range n {
		fe.targets = append(fe.targets, benchTarget(i))
	}
	m := newModelWith(fe, Options{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	applyTestRound(m, benchRound(n, 1))
	m.Update(press("down"))
	_ = m.View()
	return m
}

func benchTarget(i int) engine.Target {
	return engine.Target{Kind: engine.KindIntent, ID: fmt.Sprintf("%08x-77e4-4c1b-9a55-0b7d2e6f8a10", i)}
}

// benchRound cycles the fixture snapshots over n orders.
func benchRound(n int, seq uint64) engine.Round {
	base := fixtureRound(seq)
	r := engine.Round{Seq: seq, Finished: testNow, Health: base.Health, Note: base.Note}
	for i := range n {
		t := benchTarget(i)
		s := base.Snapshots[i%len(base.Snapshots)]
		s.Target = t
		r.Snapshots = append(r.Snapshots, s)
		for j := range 3 {
			r.Events = append(r.Events, ev(t, time.Duration(j)*time.Second, engine.EventQueueMoved, "20", "12", "queue 20 → 12 ahead"))
		}
	}
	return r
}
