// Command idlefakes serves ordermon a world where nothing happens: a fake
// Kalshi exchange and a fake intent service on loopback holding 50 orders
// that never change (40 Kalshi-only orders resting on 8 events, and 10
// intents placed on Kalshi), so the CPU ordermon uses while watching them
// is its idle cost.
//
// It writes a configuration file, a private key (RSA 2048 by default, as
// Kalshi issues; -key ed25519 for an Ed25519 one) and the list of order IDs
// into a new temporary directory, prints the configuration's path on
// the first line of standard output and the order IDs, space-separated, on
// the second, then serves until interrupted or until standard input
// closes. scripts/idle-cpu.sh runs it.
package main

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline/pipelinetest"
)

// The fake intent service's bearer token: a JWT-shaped string whose expiry
// the client can read, far in the future so it never runs out mid-run.
const token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJpZGxlIiwiZXhwIjo0MTAyNDQ0ODAwfQ.aWRsZQ"

const keyID = "idle-key"

func main() {
	keyType := flag.String("key", "rsa", "the Kalshi signing key to generate: rsa or ed25519")
	flag.Parse()
	if err := run(os.Stdout, *keyType); err != nil {
		fmt.Fprintln(os.Stderr, "idlefakes:", err)
		os.Exit(1)
	}
}

func run(stdout io.Writer, keyType string) error {
	dir, err := os.MkdirTemp("", "ordermon-idle-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	key, keyFile, err := writeKey(dir, keyType)
	if err != nil {
		return err
	}
	x := kalshitest.New(kalshitest.Options{ReadBudget: 200})
	defer x.Close()
	x.AddKey(keyID, key.Public())
	svc := pipelinetest.New(pipelinetest.Options{Token: token, Exchange: x})
	defer svc.Close()

	ids, markets, err := populate(x, svc)
	if err != nil {
		return err
	}
	cfg, err := writeConfig(dir, x.BaseURL(), keyFile, svc.URL, ids, markets)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, cfg)
	fmt.Fprintln(stdout, strings.Join(ids, " "))
	waitForStop()
	return nil
}

// writeKey makes a signing key of keyType and writes it, PKCS#8 PEM, into
// dir, where ordermon's configuration points.
func writeKey(dir, keyType string) (crypto.Signer, string, error) {
	key, err := newKey(keyType)
	if err != nil {
		return nil, "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, "", err
	}
	keyFile := filepath.Join(dir, "kalshi.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, "", err
	}
	return key, keyFile, nil
}

// writeConfig writes the configuration that points ordermon at both fakes,
// and the watched IDs and their markets beside it, and returns the
// configuration's path.
func writeConfig(dir, kalshiURL, keyFile, pipelineURL string, ids, markets []string) (string, error) {
	cfg := filepath.Join(dir, "config.toml")
	text := fmt.Sprintf(`interval = "2s"

[kalshi]
base_url = %q
api_key_id = %q
private_key_file = %q
tier = "basic"

[pipeline]
base_url = %q
token = %q
`, kalshiURL, keyID, keyFile, pipelineURL, token)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "ids.txt"), []byte(strings.Join(ids, "\n")+"\n"), 0o600); err != nil {
		return "", err
	}
	// scripts/idlefloor reads the markets the watched orders rest on from
	// here, to make the queue read ordermon makes.
	if err := os.WriteFile(filepath.Join(dir, "markets.txt"), []byte(strings.Join(markets, "\n")+"\n"), 0o600); err != nil {
		return "", err
	}
	return cfg, nil
}

// waitForStop serves until told to stop: a signal, or the parent closing
// stdin.
func waitForStop() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	eof := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(eof)
	}()
	select {
	case <-sig:
	case <-eof:
	}
}

// newKey generates a signing key of the named type.
func newKey(keyType string) (crypto.Signer, error) {
	switch keyType {
	case "rsa":
		return rsa.GenerateKey(rand.Reader, 2048)
	case "ed25519":
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	}
	return nil, fmt.Errorf("unknown key type %q; want rsa or ed25519", keyType)
}

// populate puts 40 resting Kalshi orders on 40 markets of 8 events and 10
// placed intents on 10 more markets of 2 events, and returns the IDs to
// watch and the 50 markets.
func populate(x *kalshitest.Exchange, svc *pipelinetest.Service) (ids, markets []string, err error) {
	price := fixed.MustParse("0.41")
	now := time.Now()
	market := func(e, m int) string { return fmt.Sprintf("KXIDLE%d-M%d", e, m) }
	for e := range 10 {
		for m := range 5 {
			markets = append(markets, market(e, m))
			x.PutMarket(kalshitest.MarketState{
				Ticker: market(e, m), EventTicker: fmt.Sprintf("KXIDLE%d", e), Title: "Idle market",
				YesSubTitle: "Yes", NoSubTitle: "No", Status: "active",
				YesBid: fixed.MustParse("0.40"), YesAsk: fixed.MustParse("0.42"), LastPrice: price,
				CloseTime: now.Add(24 * time.Hour),
			})
		}
	}
	for i := range 40 {
		id := fmt.Sprintf("idle-k-%02d", i)
		x.PutOrder(kalshitest.OrderState{OrderID: id, Ticker: market(i/5, i%5), OutcomeSide: "yes",
			YesPrice: price, InitialCount: fixed.FromInt(100), CreatedTime: now, LastUpdateTime: now,
			QueueAhead: fixed.FromInt(int64(10 + i))})
		ids = append(ids, "kalshi:"+id)
	}
	for i := range 10 {
		id := fmt.Sprintf("idle-i-%02d", i)
		ticker := market(8+i/5, i%5)
		kid := fmt.Sprintf("idle-ik-%02d", i)
		svc.PutIntent(pipelinetest.NewIntent(id, ticker))
		if err := pipelinetest.Validate()(svc, id); err != nil {
			return nil, nil, err
		}
		if err := pipelinetest.Place(kid, ticker, "yes", price, fixed.FromInt(10))(svc, id); err != nil {
			return nil, nil, err
		}
		x.SetQueue(kid, fixed.FromInt(int64(20+i)))
		ids = append(ids, "intent:"+id)
	}
	return ids, markets, nil
}
