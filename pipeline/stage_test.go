package pipeline

import (
	"strings"
	"testing"
	"time"
)

// t0 is the fixed clock every domain test starts from.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// at returns t0 plus d, for readable stage timestamps.
func at(d time.Duration) time.Time { return t0.Add(d) }

const sec = time.Second

func TestStageString(t *testing.T) {
	want := []string{"pending", "validated", "placed", "filled", "txn_filled", "completed"}
	if len(Stages) != len(want) {
		t.Fatalf("len(Stages) = %d, want %d", len(Stages), len(want))
	}
	for i, st := range Stages {
		if Stage(i) != st {
			t.Errorf("Stages[%d] = %d, want %d", i, st, i)
		}
		if got := st.String(); got != want[i] {
			t.Errorf("Stage(%d).String() = %q, want %q", i, got, want[i])
		}
		if got := st.Status(); got != Status(want[i]) {
			t.Errorf("Stage(%d).Status() = %q, want %q", i, got, want[i])
		}
	}
	for _, bad := range []Stage{-1, 6, 99} {
		if got := bad.String(); !strings.HasPrefix(got, "stage(") {
			t.Errorf("Stage(%d).String() = %q, want stage(N)", bad, got)
		}
	}
}

func TestStageOf(t *testing.T) {
	tests := []struct {
		in     Status
		want   Stage
		wantOK bool
	}{
		{StatusPending, StagePending, true},
		{StatusValidated, StageValidated, true},
		{StatusPlaced, StagePlaced, true},
		{StatusFilled, StageFilled, true},
		{StatusTxnFilled, StageTxnFilled, true},
		{StatusCompleted, StageCompleted, true},
		{"PLACED", StagePlaced, true},
		{"Txn_Filled", StageTxnFilled, true},
		{StatusFailed, 0, false},
		{StatusExecuting, 0, false},
		{"", 0, false},
		{"placed ", 0, false},
		{"txn-filled", 0, false},
	}
	for _, tt := range tests {
		got, ok := StageOf(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("StageOf(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// renderTimeline writes rows compactly so a table can state a whole
// timeline in one line: name, "+" reached or "-" not, "?" reached without a
// timestamp, "(d)" SincePrev, "*d" current for d, "!" failed here.
func renderTimeline(rows []TimelineRow) string {
	parts := make([]string, 0, len(rows))
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(r.Stage.String())
		if r.Reached {
			b.WriteString("+")
			if r.At.IsZero() {
				b.WriteString("?")
			}
		} else {
			b.WriteString("-")
		}
		if r.SincePrev != 0 {
			b.WriteString("(" + r.SincePrev.String() + ")")
		}
		if r.Current {
			b.WriteString("*" + r.For.String())
		} else if r.For != 0 {
			b.WriteString("!For=" + r.For.String()) // For only belongs to the current row
		}
		if r.Failed {
			b.WriteString("!")
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, " ")
}

func TestTimeline(t *testing.T) {
	// A realistic set of stamps: created, validated +5s, placed +7s,
	// filled +67s, txn_filled +80s.
	full := func(st Status) Intent {
		return Intent{Status: st, CreatedAt: at(0), BalanceValidatedAt: at(5 * sec), OrderPlacedAt: at(7 * sec), OrderFilledAt: at(67 * sec), TxnFilledAt: at(80 * sec)}
	}
	upTo := func(st Status, n int) Intent {
		in := full(st)
		stamps := []*time.Time{&in.CreatedAt, &in.BalanceValidatedAt, &in.OrderPlacedAt, &in.OrderFilledAt, &in.TxnFilledAt}
		for i := n; i < len(stamps); i++ {
			*stamps[i] = time.Time{}
		}
		return in
	}
	now := at(100 * sec)
	tests := []struct {
		name string
		in   Intent
		now  time.Time
		want string
	}{
		{"pending fresh", upTo(StatusPending, 1), at(30 * sec),
			"pending+*30s validated- placed- filled- txn_filled- completed-"},
		{"validated", upTo(StatusValidated, 2), at(65 * sec),
			"pending+ validated+(5s)*1m0s placed- filled- txn_filled- completed-"},
		{"placed", upTo(StatusPlaced, 3), now,
			"pending+ validated+(5s) placed+(2s)*1m33s filled- txn_filled- completed-"},
		{"filled", upTo(StatusFilled, 4), now,
			"pending+ validated+(5s) placed+(2s) filled+(1m0s)*33s txn_filled- completed-"},
		{"txn_filled", full(StatusTxnFilled), now,
			"pending+ validated+(5s) placed+(2s) filled+(1m0s) txn_filled+(13s)*20s completed-"},
		{"completed", full(StatusCompleted), now,
			"pending+ validated+(5s) placed+(2s) filled+(1m0s) txn_filled+(13s) completed+?"},
		{"completed without any stage stamps but created", upTo(StatusCompleted, 1), now,
			"pending+ validated+? placed+? filled+? txn_filled+? completed+?"},
		{"forward jump pending to placed", Intent{Status: StatusPlaced, CreatedAt: at(0), OrderPlacedAt: at(9 * sec)}, at(20 * sec),
			"pending+ validated+? placed+(9s)*11s filled- txn_filled- completed-"},
		{"forward jump to filled, current stage has no stamp", upTo(StatusFilled, 3), at(50 * sec),
			"pending+ validated+(5s) placed+(2s) filled+?*43s txn_filled- completed-"},
		{"forward jump to txn_filled skipping two", Intent{Status: StatusTxnFilled, CreatedAt: at(0), BalanceValidatedAt: at(5 * sec), TxnFilledAt: at(90 * sec)}, now,
			"pending+ validated+(5s) placed+? filled+? txn_filled+(1m25s)*10s completed-"},
		{"status behind its own timestamps", Intent{Status: StatusPending, CreatedAt: at(0), BalanceValidatedAt: at(5 * sec)}, at(60 * sec),
			"pending+*1m0s validated+(5s) placed- filled- txn_filled- completed-"},
		{"failed before validation", upTo(StatusFailed, 1), now,
			"pending+ validated-! placed- filled- txn_filled- completed-"},
		{"failed before placement", upTo(StatusFailed, 2), now,
			"pending+ validated+(5s) placed-! filled- txn_filled- completed-"},
		{"failed before fill", upTo(StatusFailed, 3), now,
			"pending+ validated+(5s) placed+(2s) filled-! txn_filled- completed-"},
		{"failed before chain", upTo(StatusFailed, 4), now,
			"pending+ validated+(5s) placed+(2s) filled+(1m0s) txn_filled-! completed-"},
		{"failed before completion", full(StatusFailed), now,
			"pending+ validated+(5s) placed+(2s) filled+(1m0s) txn_filled+(13s) completed-!"},
		{"failed with no timestamps at all", Intent{Status: StatusFailed}, now,
			"pending-! validated- placed- filled- txn_filled- completed-"},
		{"failed after a skipped stage", Intent{Status: StatusFailed, CreatedAt: at(0), OrderPlacedAt: at(7 * sec)}, now,
			"pending+ validated+? placed+(7s) filled-! txn_filled- completed-"},
		{"executing marks timestamps only", Intent{Status: StatusExecuting, CreatedAt: at(0), BalanceValidatedAt: at(5 * sec)}, now,
			"pending+ validated+(5s) placed- filled- txn_filled- completed-"},
		{"unknown status, no stamps", Intent{Status: "weird\x1b[31m"}, now,
			"pending- validated- placed- filled- txn_filled- completed-"},
		{"empty intent", Intent{}, now,
			"pending- validated- placed- filled- txn_filled- completed-"},
		{"upper-case status", Intent{Status: "PLACED", CreatedAt: at(0), BalanceValidatedAt: at(5 * sec), OrderPlacedAt: at(7 * sec)}, at(17 * sec),
			"pending+ validated+(5s) placed+(2s)*10s filled- txn_filled- completed-"},
		{"out of order stamps give negative SincePrev", Intent{Status: StatusPlaced, CreatedAt: at(0), BalanceValidatedAt: at(5 * sec), OrderPlacedAt: at(3 * sec)}, at(10 * sec),
			"pending+ validated+(5s) placed+(-2s)*7s filled- txn_filled- completed-"},
		{"clock behind the server clamps For at zero", upTo(StatusValidated, 2), at(2 * sec),
			"pending+ validated+(5s)*0s placed- filled- txn_filled- completed-"},
		{"status pending with no createdAt", Intent{Status: StatusPending}, now,
			"pending+?*0s validated- placed- filled- txn_filled- completed-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := Timeline(&tt.in, tt.now)
			if len(rows) != len(Stages) {
				t.Fatalf("len = %d, want %d", len(rows), len(Stages))
			}
			for i, r := range rows {
				if r.Stage != Stages[i] {
					t.Errorf("row %d is stage %v", i, r.Stage)
				}
			}
			if got := renderTimeline(rows[:]); got != tt.want {
				t.Errorf("Timeline:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestTimelineAtMatchesStamps pins which timestamp belongs to which stage.
func TestTimelineAtMatchesStamps(t *testing.T) {
	in := Intent{Status: StatusTxnFilled, CreatedAt: at(1), BalanceValidatedAt: at(2), OrderPlacedAt: at(3), OrderFilledAt: at(4), TxnFilledAt: at(5)}
	rows := Timeline(&in, at(time.Hour))
	for i, want := range []time.Time{at(1), at(2), at(3), at(4), at(5), {}} {
		if !rows[i].At.Equal(want) {
			t.Errorf("%v.At = %v, want %v", rows[i].Stage, rows[i].At, want)
		}
	}
}
