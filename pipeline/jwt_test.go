package pipeline

import (
	"context"
	"encoding/base64"
	"errors"
	"ordermon/kalshi/kalshitest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// makeJWT builds an HS256-looking token with the given payload JSON; the
// signature is junk because JWTExpiry must not verify it.
func makeJWT(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + "." + enc([]byte("not-a-real-signature"))
}

func jwtWithExp(exp time.Time) string {
	return makeJWT(`{"sub":"0x1234","iat":1700000000,"exp":` + strconv.FormatInt(exp.Unix(), 10) + `}`)
}

func TestJWTExpiry(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	padded := base64.URLEncoding.EncodeToString([]byte(`{"exp":1700000000}`)) // with '='
	tests := []struct {
		name  string
		token string
		want  time.Time
		ok    bool
	}{
		{"integer exp", makeJWT(`{"exp":1700000000}`), time.Unix(1700000000, 0), true},
		{"fractional exp", makeJWT(`{"exp":1700000000.25}`), time.Unix(1700000000, 250000000), true},
		{"padded payload", "eyJhbGciOiJIUzI1NiJ9." + padded + ".sig", time.Unix(1700000000, 0), true},
		{"url-safe alphabet", makeJWT(`{"exp":1700000000,"n":"??>>"}`), time.Unix(1700000000, 0), true},
		{"empty signature", enc([]byte(`{}`)) + "." + enc([]byte(`{"exp":1700000000}`)) + ".", time.Unix(1700000000, 0), true},
		{"no exp", makeJWT(`{"sub":"x"}`), time.Time{}, false},
		{"null exp", makeJWT(`{"exp":null}`), time.Time{}, false},
		{"string exp", makeJWT(`{"exp":"1700000000"}`), time.Time{}, false},
		{"negative exp", makeJWT(`{"exp":-5}`), time.Time{}, false},
		{"zero exp", makeJWT(`{"exp":0}`), time.Time{}, false},
		{"exponent exp", makeJWT(`{"exp":1.7e9}`), time.Time{}, false},
		{"huge exp", makeJWT(`{"exp":99999999999999999999}`), time.Time{}, false},
		{"past year 9999", makeJWT(`{"exp":253402300800}`), time.Time{}, false},
		{"payload not JSON", makeJWT(`exp=1700000000`), time.Time{}, false},
		{"payload an array", makeJWT(`[1700000000]`), time.Time{}, false},
		{"two parts", "eyJhbGciOiJIUzI1NiJ9." + enc([]byte(`{"exp":1700000000}`)), time.Time{}, false},
		{"four parts", makeJWT(`{"exp":1700000000}`) + ".x", time.Time{}, false},
		{"bad base64", "a.!!!!.c", time.Time{}, false},
		{"empty payload", "a..c", time.Time{}, false},
		{"empty", "", time.Time{}, false},
		{"opaque API token", "sk_live_0123456789abcdef", time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := JWTExpiry(tc.token)
			if ok != tc.ok || !got.Equal(tc.want) {
				t.Errorf("JWTExpiry = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCachingTokenRefetchesNearExpiry(t *testing.T) {
	clock := kalshitest.NewClock(time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC))
	var fetches int
	fetch := func(context.Context) (string, error) {
		fetches++
		return jwtWithExp(clock.Now().Add(10 * time.Minute)), nil
	}
	get := CachingToken(fetch, clock.Now)
	ctx := context.Background()

	first, err := get(ctx)
	if err != nil || fetches != 1 {
		t.Fatalf("first: err %v, fetches %d", err, fetches)
	}
	clock.Add(9 * time.Minute)
	if tok, _ := get(ctx); tok != first || fetches != 1 {
		t.Fatalf("at 9m: fetches %d, same token %v; want the cached token", fetches, tok == first)
	}
	clock.Add(31 * time.Second) // 29 s before expiry: inside the margin
	second, err := get(ctx)
	if err != nil || fetches != 2 || second == first {
		t.Fatalf("inside margin: err %v, fetches %d, new token %v", err, fetches, second != first)
	}
	clock.Add(5 * time.Minute)
	if tok, _ := get(ctx); tok != second || fetches != 2 {
		t.Fatalf("fresh token not cached: fetches %d", fetches)
	}
	clock.Add(6 * time.Minute) // past the second token's expiry
	if _, err := get(ctx); err != nil || fetches != 3 {
		t.Fatalf("after expiry: err %v, fetches %d", err, fetches)
	}
}

func TestCachingTokenKeepsValidTokenWhenRefreshFails(t *testing.T) {
	clock := kalshitest.NewClock(time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC))
	tok := jwtWithExp(clock.Now().Add(time.Minute))
	fail := false
	fetch := func(context.Context) (string, error) {
		if fail {
			return "", errors.New("token command failed")
		}
		return tok, nil
	}
	get := CachingToken(fetch, clock.Now)
	if _, err := get(context.Background()); err != nil {
		t.Fatal(err)
	}
	fail = true
	clock.Add(45 * time.Second) // inside the margin, still valid
	if got, err := get(context.Background()); err != nil || got != tok {
		t.Fatalf("refresh failure with a valid token: err %v", err)
	}
	clock.Add(20 * time.Second) // now expired
	if _, err := get(context.Background()); err == nil {
		t.Fatal("an expired cached token must not hide the fetch error")
	}
}

func TestCachingTokenDoesNotCacheExpiredOrKeepOpaque(t *testing.T) {
	clock := kalshitest.NewClock(time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC))
	var fetches int
	next := jwtWithExp(clock.Now().Add(-time.Minute))
	get := CachingToken(func(context.Context) (string, error) { fetches++; return next, nil }, clock.Now)
	for range 2 {
		if _, err := get(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if fetches != 2 {
		t.Errorf("an expired token was cached: %d fetches, want 2", fetches)
	}
	next = "opaque-token-without-exp"
	for range 3 {
		clock.Add(24 * time.Hour)
		if got, _ := get(context.Background()); got != next {
			t.Fatal("wrong token")
		}
	}
	if fetches != 3 {
		t.Errorf("opaque token re-fetched: %d fetches, want 3", fetches)
	}
}

func TestCachingTokenSharesOneFetch(t *testing.T) {
	release := make(chan struct{})
	var fetches atomic.Int32
	tok := jwtWithExp(time.Now().Add(time.Hour))
	get := CachingToken(func(context.Context) (string, error) {
		fetches.Add(1)
		<-release
		return tok, nil
	}, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got, err := get(context.Background()); err != nil || got != tok {
				t.Error("wrong token or error")
			}
		})
	}
	close(release)
	wg.Wait()
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
}

func TestCachingTokenWaiterHonoursContext(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	get := CachingToken(func(context.Context) (string, error) {
		close(started)
		<-release
		return "tok-123456", nil
	}, nil)
	done := make(chan struct{})
	go func() { _, _ = get(context.Background()); close(done) }()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := get(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("waiter err = %v, want context.Canceled", err)
	}
	close(release)
	<-done
}

func TestDescribeExpiry(t *testing.T) {
	now := time.Date(2024, 1, 15, 14, 10, 0, 0, time.UTC)
	tests := []struct {
		exp  time.Time
		want string
	}{
		{time.Time{}, "token expiry unknown"},
		{now.Add(12*time.Minute + 40*time.Second), "token expires in 12m40s"},
		{now.Add(45 * time.Second), "token expires in 45s"},
		{now.Add(time.Hour + 5*time.Minute), "token expires in 1h05m"},
		{now.Add(50 * time.Hour), "token expires in 2d02h"},
		{time.Date(2024, 1, 15, 14, 2, 5, 0, time.UTC), "token expired at 14:02 UTC"},
		{now, "token expired at 14:10 UTC"},
		{time.Date(2024, 1, 14, 23, 0, 0, 0, time.UTC), "token expired at 2024-01-14 23:00 UTC"},
		// Times in other zones are shown in UTC.
		{time.Date(2024, 1, 15, 9, 2, 0, 0, time.FixedZone("EST", -5*3600)), "token expired at 14:02 UTC"},
	}
	for _, tc := range tests {
		if got := DescribeExpiry(tc.exp, now); got != tc.want {
			t.Errorf("DescribeExpiry(%v) = %q, want %q", tc.exp, got, tc.want)
		}
	}
}
