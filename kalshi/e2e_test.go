package kalshi_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"ordermon/internal/fakeserver"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
)

// These tests run the client against kalshitest, a fake exchange written
// independently from Kalshi's docs, over real HTTP on loopback. The fake
// verifies every signature as Kalshi does, so a passing read proves the
// whole chain: key file, signing, URL, decoding.

var e2eNow = time.Date(2026, 8, 24, 13, 0, 0, 0, time.UTC)

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func sharedRSA(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	rsaOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return rsaKey
}

// keyFiles writes one RSA key as PKCS#1 and PKCS#8 PEM files and a fresh
// Ed25519 key as PKCS#8, the three formats Kalshi users hold.
func keyFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	rk := sharedRSA(t)
	_, ek, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p8rsa, err := x509.MarshalPKCS8PrivateKey(rk)
	if err != nil {
		t.Fatal(err)
	}
	p8ed, err := x509.MarshalPKCS8PrivateKey(ek)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*pem.Block{
		"rsa-pkcs1.pem":  {Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)},
		"rsa-pkcs8.pem":  {Type: "PRIVATE KEY", Bytes: p8rsa},
		"ed25519-p8.pem": {Type: "PRIVATE KEY", Bytes: p8ed},
	}
	out := map[string]string{}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}
	return out
}

type env struct {
	x   *kalshitest.Exchange
	clk *kalshitest.Clock
	key crypto.Signer
}

// newEnv starts an exchange on a fixed clock with one registered key.
func newEnv(t *testing.T, opts kalshitest.Options) *env {
	t.Helper()
	clk := kalshitest.NewClock(e2eNow)
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	x := kalshitest.New(opts)
	t.Cleanup(x.Close)
	k := sharedRSA(t)
	x.AddKey("kid-rsa", &k.PublicKey)
	return &env{x: x, clk: clk, key: k}
}

// noSleep records retry waits instead of sleeping.
type noSleep = fakeserver.Sleeps

