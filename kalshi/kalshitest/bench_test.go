package kalshitest

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkServeGetOrder measures the exchange's cost per GetOrder, the
// read a load test sends most, without the network.
func BenchmarkServeGetOrder(b *testing.B) {
	clk := newClock()
	x := New(Options{Now: clk.Now})
	defer x.Close()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	x.AddKey("k", pub)
	x.PutOrder(OrderState{OrderID: "o1", Ticker: "T-1", OutcomeSide: "yes", YesPrice: d("0.5"), InitialCount: d("10")})
	req := httptest.NewRequest(http.MethodGet, "/trade-api/v2/portfolio/orders/o1", nil)
	signer{keyID: "k", key: priv, now: clk.Now}.sign(b, req)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		x.ServeHTTP(w, req)
	}
}
