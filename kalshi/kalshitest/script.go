package kalshitest

// Script queues steps for an order: each Advance runs the next pending step
// of every scripted order. Steps run without the exchange's lock held, so
// they may call any Exchange method (Fill, Cancel, SetQueue, PutMarket...).
// Calling Script again for the same order appends to its steps.
func (x *Exchange) Script(orderID string, steps ...func(*Exchange)) {
	if len(steps) == 0 {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.scripts[orderID]; !ok {
		x.scriptIDs = append(x.scriptIDs, orderID)
	}
	x.scripts[orderID] = append(x.scripts[orderID], steps...)
}

// Advance runs the next step of every scripted order, in the order the
// orders were first scripted, and returns how many steps ran; zero means
// every script is finished.
func (x *Exchange) Advance() int {
	x.mu.Lock()
	var due []func(*Exchange)
	kept := x.scriptIDs[:0]
	for _, id := range x.scriptIDs {
		steps := x.scripts[id]
		due = append(due, steps[0])
		if len(steps) == 1 {
			delete(x.scripts, id)
			continue
		}
		x.scripts[id] = steps[1:]
		kept = append(kept, id)
	}
	x.scriptIDs = kept
	x.mu.Unlock()
	for _, step := range due {
		step(x)
	}
	return len(due)
}

// Pending returns how many scripted steps have not run yet.
func (x *Exchange) Pending() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := 0
	for _, steps := range x.scripts {
		n += len(steps)
	}
	return n
}
