package pipelinetest_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline/pipelinetest"
)

const ticker = "BTC-100K-2024-12"

// both is an intent service and a Kalshi exchange sharing one clock, with
// a key registered for signed reads of the exchange.
type both struct {
	svc *pipelinetest.Service
	x   *kalshitest.Exchange
	clk *kalshitest.Clock
	key ed25519.PrivateKey
}

func startBoth(t *testing.T, current bool) *both {
	t.Helper()
	clk := newClock()
	x := kalshitest.New(kalshitest.Options{Now: clk.Now})
	t.Cleanup(x.Close)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x.AddKey("key-1", pub)
	svc, _ := start(t, pipelinetest.Options{Now: clk.Now, Exchange: x, Current: current})
	return &both{svc: svc, x: x, clk: clk, key: priv}
}

// kalshiOrder reads an order over the exchange's signed HTTP API, as
// ordermon will, and returns its status, fill count and queue position.
func (b *both) kalshiOrder(t *testing.T, id string) (status string, fill fixed.Decimal) {
	t.Helper()
	var body struct {
		Order struct {
			Status      string `json:"status"`
			FillCountFP string `json:"fill_count_fp"`
		} `json:"order"`
	}
	b.signedGet(t, "/portfolio/orders/"+id, &body)
	return body.Order.Status, fixed.MustParse(body.Order.FillCountFP)
}

func (b *both) queueAhead(t *testing.T, id string) fixed.Decimal {
	t.Helper()
	var body struct {
		QueuePositionFP string `json:"queue_position_fp"`
	}
	b.signedGet(t, "/portfolio/orders/"+id+"/queue_position", &body)
	return fixed.MustParse(body.QueuePositionFP)
}

func (b *both) signedGet(t *testing.T, path string, v any) {
	t.Helper()
	full := "/trade-api/v2" + path
	ts := strconv.FormatInt(b.clk.Now().UnixMilli(), 10)
	req, _ := http.NewRequest(http.MethodGet, b.x.URL+full, nil)
	req.Header.Set(kalshitest.HeaderKey, "key-1")
	req.Header.Set(kalshitest.HeaderTimestamp, ts)
	req.Header.Set(kalshitest.HeaderSignature, base64.StdEncoding.EncodeToString(ed25519.Sign(b.key, []byte(ts+"GET"+full))))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, raw)
	}
}