func (e *env) client(t *testing.T, tweak ...func(*kalshi.Config)) *kalshi.Client {
	t.Helper()
	cfg := kalshi.Config{BaseURL: e.x.BaseURL(), KeyID: "kid-rsa", Key: e.key, Now: e.clk.Now, Sleep: (&noSleep{}).Sleep}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := kalshi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func d(s string) fixed.Decimal { return fixed.MustParse(s) }

func eq(t *testing.T, what string, got fixed.Decimal, want string) {
	t.Helper()
	if !got.Equal(d(want)) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

const (
	ordA   = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
	ordB   = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	ticker = "KXHIGHNY-26AUG24-B85.5"
	event  = "KXHIGHNY-26AUG24"
)

func putOrderA(x *kalshitest.Exchange) {
	x.PutOrder(kalshitest.OrderState{
		OrderID: ordA, UserID: "u-1", ClientOrderID: "intent-7f3a", Ticker: ticker,
		OutcomeSide: "yes", YesPrice: d("0.56"), InitialCount: d("10"),
		CreatedTime: e2eNow.Add(-time.Hour),
	})
}

func TestE2EEveryKeyFormatReadsAnOrder(t *testing.T) {
	e := newEnv(t, kalshitest.Options{})
	putOrderA(e.x)
	e.x.Fill(ordA, d("2.50"), d("0.56"), d("0.02"), true)
	for name, path := range keyFiles(t) {
		t.Run(name, func(t *testing.T) {
			key, err := kalshi.LoadPrivateKey(path)
			if err != nil {
				t.Fatal(err)
			}
			e.x.AddKey("kid-"+name, key.Public())
			c := e.client(t, func(c *kalshi.Config) { c.KeyID = "kid-" + name; c.Key = key })
			o, err := c.GetOrder(context.Background(), ordA)
			if err != nil {
				t.Fatal(err)
			}
			if o.OrderID != ordA || o.Ticker != ticker || o.Status != kalshi.StatusResting || o.Shape != kalshi.ShapeCurrent {
				t.Errorf("order %+v", o)
			}
			if o.OutcomeSide != "yes" || o.BookSide != "bid" || !o.PartiallyFilled() {
				t.Errorf("sides %q/%q partially filled %v", o.OutcomeSide, o.BookSide, o.PartiallyFilled())
			}
			eq(t, "FillCount", o.FillCount, "2.5")
			eq(t, "RemainingCount", o.RemainingCount, "7.5")
			eq(t, "TakerFillCost", o.TakerFillCost, "1.40")
			eq(t, "TakerFees", o.TakerFees, "0.02")
			eq(t, "YesPrice", o.YesPrice, "0.56")
			eq(t, "NoPrice", o.NoPrice, "0.44")
			if avg, ok := o.AverageFillPrice(); !ok || avg.String() != "0.5600" {
				t.Errorf("AverageFillPrice %s %v", avg, ok)
			}
		})
	}
}

// signByHand builds a GetOrder request signed outside the client.
func signByHand(t *testing.T, x *kalshitest.Exchange, keyID string, ts time.Time, sign func(msg []byte) []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, x.BaseURL()+"/portfolio/orders/"+ordA, nil)
	if err != nil {
		t.Fatal(err)
	}
	tsText := strconv.FormatInt(ts.UnixMilli(), 10)
	sig := sign([]byte(tsText + req.Method + req.URL.EscapedPath()))
	req.Header.Set(kalshi.HeaderAccessKey, keyID)
	req.Header.Set(kalshi.HeaderAccessTimestamp, tsText)
	req.Header.Set(kalshi.HeaderAccessSignature, base64.StdEncoding.EncodeToString(sig))
	resp, err := x.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestE2EAutoSaltSignatureIsRejected(t *testing.T) {
	e := newEnv(t, kalshitest.Options{})
	putOrderA(e.x)
	k := sharedRSA(t)
	pss := func(salt int) func([]byte) []byte {
		return func(msg []byte) []byte {
			h := sha256.Sum256(msg)
			sig, err := rsa.SignPSS(rand.Reader, k, crypto.SHA256, h[:], &rsa.PSSOptions{SaltLength: salt})
			if err != nil {
				t.Fatal(err)
			}
			return sig
		}
	}
	resp := signByHand(t, e.x, "kid-rsa", e2eNow, pss(rsa.PSSSaltLengthAuto))
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "authentication_error") {
		t.Fatalf("auto-salt signature: %d %s; want 401 authentication_error", resp.StatusCode, body)
	}
	// The same request with a 32-byte salt passes, so the 401 above is the
	// salt and nothing else.
	ok := signByHand(t, e.x, "kid-rsa", e2eNow, pss(rsa.PSSSaltLengthEqualsHash))
	defer ok.Body.Close()
	if ok.StatusCode != http.StatusOK {
		t.Fatalf("salt-32 signature by hand: %d", ok.StatusCode)
	}
}

func TestE2EStaleTimestampIsRejected(t *testing.T) {
	e := newEnv(t, kalshitest.Options{Window: 30 * time.Second})
	putOrderA(e.x)
	for _, skew := range []time.Duration{-2 * time.Minute, 2 * time.Minute} {
		ours := kalshitest.NewClock(e2eNow.Add(skew))
		c := e.client(t, func(c *kalshi.Config) { c.Now = ours.Now })
		before := len(e.x.Requests())
		_, err := c.GetOrder(context.Background(), ordA)
		if !kalshi.IsUnauthorized(err) {
			t.Fatalf("skew %v: want 401, got %v", skew, err)
		}
		var ae *kalshi.APIError
		errors.As(err, &ae)
		// The reply's Date lets a caller name the cause: our clock is off.
		if !ae.ServerDate.Equal(e2eNow) || !c.LastServerDate().Equal(e2eNow) {
			t.Errorf("skew %v: ServerDate %v LastServerDate %v, want the exchange's %v", skew, ae.ServerDate, c.LastServerDate(), e2eNow)
		}
		if got := ae.ServerDate.Sub(ours.Now()); got != -skew {
			t.Errorf("measured skew %v, want %v", got, -skew)
		}
		if n := len(e.x.Requests()) - before; n != 1 {
			t.Errorf("skew %v: a 401 was retried (%d requests)", skew, n)
		}
	}
	// Inside the window is fine.
	ours := kalshitest.NewClock(e2eNow.Add(-10 * time.Second))
	if _, err := e.client(t, func(c *kalshi.Config) { c.Now = ours.Now }).GetOrder(context.Background(), ordA); err != nil {
		t.Fatalf("10s of skew: %v", err)
	}
}

func TestE2EReads(t *testing.T) {
	e := newEnv(t, kalshitest.Options{})
	putOrderA(e.x)
	e.x.PutOrder(kalshitest.OrderState{
		OrderID: ordB, Ticker: "KXTENNIS-26AUG24-SIN", OutcomeSide: "no", YesPrice: d("0.436588"),
		InitialCount: d("4"), CreatedTime: e2eNow.Add(-30 * time.Minute),
	})
	e.x.PutMarket(kalshitest.MarketState{
		Ticker: ticker, EventTicker: event, Title: "High temp in NYC", YesSubTitle: "85° to 86°", NoSubTitle: "85° to 86°",
		Status: "active", YesBid: d("0.55"), YesAsk: d("0.57"), LastPrice: d("0.56"), CloseTime: e2eNow.Add(15 * time.Hour),
	})
	e.x.SetQueue(ordA, d("12.50"))
	e.x.SetQueue(ordB, d("0"))
	e.clk.Set(e2eNow.Add(time.Minute))
	e.x.Fill(ordA, d("1.50"), d("0.56"), d("0.01"), true)
	e.clk.Set(e2eNow.Add(2 * time.Minute))
	e.x.Fill(ordA, d("1.00"), d("0.55"), d("0"), false)
	e.x.Fill(ordB, d("4"), d("0.563412"), d("0.03"), true) // executes B
	c := e.client(t)
	ctx := context.Background()

	qp, err := c.GetQueuePosition(ctx, ordA)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "queue ahead", qp.Ahead, "12.5")

	qps, err := c.GetQueuePositions(ctx, []string{ticker, "KXTENNIS-26AUG24-SIN"})
	if err != nil {
		t.Fatal(err)
	}
	if len(qps) != 1 || qps[0].OrderID != ordA || qps[0].MarketTicker != ticker || !qps[0].Ahead.Equal(d("12.5")) {
		t.Errorf("queue positions (resting orders only): %+v", qps)
	}

	fills, err := c.GetFills(ctx, ordA)
	if err != nil {
		t.Fatal(err)
	}
	if len(fills) != 2 {
		t.Fatalf("%d fills", len(fills))
	}
	var total fixed.Decimal
	for _, f := range fills {
		if f.OrderID != ordA || f.Ticker != ticker || f.OutcomeSide != "yes" || f.FillID == "" {
			t.Errorf("fill %+v", f)
		}
		total = total.Add(f.Count)
	}
	eq(t, "sum of fill counts", total, "2.5")

	m, err := c.GetMarket(ctx, ticker)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != "active" || m.EventTicker != event || m.YesSubTitle != "85° to 86°" || !m.CloseTime.Equal(e2eNow.Add(15*time.Hour)) {
		t.Errorf("market %+v", m)
	}
	eq(t, "YesBid", m.YesBid, "0.55")
	eq(t, "NoAsk", m.NoAsk, "0.45")
	eq(t, "LastPrice", m.LastPrice, "0.56")

	page, err := c.GetOrders(ctx, kalshi.OrdersQuery{Status: kalshi.StatusResting})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Orders) != 1 || page.Orders[0].OrderID != ordA {
		t.Errorf("resting orders: %+v", page.Orders)
	}
	b, err := c.GetOrder(ctx, ordB)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != kalshi.StatusExecuted || !b.Status.Terminal() || b.OutcomeSide != "no" || b.BookSide != "ask" {
		t.Errorf("order B %+v", b)
	}
	eq(t, "B NoPrice", b.NoPrice, "0.563412")
	eq(t, "B TakerFillCost", b.TakerFillCost, "2.253648")

	// Paging one order at a time visits every order once.
	seen := map[string]bool{}
	q := kalshi.OrdersQuery{Limit: 1}
	for i := 0; i < 5; i++ {
		p, err := c.GetOrders(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Orders {
			seen[o.OrderID] = true
		}
		if p.Cursor == "" {
			break
		}
		q.Cursor = p.Cursor
	}
	if len(seen) != 2 || !seen[ordA] || !seen[ordB] {
		t.Errorf("paged orders: %v", seen)
	}
	byEvent, err := c.GetOrders(ctx, kalshi.OrdersQuery{EventTickers: []string{event}})
	if err != nil {
		t.Fatal(err)
	}
	if len(byEvent.Orders) != 1 || byEvent.Orders[0].OrderID != ordA {
		t.Errorf("orders of %s: %+v", event, byEvent.Orders)
	}

	// A canceled order keeps its fills and reports the reason.
	e.x.Cancel(ordA)
	a, err := c.GetOrder(ctx, ordA)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != kalshi.StatusCanceled || a.PartiallyFilled() || a.LastUpdateReason != kalshitest.CancelReason {
		t.Errorf("canceled order %+v", a)
	}
	eq(t, "canceled FillCount", a.FillCount, "2.5")

	// Every request was charged what the client expects to pay.
	for _, r := range e.x.Requests() {
		op := kalshi.OpGetOrders
		if strings.HasPrefix(r.Path, "/trade-api/v2/portfolio/orders/") && !strings.Contains(r.Path, "queue") {
			op = kalshi.OpGetOrder
		}
		if r.Cost != kalshi.Cost(op) {
			t.Errorf("%s cost %d at the exchange, client expects %d", r.Path, r.Cost, kalshi.Cost(op))
		}
	}
}

