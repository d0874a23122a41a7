package kalshi

import (
	"context"
	"encoding/json"
	"testing"
)

func BenchmarkDecodeOrder(b *testing.B) {
	body := readFixture(b, "order_current.json")
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

// BenchmarkGetOrder measures one signed RSA read over loopback HTTP,
// dominated by the RSA signature.
func BenchmarkGetOrder(b *testing.B) {
	k := testRSAKey(b)
	s := newTestServer(b, &k.PublicKey, serveFile(b, "order_current.json"))
	c := newTestClient(b, s, k)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetOrder(ctx, "ee4f2c2d-5b4e-4c3a-9a8e-1f2d3c4b5a69"); err != nil {
			b.Fatal(err)
		}
	}
}
