// Package testworld starts both fakes on one clock, with clients already
// signed in to each: what an end-to-end test of the engine or the screen
// starts from. It is its own package because the pipeline package's internal
// tests use pipelinetest, which therefore cannot import pipeline.
package testworld

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"ordermon/kalshi"
	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline"
	"ordermon/pipeline/pipelinetest"
)

// Token is the bearer token a World's intent service expects.
const Token = "header.eyJzdWIiOiJ0ZXN0In0.sig"

// World is both fakes on one hand-set clock, with a Kalshi client signing
// with a registered Ed25519 key and an intent client holding the service's
// token: what an end-to-end test of the engine or the screen starts from.
type World struct {
	Clock    *kalshitest.Clock
	Exchange *kalshitest.Exchange
	Service  *pipelinetest.Service
	Kalshi   *kalshi.Client
	Intents  *pipeline.IntentClient
}

// New starts both fakes on loopback at 14:00 UTC on 2026-11-21 and
// closes them when the test ends.
func New(t testing.TB) *World {
	t.Helper()
	clk := kalshitest.NewClock(time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC))
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x := kalshitest.New(kalshitest.Options{Now: clk.Now})
	t.Cleanup(x.Close)
	x.AddKey("test-key", pub)
	svc := pipelinetest.New(pipelinetest.Options{Token: Token, Now: clk.Now, Exchange: x})
	t.Cleanup(svc.Close)
	kc, err := kalshi.New(kalshi.Config{BaseURL: x.BaseURL(), KeyID: "test-key", Key: priv, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{
		BaseURL: svc.URL, Now: clk.Now,
		Token: func(context.Context) (string, error) { return Token, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return &World{Clock: clk, Exchange: x, Service: svc, Kalshi: kc, Intents: ic}
}