func TestE2EMissingOrderIs404NotRetried(t *testing.T) {
	e := newEnv(t, kalshitest.Options{})
	c := e.client(t)
	_, err := c.GetOrder(context.Background(), ordA)
	if !kalshi.IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}
	if n := len(e.x.Requests()); n != 1 {
		t.Errorf("%d requests, want exactly 1", n)
	}
}

func TestE2EFaults(t *testing.T) {
	ctx := context.Background()
	// Each case gets its own exchange, so a request another case abandoned
	// cannot be recorded late into this one's counts.
	fresh := func(t *testing.T) *env {
		e := newEnv(t, kalshitest.Options{})
		putOrderA(e.x)
		return e
	}

	t.Run("500 then success", func(t *testing.T) {
		e := fresh(t)
		e.x.InjectFault(kalshitest.Fault{Status: 500, Times: 1})
		if _, err := e.client(t).GetOrder(ctx, ordA); err != nil {
			t.Fatal(err)
		}
		if n := len(e.x.Requests()); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("429 Retry-After", func(t *testing.T) {
		e := fresh(t)
		ns := &noSleep{}
		e.x.InjectFault(kalshitest.Fault{Status: 429, RetryAfter: 4, Times: 1})
		if _, err := e.client(t, func(c *kalshi.Config) { c.Sleep = ns.Sleep }).GetOrder(ctx, ordA); err != nil {
			t.Fatal(err)
		}
		if len(ns.Waits()) != 1 || ns.Waits()[0] < 4*time.Second {
			t.Errorf("waits %v, want one of at least 4s", ns.Waits())
		}
	})
	t.Run("persistent 503 is bounded", func(t *testing.T) {
		e := fresh(t)
		e.x.InjectFault(kalshitest.Fault{Status: 503})
		defer e.x.ClearFaults()
		_, err := e.client(t).GetOrder(ctx, ordA)
		var ae *kalshi.APIError
		if !errors.As(err, &ae) || ae.Status != 503 || ae.Excerpt == "" || strings.ContainsRune(ae.Excerpt, '\n') {
			t.Fatalf("want a 503 with an excerpt of the HTML page, got %#v", err)
		}
		if n := len(e.x.Requests()); n != kalshi.DefaultMaxAttempts {
			t.Errorf("%d requests, want %d", n, kalshi.DefaultMaxAttempts)
		}
	})
	t.Run("20 MB body", func(t *testing.T) {
		e := fresh(t)
		e.x.InjectFault(kalshitest.Fault{BodySize: 20 << 20, Times: 1})
		_, err := e.client(t).GetOrder(ctx, ordA)
		if !errors.Is(err, kalshi.ErrBodyTooLarge) {
			t.Fatalf("want ErrBodyTooLarge, got %v", err)
		}
	})
	t.Run("garbage JSON", func(t *testing.T) {
		e := fresh(t)
		e.x.InjectFault(kalshitest.Fault{Body: []byte(`{"order":{"order_id":"` + ordA + `","fill_count_fp":`), Times: 1})
		_, err := e.client(t).GetOrder(ctx, ordA)
		var de *kalshi.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("want a DecodeError, got %v", err)
		}
	})
	t.Run("slow reply times out then retries", func(t *testing.T) {
		e := fresh(t)
		e.x.InjectFault(kalshitest.Fault{Delay: time.Hour, Times: 1})
		c := e.client(t, func(c *kalshi.Config) { c.Timeout = 100 * time.Millisecond })
		if _, err := c.GetOrder(ctx, ordA); err != nil {
			t.Fatal(err)
		}
		if err := e.x.WaitRequests(ctx, 2); err != nil {
			t.Fatal(err)
		}
		// Requests are recorded as they finish, so the abandoned one may
		// come second.
		statuses := map[int]int{}
		for _, r := range e.x.Requests() {
			statuses[r.Status]++
		}
		if statuses[kalshitest.StatusClientClosed] != 1 || statuses[200] != 1 {
			t.Errorf("statuses %v; want one abandoned by the client and one 200", statuses)
		}
	})
}

func TestE2ELimiterKeepsUnderTheExchangeBucket(t *testing.T) {
	// The exchange's clock is frozen, so its 400-token bucket never
	// refills: exactly 40 default-cost reads fit.
	e := newEnv(t, kalshitest.Options{ReadBudget: 200})
	e.x.PutMarket(kalshitest.MarketState{Ticker: ticker, Status: "active"})
	ctx := context.Background()

	lim := rate.NewLimiter(rate.Every(time.Hour), 400)
	c := e.client(t, func(c *kalshi.Config) { c.Limiter = lim })
	for i := 0; i < 40; i++ {
		if _, err := c.GetMarket(ctx, ticker); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := c.GetMarket(short, ticker); err == nil || kalshi.IsRateLimited(err) {
		t.Fatalf("41st read: want the client to hold back, got %v", err)
	}
	for _, r := range e.x.Requests() {
		if r.Status == http.StatusTooManyRequests {
			t.Fatal("the exchange answered 429 although the client limited itself")
		}
	}
	if n := len(e.x.Requests()); n != 40 {
		t.Errorf("%d requests reached the exchange, want 40", n)
	}

	// Without the limiter the same pattern runs into the exchange's 429.
	e2 := newEnv(t, kalshitest.Options{ReadBudget: 200})
	e2.x.PutMarket(kalshitest.MarketState{Ticker: ticker, Status: "active"})
	c2 := e2.client(t, func(c *kalshi.Config) { c.MaxAttempts = 1 })
	var err error
	for i := 0; i < 41 && err == nil; i++ {
		_, err = c2.GetMarket(ctx, ticker)
	}
	var ae *kalshi.APIError
	if !kalshi.IsRateLimited(err) || !errors.As(err, &ae) || ae.Message != "too many requests" {
		t.Fatalf("want Kalshi's 429, got %v", err)
	}
}

func TestE2ELegacyAndMixedShapes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  kalshitest.Options
		shape kalshi.Shape
	}{
		{"legacy", kalshitest.Options{Legacy: true}, kalshi.ShapeLegacy},
		{"mixed", kalshitest.Options{Mixed: true}, kalshi.ShapeMixed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts)
			putOrderA(e.x)
			e.x.Fill(ordA, d("3"), d("0.56"), d("0.02"), true)
			o, err := e.client(t).GetOrder(context.Background(), ordA)
			if err != nil {
				t.Fatal(err)
			}
			if o.Shape != tc.shape || o.OutcomeSide != "yes" || o.BookSide != "bid" {
				t.Errorf("shape %v sides %q/%q", o.Shape, o.OutcomeSide, o.BookSide)
			}
			eq(t, "FillCount", o.FillCount, "3")
			eq(t, "RemainingCount", o.RemainingCount, "7")
			eq(t, "YesPrice", o.YesPrice, "0.56")
			eq(t, "TakerFillCost", o.TakerFillCost, "1.68")
			eq(t, "TakerFees", o.TakerFees, "0.02")

			_, err = e.client(t).GetQueuePosition(context.Background(), ordA)
			if tc.shape == kalshi.ShapeLegacy {
				if err == nil || !strings.Contains(err.Error(), "legacy integer queue_position") {
					t.Errorf("legacy queue position: want a refusal naming the legacy field, got %v", err)
				}
			} else if err != nil {
				t.Errorf("mixed queue position: %v", err)
			}
		})
	}
}
