package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ordermon/internal/fakeserver"
	"ordermon/pipeline/pipelinetest"
)

var allEnvelopes = []pipelinetest.Envelope{
	pipelinetest.EnvelopeNone, pipelinetest.EnvelopeSuccess, pipelinetest.EnvelopeOrder, pipelinetest.EnvelopeData,
}

// listWorld is the fake holding three orders of two wallets and a
// withdraw, with a client holding both credentials.
func listWorld(t *testing.T, opts pipelinetest.Options, mod func(*IntentConfig)) (*pipelinetest.Service, *IntentClient) {
	t.Helper()
	tok := intentTestToken()
	opts.Token, opts.APIKey = tok, intentTestAPIKey
	svc := newIntentService(t, opts)
	for i, wallet := range []string{"0xAAaa", "0xbbbb", "0xaaaa"} {
		st := placedTestIntent(fmt.Sprint(100 + i))
		st.WalletAddress = wallet
		st.CreatedAt = intentNow.Add(time.Duration(i-10) * time.Minute)
		svc.PutIntent(st)
	}
	withdraw := placedTestIntent("w1")
	withdraw.ActionType, withdraw.WalletAddress = "Withdraw", "0xaaaa"
	svc.PutIntent(withdraw)
	c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) {
		c.Token, c.APIKey = staticToken(tok), intentTestAPIKey
		if mod != nil {
			mod(c)
		}
	})
	return svc, c
}

func ids(ins []Intent) string {
	s := make([]string, len(ins))
	for i, in := range ins {
		s[i] = in.ID
	}
	return strings.Join(s, ",")
}

func TestListIntentsBothShapesEveryEnvelope(t *testing.T) {
	for _, current := range []bool{false, true} {
		for _, env := range allEnvelopes {
			svc, c := listWorld(t, pipelinetest.Options{Current: current, Envelope: env}, nil)
			got, err := c.ListIntents(context.Background(), "")
			if err != nil {
				t.Fatalf("current=%v env=%d: %v", current, env, err)
			}
			// Newest first, as the service sends them; the withdraw is
			// not an order.
			if ids(got) != "102,101,100" {
				t.Errorf("current=%v env=%d: got %s", current, env, ids(got))
			}
			want := ShapeLegacy
			if current {
				want = ShapeCurrent
			}
			if got[0].Shape != want || got[0].MarketID != "BTC-100K-2024-12" || got[0].Status == "" {
				t.Errorf("current=%v env=%d: first %+v", current, env, got[0])
			}
			r := svc.Requests()[0]
			if r.Path != "/v1/order" || r.Query != "" || !r.Bearer || !r.APIKey || r.Status != http.StatusOK {
				t.Errorf("request %+v", r)
			}
		}
	}
}

func TestListIntentsSendsTheWalletFilter(t *testing.T) {
	svc, c := listWorld(t, pipelinetest.Options{Current: true}, nil)
	got, err := c.ListIntents(context.Background(), "0xAAAA")
	if err != nil {
		t.Fatal(err)
	}
	if ids(got) != "102,100" {
		t.Errorf("got %s, want the two orders of 0xaaaa", ids(got))
	}
	if q := svc.Requests()[0].Query; q != "walletAddress=0xAAAA" {
		t.Errorf("query %q", q)
	}
	// A wallet with spaces, controls or no end is refused before any request.
	for _, bad := range []string{"0x a", "0x\x1b[2J", strings.Repeat("a", MaxWalletBytes+1)} {
		if _, err := c.ListIntents(context.Background(), bad); err == nil || strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("wallet %q: err %v", bad, err)
		}
	}
	if n := len(svc.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	// Characters that mean something in a query are escaped and arrive whole.
	if _, err := c.ListIntents(context.Background(), "0x+a=b&walletAddress=0xc"); err != nil {
		t.Fatal(err)
	}
	if q, _ := url.ParseQuery(svc.Requests()[1].Query); q.Get("walletAddress") != "0x+a=b&walletAddress=0xc" {
		t.Errorf("wallet arrived as %q", q.Get("walletAddress"))
	}
}

