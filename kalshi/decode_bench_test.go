package kalshi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// benchDecodeOrderFixture decodes one {"order":{...}} reply, as GetOrder
// does for every single read.
func benchDecodeOrderFixture(b *testing.B, name string) {
	body := readFixture(b, name)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var reply struct {
			Order Order `json:"order"`
		}
		if err := json.Unmarshal(body, &reply); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeOrderShapes decodes the same order in each shape Kalshi
// has served: today's fixed-point strings, the integer cents removed in
// March 2026, and both at once from the migration.
func BenchmarkDecodeOrderShapes(b *testing.B) {
	for _, shape := range []string{"current", "legacy", "mixed"} {
		b.Run(shape, func(b *testing.B) { benchDecodeOrderFixture(b, "order_"+shape+".json") })
	}
}

// ordersPage builds a GetOrders reply holding n copies of the current
// order fixture, each with its own ID.
func ordersPage(b *testing.B, n int) []byte {
	var reply struct {
		Order map[string]any `json:"order"`
	}
	if err := json.Unmarshal(readFixture(b, "order_current.json"), &reply); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"orders":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		reply.Order["order_id"] = fmt.Sprintf("4b1d0c1e-8a77-4f2e-9d6b-%012x", i)
		o, err := json.Marshal(reply.Order)
		if err != nil {
			b.Fatal(err)
		}
		buf.Write(o)
	}
	buf.WriteString(`],"cursor":""}`)
	return buf.Bytes()
}

// BenchmarkDecodeOrdersPage decodes one GetOrders page the way GetOrders
// does: the batched read that refreshes many watched orders in one
// request, 500 orders being ordermon's stated load.
func BenchmarkDecodeOrdersPage(b *testing.B) {
	for _, n := range []int{50, 500} {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			body := ordersPage(b, n)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				page, err := decodeOrdersReply(body)
				if err != nil || len(page.Orders) != n {
					b.Fatalf("%d orders, %v", len(page.Orders), err)
				}
			}
		})
	}
}

// BenchmarkDecodeQueueReply decodes a GetQueuePositions reply for 40
// resting orders, which a watcher reads every round, by each path.
func BenchmarkDecodeQueueReply(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"queue_positions":[`)
	for i := range 40 {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"order_id":"4b1d0c1e-8a77-4f2e-9d6b-%012x","market_ticker":"KXIDLE-M%d","queue_position_fp":"%d.00"}`, i, i%10, i)
	}
	buf.WriteString(`]}`)
	body := buf.Bytes()
	for _, path := range []struct {
		name   string
		decode func([]byte) ([]QueuePosition, error)
	}{{"one-pass", decodeQueueReply}, {"field-by-field", slowQueue}} {
		b.Run(path.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if q, err := path.decode(body); err != nil || len(q) != 40 {
					b.Fatal(q, err)
				}
			}
		})
	}
}
