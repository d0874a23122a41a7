package report

import (
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
)

func TestDiagnosisLines(t *testing.T) {
	at := func(d time.Duration, fs ...engine.Finding) engine.Snapshot {
		return engine.Snapshot{Target: engine.Target{Kind: engine.KindIntent, ID: "1004"}, ObservedAt: t0.Add(d), Diagnosis: fs}
	}
	stuck := engine.Finding{Code: engine.CodeStuckValidated, Severity: engine.SevError,
		Message: "intent:1004 funds locked but no Kalshi order for 2m01s (threshold 2m)"}
	later := stuck
	later.Message = "intent:1004 funds locked but no Kalshi order for 2m05s (threshold 2m)"
	mismatchInfo := engine.Finding{Code: engine.CodeSourceMismatch, Severity: engine.SevInfo, Message: "intent:1004: fill count differs (within the 30s)"}
	mismatchErr := engine.Finding{Code: engine.CodeSourceMismatch, Severity: engine.SevError, Message: "intent:1004: fill count differs"}
	mismatchErr2 := engine.Finding{Code: engine.CodeSourceMismatch, Severity: engine.SevError, Message: "intent:1004: order status differs"}
	warn := engine.Finding{Code: engine.CodeStuckPlaced, Severity: engine.SevWarn, Message: "intent:1004 resting on Kalshi for 16m"}
	warnAsErr := warn
	warnAsErr.Severity = engine.SevError

	steps := []struct {
		name string
		s    engine.Snapshot
		want []string
	}{
		{"healthy at first sight", at(0), nil},
		{"stuck appears", at(2*time.Minute+1*time.Second, stuck),
			[]string{"14:02:01 UTC  intent:1004  ✗ stuck_validated: funds locked but no Kalshi order for 2m01s (threshold 2m)"}},
		{"still stuck, older: nothing new", at(2*time.Minute+5*time.Second, later), nil},
		{"an info finding is not news", at(2*time.Minute+7*time.Second, later, mismatchInfo), nil},
		{"it turns into an error, twice over: one line", at(2*time.Minute+9*time.Second, later, mismatchErr, mismatchErr2),
			[]string{"14:02:09 UTC  intent:1004  ✗ source_mismatch: fill count differs"}},
		{"both clear, a warning appears", at(2*time.Minute+11*time.Second, warn), []string{
			"14:02:11 UTC  intent:1004  ⚠ stuck_placed: resting on Kalshi for 16m",
			"14:02:11 UTC  intent:1004  ✓ stuck_validated cleared",
			"14:02:11 UTC  intent:1004  ✓ source_mismatch cleared",
		}},
		{"the warning changes severity", at(2*time.Minute+13*time.Second, warnAsErr),
			[]string{"14:02:13 UTC  intent:1004  ✗ stuck_placed: resting on Kalshi for 16m"}},
		{"all clear", at(2*time.Minute + 15*time.Second), []string{"14:02:15 UTC  intent:1004  ✓ stuck_placed cleared"}},
	}
	var prev engine.Snapshot
	for _, st := range steps {
		got := DiagnosisLines(prev, st.s, time.UTC)
		if strings.Join(got, "\n") != strings.Join(st.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", st.name, got, st.want)
		}
		prev = st.s
	}
}

func TestDiagnosisLinesHostile(t *testing.T) {
	s := evilSnapshot()
	s.Diagnosis = []engine.Finding{{Code: hostile, Severity: engine.SevError, Message: hostile}}
	for _, l := range DiagnosisLines(engine.Snapshot{}, s, time.UTC) {
		assertTerminalSafe(t, l, false)
	}
	for _, l := range DiagnosisLines(s, engine.Snapshot{Target: s.Target}, time.UTC) {
		assertTerminalSafe(t, l, false)
	}
}