func TestListIntentsCredentialsAndErrors(t *testing.T) {
	svc, _ := listWorld(t, pipelinetest.Options{}, nil)
	wrong := newIntentTestClient(t, svc.URL, func(c *IntentConfig) {
		c.Token, c.APIKey = staticToken(intentTestToken()), intentWrongAPIKey
	})
	_, err := wrong.ListIntents(context.Background(), "")
	if !IsIntentUnauthorized(err) {
		t.Fatalf("wrong key: %v", err)
	}
	assertNoIntentSecret(t, "error", err.Error(), intentTestAPIKey, intentWrongAPIKey, intentTestToken())

	c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) {
		c.Token, c.APIKey = staticToken(intentTestToken()), intentTestAPIKey
	})
	for _, tc := range []struct {
		body string
		want string
	}{
		{`{"success":false,"error":"Forbidden for this key"}`, "Forbidden for this key"},
		{`{"orders":{"id":"1"}}`, "orders: want an array, got an object"},
		{`{"total":3}`, ErrNoIntentList.Error()},
		{`"orders"`, ErrNoIntentList.Error()},
		{`null`, ErrNoIntentList.Error()},
		{`[{"id":"1","status":"pending"}`, "not valid JSON"},
		{`[{"id":"1","status":"pending"}] [`, "not valid JSON"},
		{`[{"id":"1","status":"pending"} {"id":"2","status":"pending"}]`, "not valid JSON"},
		{`[{"id":"1","status":"pending"},]`, "not valid JSON"},
		{``, "not valid JSON"},
		{`<html><body>Bad gateway</body></html>`, "not valid JSON"},
	} {
		svc.InjectFault(pipelinetest.Fault{Path: "/v1/order", Body: []byte(tc.body), Times: 1})
		_, err := c.ListIntents(context.Background(), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /v1/order") {
			t.Errorf("%s: err %v, want %q", tc.body, err, tc.want)
		}
		if Retryable(err) {
			t.Errorf("%s: a reply that will be as wrong next time is retryable", tc.body)
		}
	}
}

func TestListIntents503ThenSuccess(t *testing.T) {
	w := &fakeserver.Sleeps{}
	svc, c := listWorld(t, pipelinetest.Options{Current: true, Envelope: pipelinetest.EnvelopeOrder}, func(c *IntentConfig) { c.Sleep = w.Sleep })
	svc.InjectFault(pipelinetest.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	got, err := c.ListIntents(context.Background(), "")
	if err != nil || ids(got) != "102,101,100" {
		t.Fatalf("got %s, %v", ids(got), err)
	}
	reqs := svc.Requests()
	if len(reqs) != 2 || reqs[0].Status != 503 || reqs[1].Status != 200 || len(w.Waits()) != 1 {
		t.Errorf("requests %+v, waits %v", reqs, w.Waits())
	}
}

func TestListIntentsBodyCap(t *testing.T) {
	svc, c := listWorld(t, pipelinetest.Options{}, func(c *IntentConfig) { c.MaxBodyBytes = 64 << 10 })
	svc.InjectFault(pipelinetest.Fault{BodySize: 50 << 20, Times: 1})
	_, err := c.ListIntents(context.Background(), "")
	var big *BodyTooLargeError
	if !errors.As(err, &big) || big.Limit != 64<<10 {
		t.Fatalf("err %v, want the body cap", err)
	}
	// Under the cap, the padding is one more field and the list decodes.
	svc.InjectFault(pipelinetest.Fault{BodySize: 60 << 10, Times: 1})
	if got, err := c.ListIntents(context.Background(), ""); err != nil || len(got) != 3 {
		t.Fatalf("padded under the cap: %d orders, %v", len(got), err)
	}
}

// TestListIntentsHostileElements: elements of the wrong type, nested junk,
// escape sequences in every string and a thousand more elements than the
// service documents cost the list nothing but themselves.
func TestListIntentsHostileElements(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"success":true,"orders":[`)
	b.WriteString(`{"id":"ok-1","status":"pending","clientId":"c\u001b[31m1","action":{"orderType":"MarketOrder","order":{"baseToken":{"data":{"marketId":"M\u001b]52;c;aGk=\u0007","side":"yes\r\n"}}}},"terminationReason":"\u009b2J"},`)
	b.WriteString(`17,"order",null,[1,2],true,{},{"junk":{"a":[[[[{"b":1}]]]]}},`)
	b.WriteString(`{"id":"bad-1","status":7},`)
	b.WriteString(`{"id":"bad-2","status":"pending","createdAt":{"$date":1}},`)
	b.WriteString(`{"id":"bad/3","status":"pending"},`)
	b.WriteString(`{"id":"","status":"pending"},`)
	b.WriteString(`{"id":"bad-4"},`)
	b.WriteString(`{"success":false,"error":"nope"},`)
	b.WriteString(`{"id":"w-1","status":"completed","intentType":"Withdraw"},`)
	b.WriteString(`{"id":"w-2","status":"completed","action":{"intentType":"Withdraw","destinationAddress":"0x1"}},`)
	b.WriteString(`{"intent":{"id":"ok-2","status":"failed","terminationReason":"x"}},`)
	b.WriteString(`{"id":"ok-1","status":"completed"}`)
	for i := range MaxListedIntents + 200 {
		fmt.Fprintf(&b, `,{"id":"more-%d","status":"pending"}`, i)
	}
	b.WriteString(`]}`)

	svc, _ := listWorld(t, pipelinetest.Options{}, nil)
	var logged bytes.Buffer
	c := newIntentTestClient(t, svc.URL, func(c *IntentConfig) {
		c.Token, c.APIKey = staticToken(intentTestToken()), intentTestAPIKey
		c.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	})
	svc.InjectFault(pipelinetest.Fault{Body: []byte(b.String()), Times: 1})
	got, err := c.ListIntents(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	// 1000 elements read: 18 above, of which ok-1 and ok-2 are orders,
	// then 982 more; the duplicate ok-1 is dropped.
	if len(got) != 2+MaxListedIntents-18 || got[0].ID != "ok-1" || got[1].ID != "ok-2" || got[2].ID != "more-0" {
		t.Fatalf("got %d orders starting %s", len(got), ids(got[:3]))
	}
	if got[0].Status != StatusPending {
		t.Errorf("the duplicate replaced the first: %+v", got[0])
	}
	log := logged.String()
	for _, want := range []string{"malformed=6", "truncated=true", `first_problem="element 8: intent field status: want a string, got a number"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	if strings.ContainsAny(log, "\x1b\x07\u009b") {
		t.Errorf("log carries control characters: %q", log)
	}

	list, err := DecodeIntentList([]byte(b.String()))
	if err != nil || list.Skipped != 9 || list.Malformed != 6 || !list.Truncated {
		t.Errorf("DecodeIntentList: skipped %d malformed %d truncated %v, %v", list.Skipped, list.Malformed, list.Truncated, err)
	}
}

