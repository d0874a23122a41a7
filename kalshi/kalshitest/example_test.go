package kalshitest_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi/kalshitest"
)

// A test registers a key, puts an order, and reads it with a signed
// request; later it moves the order along with Fill and Cancel.
func Example() {
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	x := kalshitest.New(kalshitest.Options{Now: func() time.Time { return now }})
	defer x.Close()

	pub, priv, _ := ed25519.GenerateKey(nil)
	x.AddKey("demo-key", pub)
	x.PutOrder(kalshitest.OrderState{
		OrderID: "ord-1", Ticker: "KXHIGHNY-26SEP01-B75.5", OutcomeSide: "yes",
		YesPrice: fixed.MustParse("0.56"), InitialCount: fixed.MustParse("10"),
	})
	x.Fill("ord-1", fixed.MustParse("2.5"), fixed.MustParse("0.56"), fixed.MustParse("0.02"), true)

	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, x.BaseURL()+"/portfolio/orders/ord-1", nil)
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	sig := ed25519.Sign(priv, []byte(ts+req.Method+req.URL.EscapedPath()))
	req.Header.Set("KALSHI-ACCESS-KEY", "demo-key")
	req.Header.Set("KALSHI-ACCESS-TIMESTAMP", ts)
	req.Header.Set("KALSHI-ACCESS-SIGNATURE", base64.StdEncoding.EncodeToString(sig))
	resp, err := x.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	fmt.Println(resp.StatusCode, len(body) > 0)
	o, _ := x.Order("ord-1")
	fmt.Println(o.Status, o.FillCount, o.RemainingCount, o.TakerFillCost)
	// Output:
	// 200 true
	// resting 2.5 7.5 1.400
}
