package headless

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fakeserver"
	"ordermon/pipeline"
	"ordermon/pipeline/pipelinetest"
	"ordermon/pipeline/pipelinetest/testworld"
)

// TestOnceRetriesAnIntent503 runs --once through the real engine and both
// clients over loopback against an intent service that answers one 503 and
// then 200. README says 5xx replies are retried; this used to exit 3 after
// a single request. With one attempt the same server still gives exit 3,
// so it is the client's retry that answers the order.
func TestOnceRetriesAnIntent503(t *testing.T) {
	for _, tc := range []struct {
		attempts, requests, code int
	}{
		{0, 2, ExitOK}, // the default: three tries
		{1, 1, ExitUnknown},
	} {
		w := testworld.New(t)
		w.Service.Script("1", pipelinetest.CleanCompletion("K1", "KXT-1")...)
		for w.Service.Advance() > 0 {
			w.Clock.Add(time.Second)
		}
		if err := w.Service.Err(); err != nil {
			t.Fatal(err)
		}
		sleeps := &fakeserver.Sleeps{}
		ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{
			BaseURL: w.Service.URL, Now: w.Clock.Now, MaxAttempts: tc.attempts,
			Token: func(context.Context) (string, error) { return testworld.Token, nil },
			Sleep: sleeps.Sleep,
		})
		if err != nil {
			t.Fatal(err)
		}
		eng := engine.New(engine.Config{Kalshi: w.Kalshi, Intents: ic, Now: w.Clock.Now})
		eng.Add(engine.Target{Kind: engine.KindIntent, ID: "1"})
		w.Service.InjectFault(pipelinetest.Fault{Status: http.StatusServiceUnavailable, Times: 1})

		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), eng, Options{Mode: Once | JSON, Stdout: &stdout, Stderr: &stderr, Now: w.Clock.Now})
		if code != tc.code {
			t.Errorf("%d attempts: exit %d, want %d\nstdout %s\nstderr %s", tc.attempts, code, tc.code, stdout.String(), stderr.String())
		}
		if n := len(w.Service.Requests()); n != tc.requests || len(sleeps.Waits()) != tc.requests-1 {
			t.Errorf("%d attempts: %d requests and waits %v, want %d requests", tc.attempts, n, sleeps.Waits(), tc.requests)
		}
		var got struct {
			Errors map[string]*string `json:"errors"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
			t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout.String())
		}
		if failed := got.Errors["pipeline"] != nil; failed != (tc.code != ExitOK) {
			t.Errorf("%d attempts: pipeline error %v in %s", tc.attempts, failed, stdout.String())
		}
	}
}
