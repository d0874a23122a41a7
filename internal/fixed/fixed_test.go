package fixed

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestParseAndString(t *testing.T) {
	cases := []struct {
		in, out string
		micros  int64
	}{
		{"0", "0", 0},
		{"10.00", "10.00", 10_000_000},
		{"2.50", "2.50", 2_500_000},
		{"0.5600", "0.5600", 560_000},
		{"0.563412", "0.563412", 563_412},
		{"-1.5", "-1.5", -1_500_000},
		{".5", "0.5", 500_000},
		{"7.", "7", 7_000_000},
		{"+3", "3", 3_000_000},
		{"0.1234560000", "0.123456", 123_456},
		{"0012.30", "12.30", 12_300_000},
	}
	for _, c := range cases {
		d, err := Parse(c.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.in, err)
		}
		if d.Micros() != c.micros || d.String() != c.out {
			t.Errorf("Parse(%q) = %d %q, want %d %q", c.in, d.Micros(), d.String(), c.micros, c.out)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "-", ".", "NaN", "Inf", "1e5", "0x10", "1,5", " 1", "1 ", "--1", "1.2.3", "0.1234567", "99999999999999", "1_000"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", in)
		}
	}
	for _, in := range []string{"9999999999999", "-9999999999999", "9223372036854.775808"} {
		if _, err := Parse(in); !errors.Is(err, ErrRange) {
			t.Errorf("Parse(%q) = %v, want ErrRange (it would wrap)", in, err)
		}
	}
	if d, err := Parse("9223372036854.775807"); err != nil || d.Micros() != math.MaxInt64 {
		t.Errorf("largest value: %v %v", d, err)
	}
	if _, err := Parse("0.0000001"); !errors.Is(err, ErrRange) {
		t.Errorf("seven places: err = %v, want ErrRange", err)
	}
}

func TestArithmetic(t *testing.T) {
	a, b := MustParse("0.56"), MustParse("0.0012")
	if got := a.Add(b).String(); got != "0.5612" {
		t.Errorf("Add = %s", got)
	}
	if got := a.Sub(b).String(); got != "0.5588" {
		t.Errorf("Sub = %s", got)
	}
	cost, count := MustParse("1.40"), MustParse("2.50")
	avg, ok := cost.Quo(count, 4)
	if !ok || avg.String() != "0.5600" {
		t.Errorf("Quo = %s %v, want 0.5600", avg, ok)
	}
	third, _ := FromInt(1).Quo(FromInt(3), 4)
	if third.String() != "0.3333" {
		t.Errorf("1/3 = %s", third)
	}
	twoThirds, _ := FromInt(2).Quo(FromInt(3), 4)
	if twoThirds.String() != "0.6667" {
		t.Errorf("2/3 = %s", twoThirds)
	}
	neg, _ := FromInt(-2).Quo(FromInt(3), 2)
	if neg.String() != "-0.67" {
		t.Errorf("-2/3 = %s", neg)
	}
	if _, ok := a.Quo(Decimal{}, 2); ok {
		t.Error("division by zero reported ok")
	}
	if FromCents(42).String() != "0.42" || FromInt(5).String() != "5" {
		t.Error("FromCents/FromInt")
	}
	if !MustParse("1.0").Equal(MustParse("1.000")) || MustParse("1").Cmp(MustParse("1.01")) != -1 {
		t.Error("Equal/Cmp")
	}
	if MustParse("3").WithPlaces(2).String() != "3.00" || MustParse("0.125").WithPlaces(2).String() != "0.125" {
		t.Error("WithPlaces must pad but never drop digits")
	}
}

func TestJSON(t *testing.T) {
	var v struct {
		A, B, C Decimal
	}
	if err := json.Unmarshal([]byte(`{"A":"0.5600","B":12.5,"C":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.String() != "0.5600" || v.B.String() != "12.5" || !v.C.IsZero() {
		t.Errorf("got %v %v %v", v.A, v.B, v.C)
	}
	out, _ := json.Marshal(v.A)
	if string(out) != `"0.5600"` {
		t.Errorf("Marshal = %s", out)
	}
	if err := json.Unmarshal([]byte(`{"A":"NaN"}`), &v); err == nil {
		t.Error("NaN accepted")
	}
	if err := json.Unmarshal([]byte(`{"A":true}`), &v); err == nil {
		t.Error("bool accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "1.5", "-0.000001", "10.00", "NaN", "1e3", ".", "99999999999.999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		// Printing and parsing again must give the same value.
		e, err := Parse(d.String())
		if err != nil || !e.Equal(d) {
			t.Fatalf("round trip %q → %q → %v, %v", s, d.String(), e, err)
		}
	})
}

// TestStringAtTheEdges: String negates the magnitude after dividing, so the
// most negative value, which has no positive twin, still prints exactly.
func TestStringAtTheEdges(t *testing.T) {
	cases := []struct {
		micros int64
		places int
		want   string
	}{
		{math.MinInt64, 6, "-9223372036854.775808"},
		{math.MaxInt64, 6, "9223372036854.775807"},
		{-1, 6, "-0.000001"},
		{-500_000, 2, "-0.50"},
	}
	for _, c := range cases {
		if got := FromMicros(c.micros, c.places).String(); got != c.want {
			t.Errorf("FromMicros(%d, %d).String() = %q, want %q", c.micros, c.places, got, c.want)
		}
	}
}