// intentWire reads the intent over HTTP, as ordermon will.
func (b *both) intentWire(t *testing.T, id string) map[string]any {
	t.Helper()
	status, body := get(t, context.Background(), b.svc, "/v1/order/"+id, nil)
	if status != 200 {
		t.Fatalf("intent %s: %d %s", id, status, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func meta(m map[string]any) map[string]any {
	md, _ := m["metadata"].(map[string]any)
	return md
}

func TestCleanCompletionKeepsBothSystemsInStep(t *testing.T) {
	b := startBoth(t, false)
	b.svc.PutIntent(pipelinetest.NewIntent("123", ticker))
	b.svc.Script("123", pipelinetest.CleanCompletion("ORD-12345", ticker)...)

	type check func(t *testing.T, in map[string]any)
	placedAt := b.clk.Now().Add(2 * time.Second).UTC().Format("2006-01-02T15:04:05.000Z")
	steps := []struct {
		name   string
		intent check
		kalshi func(t *testing.T)
	}{
		{"validate", func(t *testing.T, in map[string]any) {
			if in["status"] != "validated" || in["balanceValidatedAt"] != "2024-01-15T10:00:01.000Z" {
				t.Errorf("intent %v", in)
			}
		}, func(t *testing.T) {
			if _, ok := b.x.Order("ORD-12345"); ok {
				t.Error("order on Kalshi before placement")
			}
		}},
		{"place", func(t *testing.T, in map[string]any) {
			if in["status"] != "placed" || in["orderPlacedAt"] != placedAt || meta(in)["kalshiOrderId"] != "ORD-12345" ||
				meta(in)["kalshiOrderStatus"] != "resting" || meta(in)["kalshiFillCount"] != 0.0 {
				t.Errorf("intent %v", in)
			}
		}, func(t *testing.T) {
			st, fill := b.kalshiOrder(t, "ORD-12345")
			if st != "resting" || !fill.IsZero() {
				t.Errorf("kalshi %s %s", st, fill)
			}
			if m, ok := b.x.Market(ticker); !ok || m.Status != "active" {
				t.Errorf("market not created: %+v", m)
			}
			// The order joins the queue behind 40 contracts.
			if q := b.queueAhead(t, "ORD-12345"); !q.Equal(fixed.MustParse("40")) {
				t.Errorf("queue %s", q)
			}
		}},
		{"queue 15", nil, func(t *testing.T) {
			if q := b.queueAhead(t, "ORD-12345"); !q.Equal(fixed.MustParse("15")) {
				t.Errorf("queue %s", q)
			}
		}},
		{"kalshi fills 4, intent not told yet", func(t *testing.T, in map[string]any) {
			if meta(in)["kalshiFillCount"] != 0.0 {
				t.Errorf("intent learned of the fill too early: %v", meta(in))
			}
		}, func(t *testing.T) {
			if st, fill := b.kalshiOrder(t, "ORD-12345"); st != "resting" || !fill.Equal(fixed.MustParse("4")) {
				t.Errorf("kalshi %s %s", st, fill)
			}
		}},
		{"sync 4", func(t *testing.T, in map[string]any) {
			if meta(in)["kalshiFillCount"] != 4.0 || meta(in)["kalshiOrderStatus"] != "resting" {
				t.Errorf("metadata %v", meta(in))
			}
		}, nil},
		{"kalshi fills 6", nil, func(t *testing.T) {
			if st, fill := b.kalshiOrder(t, "ORD-12345"); st != "executed" || !fill.Equal(fixed.MustParse("10")) {
				t.Errorf("kalshi %s %s", st, fill)
			}
		}},
		{"sync 10", func(t *testing.T, in map[string]any) {
			if meta(in)["kalshiFillCount"] != 10.0 || meta(in)["kalshiOrderStatus"] != "executed" || in["status"] != "placed" {
				t.Errorf("intent %v", in)
			}
		}, nil},
		{"mark filled", func(t *testing.T, in map[string]any) {
			if in["status"] != "filled" || in["orderFilledAt"] == nil {
				t.Errorf("intent %v", in)
			}
		}, nil},
		{"txn filled", func(t *testing.T, in map[string]any) {
			if in["status"] != "txn_filled" || in["txnFilledAt"] == nil || meta(in)["txHash"] != pipelinetest.TxHashFor("123") || meta(in)["chainId"] != 8453.0 {
				t.Errorf("intent %v", in)
			}
		}, nil},
		{"complete", func(t *testing.T, in map[string]any) {
			if in["status"] != "completed" || in["isComplete"] != true || in["terminationReason"] != nil {
				t.Errorf("intent %v", in)
			}
		}, nil},
	}
	for _, s := range steps {
		b.clk.Add(time.Second)
		if n := b.svc.Advance(); n != 1 {
			t.Fatalf("%s: Advance ran %d steps", s.name, n)
		}
		if s.intent != nil {
			s.intent(t, b.intentWire(t, "123"))
		}
		if s.kalshi != nil {
			s.kalshi(t)
		}
		if t.Failed() {
			t.Fatalf("after step %q", s.name)
		}
	}
	if n := b.svc.Advance(); n != 0 || b.svc.Remaining() != 0 {
		t.Errorf("script not finished: Advance %d, Remaining %d", n, b.svc.Remaining())
	}
	if err := b.svc.Err(); err != nil {
		t.Errorf("step errors: %v", err)
	}
	if fills := b.x.Fills("ORD-12345"); len(fills) != 2 {
		t.Errorf("%d fills on the exchange, want 2", len(fills))
	}
}

func runAll(b *both) {
	for b.svc.Advance() > 0 {
		b.clk.Add(5 * time.Second)
	}
}

func TestScenarios(t *testing.T) {
	tests := []struct {
		name     string
		scenario pipelinetest.Scenario
		steps    int
		intent   func(st pipelinetest.IntentState) bool
		kalshi   func(o kalshitest.OrderState, ok bool) bool
	}{
		{"PartialFillInQueue", pipelinetest.PartialFillInQueue, 5,
			func(st pipelinetest.IntentState) bool {
				return st.Status == "placed" && st.KalshiOrderStatus == "resting" && st.KalshiFillCount.Equal(fixed.MustParse("3")) && !st.IsComplete
			},
			func(o kalshitest.OrderState, ok bool) bool {
				return ok && o.Status == "resting" && o.FillCount.Equal(fixed.MustParse("3")) && o.QueueAhead.Equal(fixed.MustParse("12")) &&
					o.RemainingCount.Equal(fixed.MustParse("7"))
			}},
		{"FailureWithReason", pipelinetest.FailureWithReason, 5,
			func(st pipelinetest.IntentState) bool {
				return st.Status == "failed" && st.IsComplete && st.TerminationReason == pipelinetest.FailureReason && st.KalshiOrderStatus == "canceled"
			},
			func(o kalshitest.OrderState, ok bool) bool {
				return ok && o.Status == "canceled" && o.FillCount.IsZero()
			}},
		{"StuckValidated", pipelinetest.StuckValidated, 1,
			func(st pipelinetest.IntentState) bool {
				return st.Status == "validated" && !st.BalanceValidatedAt.IsZero() && st.OrderPlacedAt.IsZero() && st.KalshiOrderID == ""
			},
			func(o kalshitest.OrderState, ok bool) bool { return !ok }},
		{"KalshiCancelUnnoticed", pipelinetest.KalshiCancelUnnoticed, 3,
			func(st pipelinetest.IntentState) bool {
				return st.Status == "placed" && st.KalshiOrderStatus == "resting" && !st.IsComplete
			},
			func(o kalshitest.OrderState, ok bool) bool { return ok && o.Status == "canceled" }},
		{"CleanCompletion", pipelinetest.CleanCompletion, 10,
			func(st pipelinetest.IntentState) bool {
				return st.Status == "completed" && st.IsComplete && st.KalshiFillCount.Equal(pipelinetest.ScenarioCount) && st.TxHash != ""
			},
			func(o kalshitest.OrderState, ok bool) bool {
				return ok && o.Status == "executed" && o.FillCount.Equal(pipelinetest.ScenarioCount)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			steps := tc.scenario("ORD-1", ticker)
			if len(steps) != tc.steps {
				t.Errorf("%d steps, want %d", len(steps), tc.steps)
			}
			b := startBoth(t, false)
			b.svc.Script("i-1", steps...) // Script creates the pending intent
			runAll(b)
			if err := b.svc.Err(); err != nil {
				t.Fatalf("step errors: %v", err)
			}
			st, _ := b.svc.Intent("i-1")
			if !tc.intent(st) {
				t.Errorf("intent %+v", st)
			}
			o, ok := b.x.Order("ORD-1")
			if !tc.kalshi(o, ok) {
				t.Errorf("kalshi order %+v (present %v)", o, ok)
			}
		})
	}
}

func TestScriptsAdvanceTogether(t *testing.T) {
	b := startBoth(t, false)
	b.svc.PutIntent(pipelinetest.NewIntent("a", ticker))
	b.svc.PutIntent(pipelinetest.NewIntent("b", "ETH-5K-2024-12"))
	b.svc.Script("a", pipelinetest.StuckValidated("", "")...)
	b.svc.Script("b", pipelinetest.KalshiCancelUnnoticed("ORD-B", "ETH-5K-2024-12")...)
	if b.svc.Remaining() != 4 {
		t.Fatalf("Remaining %d, want 4", b.svc.Remaining())
	}
	var ran []int
	for {
		n := b.svc.Advance()
		if n == 0 {
			break
		}
		ran = append(ran, n)
	}
	if want := []int{2, 1, 1}; !slices.Equal(ran, want) {
		t.Errorf("steps per Advance %v, want %v", ran, want)
	}
	if st, _ := b.svc.Intent("a"); st.Status != "validated" {
		t.Errorf("a: %s", st.Status)
	}
	if o, _ := b.x.Order("ORD-B"); o.Status != "canceled" {
		t.Errorf("ORD-B: %s", o.Status)
	}
}

func TestCurrentShapeDuringScript(t *testing.T) {
	b := startBoth(t, true)
	b.svc.PutIntent(pipelinetest.NewIntent("intent_abc123xyz", ticker))
	b.svc.Script("intent_abc123xyz", pipelinetest.CleanCompletion("ORD-9", ticker)...)
	seen := map[string]bool{}
	for b.svc.Advance() > 0 {
		in := b.intentWire(t, "intent_abc123xyz")
		seen[in["status"].(string)] = true
		if _, has := in["metadata"]; has {
			t.Fatal("the newer shape has no metadata")
		}
	}
	for _, s := range []string{"validated", "executing", "completed"} {
		if !seen[s] {
			t.Errorf("status %q never served; saw %v", s, seen)
		}
	}
	if seen["placed"] || seen["txn_filled"] {
		t.Errorf("older statuses leaked into the newer shape: %v", seen)
	}
	in := b.intentWire(t, "intent_abc123xyz")
	if in["transactionHash"] != pipelinetest.TxHashFor("intent_abc123xyz") || in["clientId"] != "client-intent_abc123xyz" {
		t.Errorf("final %v", in)
	}
}

func TestStepErrors(t *testing.T) {
	b := startBoth(t, false)
	b.svc.Script("x", pipelinetest.KalshiFill(fixed.MustParse("1"), fixed.MustParse("0.5"), fixed.Decimal{}))
	b.svc.Advance()
	if err := b.svc.Err(); err == nil || !strings.Contains(err.Error(), "no Kalshi order") {
		t.Errorf("fill before place: %v", err)
	}

	// Filling a canceled order is refused rather than silently ignored.
	b2 := startBoth(t, false)
	b2.svc.Script("y", append(pipelinetest.KalshiCancelUnnoticed("ORD-Y", ticker),
		pipelinetest.KalshiFill(fixed.MustParse("1"), fixed.MustParse("0.5"), fixed.Decimal{}))...)
	runAll(b2)
	if err := b2.svc.Err(); err == nil || !strings.Contains(err.Error(), "not resting") {
		t.Errorf("fill after cancel: %v", err)
	}

	// Without an exchange, intent-only steps still work.
	svc, _ := start(t, pipelinetest.Options{})
	svc.Script("z", pipelinetest.Validate(), pipelinetest.Place("ORD-Z", ticker, "no", fixed.MustParse("0.30"), fixed.MustParse("5")), pipelinetest.SetQueue(fixed.MustParse("1")))
	for svc.Advance() > 0 {
	}
	st, _ := svc.Intent("z")
	if st.Status != "placed" || st.KalshiOrderID != "ORD-Z" || !st.Price.Equal(fixed.MustParse("70")) || st.Side != "no" {
		t.Errorf("intent %+v", st)
	}
	if err := svc.Err(); err == nil || !strings.Contains(err.Error(), "no exchange") {
		t.Errorf("SetQueue without exchange: %v", err)
	}

	svc.Script("gone", pipelinetest.Validate())
	svc.RemoveIntent("gone")
	svc.Advance()
	if err := svc.Err(); !strings.Contains(err.Error(), "no such intent") {
		t.Errorf("removed intent: %v", err)
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(svc.Err(), &joined) || len(joined.Unwrap()) != 2 {
		t.Errorf("Err should join every step error")
	}
}

func TestPlaceKeepsExistingMarket(t *testing.T) {
	b := startBoth(t, false)
	b.x.PutMarket(kalshitest.MarketState{Ticker: ticker, Title: "Bitcoin above $100k?", Status: "active"})
	b.svc.Script("m", pipelinetest.Place("ORD-M", ticker, "yes", fixed.MustParse("0.4"), fixed.MustParse("1")))
	b.svc.Advance()
	if m, _ := b.x.Market(ticker); m.Title != "Bitcoin above $100k?" {
		t.Errorf("Place replaced the market: %+v", m)
	}
}
