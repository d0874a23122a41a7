package kalshi_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// Reading an order and its place in line. The fake exchange stands in for
// Kalshi here; against Kalshi, BaseURL is kalshi.ProdBaseURL and Key comes
// from kalshi.LoadPrivateKey.
func Example() {
	now := time.Date(2026, 8, 24, 13, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	x := kalshitest.New(kalshitest.Options{Now: clock})
	defer x.Close()
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	x.AddKey("my-key-id", pub)
	x.PutOrder(kalshitest.OrderState{
		OrderID: "ord-1", Ticker: "KXHIGHNY-26AUG24-B85.5", OutcomeSide: "yes",
		YesPrice: fixed.MustParse("0.56"), InitialCount: fixed.MustParse("10"),
	})
	x.Fill("ord-1", fixed.MustParse("2.5"), fixed.MustParse("0.56"), fixed.MustParse("0.02"), true)
	x.SetQueue("ord-1", fixed.MustParse("40"))

	c, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "my-key-id", Key: key, Now: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	o, err := c.GetOrder(ctx, "ord-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	avg, _ := o.AverageFillPrice()
	fmt.Println(o.Status, o.OutcomeSide, o.FillCount, "of", o.InitialCount, "filled at", avg, "partially filled:", o.PartiallyFilled())
	q, err := c.GetQueuePosition(ctx, "ord-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.Ahead, "contracts ahead")

	_, err = c.GetOrder(ctx, "no-such-order")
	fmt.Println(kalshi.IsNotFound(err))
	// Output:
	// resting yes 2.50 of 10.00 filled at 0.5600 partially filled: true
	// 40.00 contracts ahead
	// true
}

// The token bucket for the Basic tier: 200 read tokens a second, holding
// two seconds' worth.
func ExampleNewReadLimiter() {
	lim, err := kalshi.NewReadLimiter("basic")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lim.Limit(), lim.Burst(), kalshi.Cost(kalshi.OpGetOrder), kalshi.Cost(kalshi.OpGetMarket))
	// Output: 200 400 2 10
}