func TestGetIntentByClientID(t *testing.T) {
	for _, current := range []bool{false, true} {
		for _, env := range allEnvelopes {
			svc, c := listWorld(t, pipelinetest.Options{Current: current, Envelope: env}, nil)
			in, err := c.GetIntentByClientID(context.Background(), "client-101")
			if err != nil || in.ID != "101" {
				t.Fatalf("current=%v env=%d: %+v, %v", current, env, in, err)
			}
			if current && in.ClientID != "client-101" {
				t.Errorf("client ID %q", in.ClientID)
			}
			if p := svc.Requests()[0].Path; p != "/v1/order/by-client-id/client-101" {
				t.Errorf("path %q", p)
			}
			_, err = c.GetIntentByClientID(context.Background(), "client-999")
			if !IsIntentNotFound(err) {
				t.Errorf("unknown client ID: %v", err)
			}
		}
	}
}

func TestGetIntentByClientIDValidatesAndEscapes(t *testing.T) {
	svc, c := listWorld(t, pipelinetest.Options{Current: true}, nil)
	svc.Update("100", func(st *pipelinetest.IntentState) { st.ClientID = "a%b?c#d" })
	in, err := c.GetIntentByClientID(context.Background(), "a%b?c#d")
	if err != nil || in.ID != "100" {
		t.Fatalf("%+v, %v", in, err)
	}
	if p := svc.Requests()[0].Path; p != "/v1/order/by-client-id/a%25b%3Fc%23d" {
		t.Errorf("path %q", p)
	}
	for _, bad := range []string{"", "a/b", "..", "a b", "a\x1b[2Jb", strings.Repeat("x", MaxIntentIDBytes+1)} {
		_, err := c.GetIntentByClientID(context.Background(), bad)
		if !errors.Is(err, ErrInvalidClientID) || strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if n := len(svc.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestGetIntentByClientIDRefusesAnotherClient: a reply naming another
// client ID is not shown as the one asked for.
func TestGetIntentByClientIDRefusesAnotherClient(t *testing.T) {
	svc, c := listWorld(t, pipelinetest.Options{Current: true}, nil)
	svc.InjectFault(pipelinetest.Fault{Body: []byte(`{"id":"100","clientId":"someone-else","status":"pending"}`)})
	_, err := c.GetIntentByClientID(context.Background(), "client-100")
	var fe *IntentFieldError
	if !errors.As(err, &fe) || fe.Field != "clientId" {
		t.Fatalf("err %v", err)
	}
}

func TestGetIntentByClientID503ThenSuccess(t *testing.T) {
	w := &fakeserver.Sleeps{}
	svc, c := listWorld(t, pipelinetest.Options{}, func(c *IntentConfig) { c.Sleep = w.Sleep })
	svc.InjectFault(pipelinetest.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	if in, err := c.GetIntentByClientID(context.Background(), "client-102"); err != nil || in.ID != "102" {
		t.Fatalf("%+v, %v", in, err)
	}
	if n := len(svc.Requests()); n != 2 || len(w.Waits()) != 1 {
		t.Errorf("%d requests, waits %v", n, w.Waits())
	}
}
