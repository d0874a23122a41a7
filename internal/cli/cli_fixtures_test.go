package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline/pipelinetest"
)

// testJWT returns an unsigned-looking but well-formed JWT with the given
// subject and expiry, which is all ordermon reads of it.
func testJWT(sub string, exp time.Time) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := enc.EncodeToString([]byte(fmt.Sprintf(`{"sub":%q,"exp":%d}`, sub, exp.Unix())))
	return header + "." + payload + "." + enc.EncodeToString([]byte("signature-of-"+sub))
}

// The fixed instants the fixtures use, so JSON times can be compared
// exactly. They are in the past, which the fakes do not mind.
var (
	tCreated   = time.Date(2026, 3, 14, 15, 9, 26, 535000000, time.UTC)
	tValidated = tCreated.Add(4 * time.Second)
	tPlaced    = tCreated.Add(9 * time.Second)
	tFilled    = tCreated.Add(90 * time.Second)
	tTxn       = tCreated.Add(95 * time.Second)
	tClose     = time.Date(2026, 3, 14, 21, 0, 0, 0, time.UTC)
	tExpire    = time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
)

const testTicker = "KXBTCD-26MAR1417-T98499.99"

func dec(s string) fixed.Decimal { return fixed.MustParse(s) }

func decp(s string) *fixed.Decimal {
	d := fixed.MustParse(s)
	return &d
}

// putMarket adds the market every fixture trades in.
func (w *world) putMarket(title string) {
	w.x.PutMarket(kalshitest.MarketState{
		Ticker: testTicker, EventTicker: "KXBTCD-26MAR1417", Title: title,
		YesSubTitle: "$98,500 or above", NoSubTitle: "$98,500 or above", Status: "active",
		YesBid: dec("0.54"), YesAsk: dec("0.56"), LastPrice: dec("0.55"), CloseTime: tClose,
	})
}

// putRestingOrder puts a resting Kalshi order: 10 YES at 0.56, 3 filled,
// 12 contracts ahead in the queue.
func (w *world) putRestingOrder(id string) {
	w.x.PutOrder(kalshitest.OrderState{
		OrderID: id, UserID: "user-1", ClientOrderID: "client-" + id, Ticker: testTicker,
		OutcomeSide: "yes", YesPrice: dec("0.56"), InitialCount: dec("10"), FillCount: dec("3"),
		MakerFees: dec("0.02"), MakerFillCost: dec("1.68"),
		CreatedTime: tPlaced, LastUpdateTime: tFilled, ExpirationTime: tExpire,
		QueueAhead: dec("12"),
	})
}

// putFinishedOrder puts a Kalshi order that ended: executed (all 10
// filled) or canceled (nothing filled).
func (w *world) putFinishedOrder(id, status string) {
	o := kalshitest.OrderState{
		OrderID: id, UserID: "user-1", Ticker: testTicker, Status: status,
		OutcomeSide: "yes", YesPrice: dec("0.56"), InitialCount: dec("10"),
		CreatedTime: tPlaced, LastUpdateTime: tFilled,
	}
	if status == kalshitest.StatusExecuted {
		o.FillCount, o.TakerFees, o.TakerFillCost = dec("10"), dec("0.07"), dec("5.60")
	}
	w.x.PutOrder(o)
}

// placedIntent is an intent placed on Kalshi as kalshiID, 3 filled.
func placedIntent(id, kalshiID string) pipelinetest.IntentState {
	in := pipelinetest.NewIntent(id, testTicker)
	in.Status = "placed"
	in.CreatedAt, in.BalanceValidatedAt, in.OrderPlacedAt = tCreated, tValidated, tPlaced
	in.KalshiOrderID, in.KalshiOrderStatus, in.KalshiFillCount = kalshiID, "resting", decp("3")
	return in
}

// completedIntent is an intent that went all the way, minted in txHash.
func completedIntent(id, kalshiID, txHash string) pipelinetest.IntentState {
	in := placedIntent(id, kalshiID)
	in.Status, in.IsComplete = "completed", true
	in.OrderFilledAt, in.TxnFilledAt = tFilled, tTxn
	in.KalshiOrderStatus, in.KalshiFillCount = "executed", decp("10")
	in.TxHash = txHash
	return in
}

// failedIntent is an intent that failed with reason.
func failedIntent(id, kalshiID, reason string) pipelinetest.IntentState {
	in := placedIntent(id, kalshiID)
	in.Status, in.IsComplete, in.TerminationReason = "failed", true, reason
	in.KalshiOrderStatus, in.KalshiFillCount = "canceled", decp("0")
	return in
}

// jsonLines splits NDJSON output into objects whose values are kept as raw
// JSON text, so a test can tell "3.00" from 3 and null from "".
func jsonLines(t *testing.T, out string) []map[string]json.RawMessage {
	t.Helper()
	var objs []map[string]json.RawMessage
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" && out == "" {
			break
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stdout line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		objs = append(objs, m)
	}
	return objs
}

// object decodes a nested JSON object of raw values; null gives nil.
func object(t *testing.T, raw json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, raw)
	}
	return m
}

// text decodes a raw JSON string; it fails the test on anything else.
func text(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("not a JSON string: %s", raw)
	}
	return s
}
