package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ordermon/internal/fixed"
)

func readIntentFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func idec(s string) fixed.Decimal { return fixed.MustParse(s) }

func idecPtr(s string) *fixed.Decimal {
	d := fixed.MustParse(s)
	return &d
}

func iutc(hh, mm, ss int) time.Time { return time.Date(2024, 1, 15, hh, mm, ss, 0, time.UTC) }

// normalizedIntent puts every time in UTC so DeepEqual compares instants; it
// keeps Decimal places, so a decoder that rewrote "0.50" as "0.5" fails.
func normalizedIntent(in Intent) Intent {
	for _, t := range []*time.Time{&in.CreatedAt, &in.BalanceValidatedAt, &in.OrderPlacedAt, &in.OrderFilledAt, &in.TxnFilledAt} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	return in
}

func TestDecodeIntentFixtures(t *testing.T) {
	legacyAction := Intent{
		ActionType:  "MarketOrder",
		MarketID:    "BTC-100K-2024-12",
		Side:        "yes",
		OrderType:   "buy",
		Quantity:    idec("1"),
		PriceCents:  idec("50"),
		QuoteAmount: idec("0.50"),
	}
	withAction := func(in Intent) Intent {
		in.ActionType, in.MarketID, in.Side, in.OrderType = legacyAction.ActionType, legacyAction.MarketID, legacyAction.Side, legacyAction.OrderType
		in.Quantity, in.PriceCents, in.QuoteAmount = legacyAction.Quantity, legacyAction.PriceCents, legacyAction.QuoteAmount
		return in
	}
	tests := []struct {
		file string
		want Intent
	}{
		{"intent_legacy_completed.json", withAction(Intent{
			ID: "123", Status: StatusCompleted, IsComplete: true,
			CreatedAt: iutc(10, 0, 0), BalanceValidatedAt: iutc(10, 0, 5), OrderPlacedAt: iutc(10, 0, 10),
			OrderFilledAt: iutc(10, 0, 15), TxnFilledAt: iutc(10, 0, 20),
			KalshiOrderID: "ORD-12345", KalshiOrderStatus: "filled", KalshiFillCount: idecPtr("1"),
			TxHash: "0xabc123def456", ChainID: 8453, Shape: ShapeLegacy,
		})},
		{"intent_legacy_pending.json", withAction(Intent{
			ID: "123", Status: StatusPending, CreatedAt: iutc(10, 0, 0), Shape: ShapeLegacy,
		})},
		{"intent_legacy_create_response.json", withAction(Intent{
			ID: "123", CreatedAt: iutc(10, 0, 0), Shape: ShapeLegacy,
		})},
		{"intent_current_executing.json", Intent{
			ID: "intent_abc123xyz", ClientID: "my-order-001", Status: StatusExecuting,
			CreatedAt: iutc(10, 0, 0), ChainID: 8453,
			ActionType: "MarketOrder", MarketID: "BTC-100K-2024-12", Side: "yes", OrderType: "BUY",
			Quantity: idec("1"), QuoteAmount: idec("0.50"), Shape: ShapeCurrent,
		}},
		{"intent_current_completed_wrapped.json", Intent{
			ID: "intent_abc123xyz", ClientID: "my-order-001", Status: StatusCompleted, IsComplete: true,
			CreatedAt: iutc(10, 0, 0), ChainID: 8453, TxHash: "0x9f8e7d6c5b4a",
			ActionType: "MarketOrder", MarketID: "BTC-100K-2024-12", Side: "yes", OrderType: "BUY",
			Quantity: idec("1"), QuoteAmount: idec("0.5"), Shape: ShapeCurrent,
		}},
		{"intent_nulls.json", Intent{ID: "123", Shape: ShapeCurrent}},
		{"intent_strings.json", Intent{
			ID: "123", Status: StatusPlaced,
			CreatedAt:     time.Date(2024, 1, 15, 8, 0, 0, 123456000, time.UTC),
			OrderPlacedAt: time.Date(2024, 1, 15, 8, 0, 10, 500000000, time.UTC),
			ActionType:    "MarketOrder", MarketID: "BTC-100K-2024-12", Side: "no", OrderType: "buy",
			Quantity: idec("2.50"), PriceCents: idec("44"), QuoteAmount: idec("1.100000"),
			KalshiOrderID: "ORD-12345", KalshiOrderStatus: "resting", KalshiFillCount: idecPtr("0.75"),
			ChainID: 8453, Shape: ShapeLegacy,
		}},
		{"intent_unknown_status.json", Intent{
			ID: "intent_abc123xyz", Status: "awaiting_settlement", CreatedAt: iutc(10, 0, 0),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := DecodeIntent(readIntentFixture(t, tc.file))
			if err != nil {
				t.Fatalf("DecodeIntent: %v", err)
			}
			got = normalizedIntent(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeIntentNumbersKeepTheirText(t *testing.T) {
	in, err := DecodeIntent(readIntentFixture(t, "intent_strings.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, got, want string }{
		{"quantity", in.Quantity.String(), "2.50"},
		{"quoteAmount", in.QuoteAmount.String(), "1.100000"},
		{"kalshiFillCount", in.KalshiFillCount.String(), "0.75"},
	} {
		if c.got != c.want {
			t.Errorf("%s printed %q, want %q as sent", c.name, c.got, c.want)
		}
	}
}

func TestDecodeIntentKeepsEscapesVerbatim(t *testing.T) {
	in, err := DecodeIntent(readIntentFixture(t, "intent_escapes.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The UI sanitizes at display time; the decoder must not lose data.
	if want := "Kalshi rejected\x1b[2J\x1b]0;pwned\a order\u202e: insufficient\tbalance"; in.TerminationReason != want {
		t.Errorf("TerminationReason = %q, want %q", in.TerminationReason, want)
	}
	if in.KalshiOrderStatus != "canceled\x1b[31m" {
		t.Errorf("KalshiOrderStatus = %q", in.KalshiOrderStatus)
	}
	if in.Status != StatusFailed || !in.IsComplete {
		t.Errorf("status %q complete %v", in.Status, in.IsComplete)
	}
}

func TestDecodeIntentWrappers(t *testing.T) {
	inner := `{"id":"123","status":"validated","balanceValidatedAt":"2024-01-15T10:00:05Z"}`
	for _, body := range []string{
		inner,
		`{"success":true,"intent":` + inner + `}`,
		`{"order":` + inner + `}`,
		`{"success":true,"data":` + inner + `}`,
	} {
		in, err := DecodeIntent([]byte(body))
		if err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		if in.ID != "123" || in.Status != StatusValidated || !in.BalanceValidatedAt.Equal(iutc(10, 0, 5)) || in.Shape != ShapeLegacy {
			t.Errorf("%s: got %+v", body, in)
		}
	}
}

func TestDecodeIntentWrongTypesNameTheField(t *testing.T) {
	tests := []struct{ body, field string }{
		{`{"id":{"x":1}}`, "id"},
		{`{"id":"1","status":5}`, "status"},
		{`{"id":"1","clientId":true}`, "clientId"},
		{`{"id":"1","isComplete":"yes"}`, "isComplete"},
		{`{"id":"1","terminationReason":{"msg":"x"}}`, "terminationReason"},
		{`{"id":"1","createdAt":1705312800}`, "createdAt"},
		{`{"id":"1","orderPlacedAt":"yesterday"}`, "orderPlacedAt"},
		{`{"id":"1","txnFilledAt":"2024-13-45T99:00:00Z"}`, "txnFilledAt"},
		{`{"id":"1","metadata":[]}`, "metadata"},
		{`{"id":"1","metadata":"none"}`, "metadata"},
		{`{"id":"1","metadata":{"kalshiFillCount":{}}}`, "metadata.kalshiFillCount"},
		{`{"id":"1","metadata":{"kalshiFillCount":"1e3"}}`, "metadata.kalshiFillCount"},
		{`{"id":"1","metadata":{"kalshiFillCount":1.0000001}}`, "metadata.kalshiFillCount"},
		{`{"id":"1","metadata":{"kalshiFillCount":"NaN"}}`, "metadata.kalshiFillCount"},
		{`{"id":"1","metadata":{"kalshiOrderId":["a"]}}`, "metadata.kalshiOrderId"},
		{`{"id":"1","metadata":{"chainId":8453.5}}`, "metadata.chainId"},
		{`{"id":"1","metadata":{"txHash":12}}`, "metadata.txHash"},
		{`{"id":"1","action":{"quantity":true}}`, "action.quantity"},
		{`{"id":"1","action":{"price":"fifty"}}`, "action.price"},
		{`{"id":"1","action":{"type":"MarketOrder","data":{"price":[50]}}}`, "action.data.price"},
		{`{"id":"1","action":{"type":"MarketOrder","data":7}}`, "action.data"},
		{`{"id":"1","action":{"orderType":"MarketOrder","order":{"baseToken":{"data":{"marketId":7}}}}}`, "action.order.baseToken.data.marketId"},
		{`{"id":"1","action":{"order":{"baseQuantity":"ten"}}}`, "action.order.baseQuantity"},
		{`{"id":"1","action":{"order":{"maxQuoteQuantityIn":false}}}`, "action.order.maxQuoteQuantityIn"},
		{`{"id":"1","action":{"order":"x"}}`, "action.order"},
		{`{"id":"1","chainId":"base"}`, "chainId"},
		{`{"id":"1","transactionHash":0}`, "transactionHash"},
		{`{"success":true,"intent":"123"}`, "intent"},
	}
	for _, tc := range tests {
		_, err := DecodeIntent([]byte(tc.body))
		var fe *IntentFieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want an *IntentFieldError", tc.body, err)
			continue
		}
		if fe.Field != tc.field {
			t.Errorf("%s: field %q, want %q", tc.body, fe.Field, tc.field)
		}
		if !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %q does not name %q", tc.body, err, tc.field)
		}
	}
}

func TestDecodeIntentRejectsNonIntents(t *testing.T) {
	for _, body := range []string{
		``, `not json`, `{"id":"1"`, `{"id":"1"} trailing`, `[]`, `[{"id":"1"}]`, `"123"`, `42`, `null`,
		`{}`, `{"success":true}`, `{"foo":1}`, `{"success":true,"intent":null}`,
	} {
		if in, err := DecodeIntent([]byte(body)); err == nil {
			t.Errorf("%q decoded to %+v, want an error", body, in)
		}
	}
}

func TestDecodeIntentServiceFailureIn200(t *testing.T) {
	_, err := DecodeIntent([]byte(`{"success":false,"error":{"message":"Order not found","code":"NOT_FOUND"}}`))
	var ie *IntentError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *IntentError", err)
	}
	if ie.Message != "Order not found" || ie.Code != "NOT_FOUND" {
		t.Errorf("got message %q code %q", ie.Message, ie.Code)
	}
}

func TestDecodeIntentErrorsAreClean(t *testing.T) {
	body := `{"id":"1","createdAt":"\u001b]0;owned\u0007\u001b[2Jsoon"}`
	_, err := DecodeIntent([]byte(body))
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.ContainsAny(err.Error(), "\x1b\a") {
		t.Errorf("error carries escapes: %q", err)
	}
	if !strings.Contains(err.Error(), "soon") {
		t.Errorf("error %q should quote the cleaned value", err)
	}
}

func TestDecodeIntentShapes(t *testing.T) {
	tests := []struct {
		body string
		want Shape
	}{
		{`{"id":"1","status":"executing"}`, ShapeCurrent},
		{`{"id":"1","transactionHash":"0x1"}`, ShapeCurrent},
		{`{"id":"1","status":"txn_filled"}`, ShapeLegacy},
		{`{"id":"1","metadata":{}}`, ShapeLegacy},
		{`{"id":"1","status":"pending"}`, ShapeUnknown},
		{`{"id":"1","action":{"type":"MarketOrder"}}`, ShapeLegacy},
		// A withdraw intent says nothing about the API version.
		{`{"id":"1","action":{"intentType":"Withdraw","amount":"5"}}`, ShapeUnknown},
	}
	for _, tc := range tests {
		in, err := DecodeIntent([]byte(tc.body))
		if err != nil {
			t.Errorf("%s: %v", tc.body, err)
			continue
		}
		if in.Shape != tc.want {
			t.Errorf("%s: shape %v, want %v", tc.body, in.Shape, tc.want)
		}
	}
}

func TestDecodeIntentTxHashAndChainFallbacks(t *testing.T) {
	in, err := DecodeIntent([]byte(`{"id":"1","metadata":{"txHash":"0xmeta"},"transactionHash":"0xtop","action":{"order":{},"chainId":"84532"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if in.TxHash != "0xmeta" || in.ChainID != 84532 {
		t.Errorf("txHash %q chain %d", in.TxHash, in.ChainID)
	}
	in, err = DecodeIntent([]byte(`{"id":"1","transactionHash":"0xtop"}`))
	if err != nil || in.TxHash != "0xtop" {
		t.Errorf("txHash %q err %v", in.TxHash, err)
	}
}
