package timefmt

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	cases := map[time.Duration]string{
		0:                                     "0s",
		999 * time.Millisecond:                "0s",
		45*time.Second + 900*time.Millisecond: "45s",
		2 * time.Minute:                       "2m",
		3*time.Minute + 5*time.Second:         "3m05s",
		12*time.Minute + 40*time.Second:       "12m40s",
		time.Hour + 2*time.Minute + 59*time.Second: "1h02m",
		2 * time.Hour:       "2h",
		51 * time.Hour:      "2d03h",
		-5 * time.Second:    "-5s",
		-(90 * time.Second): "-1m30s",
	}
	for d, want := range cases {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestClock(t *testing.T) {
	est := time.FixedZone("EST", -5*3600)
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC) // 10:00 EST
	cases := []struct {
		t    time.Time
		loc  *time.Location
		want string
	}{
		{now.Add(-time.Hour), est, "09:00:00 EST"},
		{now.Add(-11 * time.Hour), est, "29 Nov 23:00:00 EST"},
		{now.Add(-11 * time.Hour), time.UTC, "04:00:00 UTC"},
		{now.AddDate(-1, 0, 0), est, "30 Nov 2025 10:00:00 EST"},
		{now, nil, "15:00:00 UTC"},
		{time.Time{}, est, "—"},
	}
	for _, c := range cases {
		if got := Clock(c.t, c.loc, now); got != c.want {
			t.Errorf("Clock(%v, %v) = %q, want %q", c.t, c.loc, got, c.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2s", 2 * time.Second, true},
		{" 750ms ", 750 * time.Millisecond, true},
		{"1h30m", 90 * time.Minute, true},
		{"5", 5 * time.Second, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"0", 0, true},
		{"", 0, false},
		{"1.2.3", 0, false},
		{".", 0, false},
		{"1e3", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"-1s", 0, false},
		{"5 s", 0, false},
		{"99999999999999999999", 0, false},
	} {
		got, err := ParseDuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
