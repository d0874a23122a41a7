package ui

import (
	"slices"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/kalshi"
)

// canceledKalshi is the Kalshi-only fixture order canceled by Kalshi when
// it expired, 3 of 10 filled.
func canceledKalshi() engine.Snapshot {
	s := snapKalshi()
	o := *s.Order
	o.Status, o.LastUpdateReason = kalshi.StatusCanceled, "ExpiryCancel"
	o.FillCount, o.RemainingCount = dec("3.00"), dec("0.00")
	o.LastUpdateTime = ago_(time.Second)
	s.Order = &o
	return diagnosed(s)
}

// withSnap is the fixture round with s in place of its own order's
// snapshot.
func withSnap(seq uint64, s engine.Snapshot) engine.Round {
	r := fixtureRound(seq)
	r.Events = nil
	for i := range r.Snapshots {
		if r.Snapshots[i].Target == s.Target {
			r.Snapshots[i] = s
		}
	}
	return r
}

// TestPushedChangeShowsAtOnce: a commit the engine makes by itself (a
// pushed cancel) is on screen without a poll, with why Kalshi ended the
// order, and the screen waits for the next one; a poll that finished
// before it, arriving late, does not put the older state back, yet its
// events are kept.
func TestPushedChangeShowsAtOnce(t *testing.T) {
	m, fe := newTestModel(120, 40)
	wait := m.awaitChange()
	if wait == nil || m.awaitChange() != nil {
		t.Fatal("the screen should wait for one commit at a time")
	}
	pushed := withSnap(5, canceledKalshi())
	pushed.Events = []engine.Event{ev(tKalshi, time.Second, engine.EventKalshiStatus, "resting", "canceled",
		"Kalshi resting → canceled: expired (ExpiryCancel)")}
	fe.commit(pushed)
	polls := fe.polls
	_, next := m.Update(wait())
	if next == nil {
		t.Error("no wait armed for the next commit")
	}
	if fe.polls != polls {
		t.Errorf("a pushed change polled the engine")
	}
	selectTarget(m, tKalshi)
	mustContain(t, m, "canceled: expired (ExpiryCancel)")
	if r := m.rowIndex()(tKalshi); len(r.events) == 0 || r.events[len(r.events)-1].To != "canceled" {
		t.Errorf("the pushed event is not in the log: %v", r.events)
	}

	late := withSnap(3, snapKalshi()) // a poll that finished before the push
	late.Events = []engine.Event{ev(tKalshi, 2*time.Second, engine.EventFillCount, "2", "3", "filled 2 → 3 of 10")}
	m.inFlight = 7
	m.Update(roundMsg{tag: 7, round: late})
	if s := m.rowIndex()(tKalshi).snap; s.Order.Status != kalshi.StatusCanceled {
		t.Errorf("a late poll put the older state back: %s", s.Order.Status)
	}
	if r := m.rowIndex()(tKalshi); r.events[len(r.events)-1].Kind != engine.EventFillCount {
		t.Error("a late poll's events were dropped; the engine hands each out once")
	}
}

// TestFooterSaysHowFreshPushIs: live push shows its age in the footer;
// push refused shows polling and why.
func TestFooterSaysHowFreshPushIs(t *testing.T) {
	m, _ := newTestModel(120, 40)
	r := fixtureRound(2)
	r.Health.Push = engine.PushState{On: true, Interval: 3 * time.Second,
		Stream: kalshi.StreamState{Connected: true, Live: true, LastFrame: ago_(2 * time.Second)}}
	applyTestRound(m, r)
	mustContain(t, m, "kalshi ⚡ live · 2s")
	mustNotContain(t, m, "kalshi updated")

	r = fixtureRound(3)
	r.Health.Push = engine.PushState{On: true, Interval: 3 * time.Second,
		Stream: kalshi.StreamState{Refused: true, RefusedStatus: 401, ReconnectAt: testNow.Add(8 * time.Second)}}
	applyTestRound(m, r)
	mustContain(t, m, "kalshi polling every 3s · push refused (401)")
}

// TestAllAddsAndDropsFoundOrders: an order the engine found on its own
// gets a row; it goes when the engine stops watching it; one the user
// removed is not brought back by a round that still lists it; A turns
// watching everything on and refreshes.
func TestAllAddsAndDropsFoundOrders(t *testing.T) {
	m, fe := newTestModel(120, 40)
	found := engine.Target{Kind: engine.KindKalshi, ID: "found-1"}
	s := snapKalshi()
	s.Target, s.Order.OrderID = found, found.ID
	r := fixtureRound(2)
	r.Health.All = true
	r.Snapshots = append(r.Snapshots, diagnosed(s))
	applyTestRound(m, r)
	if m.rowIndex()(found) == nil {
		t.Fatal("no row for an order the engine found")
	}
	mustContain(t, m, "found-1")

	r = fixtureRound(3)
	r.Health.All = true
	applyTestRound(m, r)
	if m.rowIndex()(found) != nil || len(m.rows) != len(fixtureTargets()) {
		t.Fatalf("rows %d: a found order the engine let go stayed", len(m.rows))
	}
	selectTarget(m, tKalshi)
	drain(t, send(m, "d"))
	applyTestRound(m, fixtureRound(4)) // still lists it: the removal is on its way
	if m.rowIndex()(tKalshi) != nil {
		t.Error("a round brought back an order the user removed")
	}

	m.health.All = false
	cmd := send(m, "A")
	drain(t, cmd)
	if !slices.Equal(fe.all, []bool{true}) || !m.health.All {
		t.Errorf("A: WatchAll calls %v", fe.all)
	}
	mustContain(t, m, "watching every resting order on the account")
}
