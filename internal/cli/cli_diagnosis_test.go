package cli

import (
	"regexp"
	"strings"
	"testing"

	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline/pipelinetest"
)

// TestPlainWatchPrintsDiagnosisAsItHappens pipes a plain watch while an
// intent sits validated past a one-second threshold, then is placed and
// runs to completion: the stuck_validated line appears while it is stuck,
// a "cleared" line follows once it is placed, and both come before the
// summary.
func TestPlainWatchPrintsDiagnosisAsItHappens(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.svc.PutIntent(pipelinetest.NewIntent("701", testTicker))
	w.svc.Script("701",
		pipelinetest.Validate(),
		pipelinetest.Place("ord-701", testTicker, "yes", dec("0.56"), dec("10")),
		pipelinetest.KalshiFill(dec("10"), dec("0.56"), dec("0.07")),
		pipelinetest.SyncFill(), pipelinetest.MarkFilled(), pipelinetest.TxnFilled(""), pipelinetest.Complete(),
	)
	w.svc.Advance() // validated now; stuck in a second

	p := w.start(nil, "--exit-status", "--config", w.config("\n[stuck]\nvalidated = \"1s\"\n"), "intent:701")
	waitLine := func(what string) int {
		t.Helper()
		for i := 0; ; i++ {
			if strings.Contains(p.next(), what) {
				return i
			}
		}
	}
	waitLine("✗ stuck_validated: funds locked but no Kalshi order for ")
	w.svc.Advance() // placed: no longer stuck
	waitLine("✓ stuck_validated cleared")
	for w.svc.Advance() > 0 {
	}
	r := p.wait()
	if r.code != 0 {
		t.Fatalf("want exit 0, got:\n%s", r)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	stuck, cleared := -1, -1
	for i, l := range lines {
		switch {
		case strings.Contains(l, "✗ stuck_validated:"):
			if stuck >= 0 {
				t.Errorf("the stuck line came twice:\n%s", r.stdout)
			}
			stuck = i
		case strings.Contains(l, "✓ stuck_validated cleared"):
			cleared = i
		}
	}
	inOrder := stuck >= 0 && stuck < cleared && cleared < len(lines)-1
	if !inOrder || lines[len(lines)-1] != "1 order: 1 completed" {
		t.Errorf("want the diagnosis line, then its clearing, then the summary:\n%s", r.stdout)
	}
	line := regexp.MustCompile(`^\d\d:\d\d:\d\d UTC  intent:701  ✗ stuck_validated: funds locked but no Kalshi order for \d+s \(threshold 1s\): validated \d\d:\d\d:\d\d UTC`)
	if !line.MatchString(lines[stuck]) {
		t.Errorf("the diagnosis line %q does not read as documented", lines[stuck])
	}
}

// TestOnceUnknownIDIsNotFound: an ID neither system knows is an answer,
// not an outage: --once exits 5 with "outcome":"not_found", a not_found
// finding that names who answered 404, and no source error.
func TestOnceUnknownIDIsNotFound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id, name, who string
	}{
		{"intent:98765", "intent:98765", "the intent service answered 404"},
		{"kalshi:ord-nobody", "kalshi:ord-nobody", "Kalshi answered 404"},
		// A bare ID is asked of the intent service, then of Kalshi.
		{"98765", "98765", "the intent service and Kalshi answered 404"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, worldOptions{})
			r := w.run(nil, "--once", "--json", "--config", w.config(""), tt.id)
			if r.code != 5 {
				t.Fatalf("want exit 5, got:\n%s", r)
			}
			l := jsonLines(t, r.stdout)[0]
			if got := text(t, l["id"]); got != tt.name {
				t.Errorf("id %q, want %q", got, tt.name)
			}
			if got := string(l["outcome"]); got != `"not_found"` {
				t.Errorf("outcome %s, want \"not_found\"", got)
			}
			if !strings.Contains(string(l["diagnosis"]), `"code":"not_found"`) || !strings.Contains(string(l["diagnosis"]), tt.who) {
				t.Errorf("diagnosis %s, want not_found naming who answered (%s)", l["diagnosis"], tt.who)
			}
			for src, raw := range object(t, l["errors"]) {
				if s := string(raw); s != "null" && s != `"not found"` {
					t.Errorf("errors.%s = %s: a 404 is not an error", src, s)
				}
			}
			// The plain text says the same.
			r = w.run(nil, "--once", "--config", w.config(""), tt.id)
			if r.code != 5 || !strings.HasPrefix(r.stdout, tt.name+"  ? not found: "+strings.TrimSuffix(tt.who, " answered 404")) {
				t.Errorf("plain --once:\n%s", r)
			}
		})
	}
}

// TestExitCodePrecedence: when several codes apply, 3 wins, then 5, then
// 1, then 4, then 0, in --once and in a watch with --exit-status.
func TestExitCodePrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts worldOptions
		args []string
		want int
	}{
		{"unknown state beats not found", worldOptions{unregistered: true},
			[]string{"--once", "--exit-status", "kalshi:ord-rest", "intent:98765"}, 3},
		{"not found beats a failure", worldOptions{},
			[]string{"--once", "--exit-status", "kalshi:ord-cxl", "intent:98765", "kalshi:ord-rest"}, 5},
		{"not found without --exit-status, once", worldOptions{},
			[]string{"--once", "kalshi:ord-exec", "intent:98765"}, 5},
		{"not found ends a watch with --exit-status", worldOptions{},
			[]string{"--exit-status", "intent:98765"}, 5},
		{"not found in a watch without --exit-status", worldOptions{},
			[]string{"intent:98765"}, 0},
		{"a failure beats in progress", worldOptions{},
			[]string{"--once", "--exit-status", "kalshi:ord-rest", "kalshi:ord-cxl"}, 1},
		{"in progress beats success", worldOptions{},
			[]string{"--once", "--exit-status", "kalshi:ord-exec", "kalshi:ord-rest"}, 4},
		{"success", worldOptions{},
			[]string{"--once", "--exit-status", "kalshi:ord-exec"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, tt.opts)
			w.putMarket("Bitcoin")
			w.putRestingOrder("ord-rest")
			w.putFinishedOrder("ord-exec", kalshitest.StatusExecuted)
			w.putFinishedOrder("ord-cxl", kalshitest.StatusCanceled)
			r := w.run(nil, append([]string{"--config", w.config("")}, tt.args...)...)
			if r.code != tt.want {
				t.Fatalf("want exit %d, got:\n%s", tt.want, r)
			}
		})
	}
}
