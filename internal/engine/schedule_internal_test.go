package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ordermon/kalshi"
)

// TestPlanStretchesWithinBudget: resting orders go to the account-wide
// discovery read; orders that stopped resting are read singly, the focused
// one always and the rest longest-unrefreshed first while the budget (less
// the room kept for queue and market reads) lasts; the others wait, which
// the note says. The plan never exceeds the budget.
func TestPlanStretchesWithinBudget(t *testing.T) {
	now := time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)
	// 10 tokens a second at a 2 s interval: 18 tokens a round, 4 kept back.
	var items []item
	var res []result
	add := func(id string, status kalshi.OrderStatus, age time.Duration, focused bool) {
		it := item{prev: Snapshot{Order: &kalshi.Order{OrderID: id, Status: status}}, focused: focused}
		it.prev.Sources.Kalshi.LastSuccess = now.Add(-age)
		items = append(items, it)
		res = append(res, result{orderID: id})
	}
	for i := range 12 {
		add(fmt.Sprintf("done-%02d", i), kalshi.StatusExecuted, time.Duration(i)*time.Second, i == 0)
	}
	for i := range 8 {
		add(fmt.Sprintf("rest-%02d", i), kalshi.StatusResting, time.Second, false)
	}
	p := planOrders(items, res, 18, kalshi.Costs{}, listView{})
	if p.cost+p.reserve > p.budget {
		t.Fatalf("planned %d tokens (+%d kept back) over a budget of %d", p.cost, p.reserve, p.budget)
	}
	if len(p.batches) != 1 || p.batches[0].status != kalshi.StatusResting || len(p.batches[0].items) != 8 {
		t.Fatalf("batches %+v", p.batches)
	}
	var singles []string
	for _, i := range p.single {
		singles = append(singles, res[i].orderID)
	}
	if strings.Join(singles, ",") != "done-00,done-11" {
		t.Errorf("singles %v: want the focused order, then the longest unrefreshed", singles)
	}
	if len(p.deferred) != 10 {
		t.Errorf("%d deferred", len(p.deferred))
	}
	note := scheduleNote(p, len(items), 2*time.Second)
	if !strings.Contains(note, "10 of 20 orders") || !strings.Contains(note, "every 4s") {
		t.Errorf("note %q", note)
	}
	if scheduleNote(&plan{}, 12, 2*time.Second) != "" {
		t.Error("a plan with nothing deferred has a note")
	}
}
