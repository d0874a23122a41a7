package kalshitest

import (
	"testing"
)

func TestLegacyShape(t *testing.T) {
	f := newFixture(t, Options{Legacy: true})
	seedOrder(f)
	o := sub(t, object(t, f.get(t, "/portfolio/orders/o1").body), "order")
	wantFields(t, "legacy order", o, map[string]any{
		"order_id": "o1", "side": "no", "action": "buy", "type": "limit", "status": "resting",
		"yes_price": 44, "no_price": 56, "fill_count": 2, "remaining_count": 7, "initial_count": 10,
		"taker_fees": 1, "maker_fees": 0, "taker_fill_cost": 140, "maker_fill_cost": 0,
		"queue_position": 0,
	})
	wantAbsent(t, "legacy order", o, "outcome_side", "book_side", "yes_price_dollars", "fill_count_fp", "remaining_count_fp", "taker_fees_dollars")

	q := object(t, f.get(t, "/portfolio/orders/o1/queue_position").body)
	wantFields(t, "legacy queue", q, map[string]any{"queue_position": 12})
	wantAbsent(t, "legacy queue", q, "queue_position_fp")

	m := sub(t, object(t, f.get(t, "/markets/KXHIGHNY-26SEP01-B75.5").body), "market")
	wantFields(t, "legacy market", m, map[string]any{"yes_bid": 55, "yes_ask": 58, "no_bid": 42, "no_ask": 45, "last_price": 56})
	wantAbsent(t, "legacy market", m, "yes_bid_dollars")

	fl := list(t, object(t, f.get(t, "/portfolio/fills?order_id=o1").body), "fills")[0]
	wantFields(t, "legacy fill", fl, map[string]any{"count": 2, "yes_price": 44, "no_price": 56, "side": "no", "action": "buy", "is_taker": true})
	wantAbsent(t, "legacy fill", fl, "count_fp", "outcome_side", "fee_cost")

	qs := list(t, object(t, f.get(t, "/portfolio/orders/queue_positions?market_tickers=KXHIGHNY-26SEP01-B75.5").body), "queue_positions")
	wantFields(t, "legacy queue entry", qs[0], map[string]any{"order_id": "o1", "queue_position": 12})
	wantAbsent(t, "legacy queue entry", qs[0], "queue_position_fp")
}

func TestMixedShape(t *testing.T) {
	f := newFixture(t, Options{Mixed: true, Legacy: true})
	seedOrder(f)
	o := sub(t, object(t, f.get(t, "/portfolio/orders/o1").body), "order")
	wantFields(t, "mixed order", o, map[string]any{
		"yes_price": 44, "yes_price_dollars": "0.4400", "fill_count": 2, "fill_count_fp": "2.50",
		"outcome_side": "no", "side": "no", "queue_position": 0,
	})
	q := object(t, f.get(t, "/portfolio/orders/o1/queue_position").body)
	wantFields(t, "mixed queue", q, map[string]any{"queue_position": 12, "queue_position_fp": "12.00"})
}
