package fixed

import "testing"

func TestCountAndDollars(t *testing.T) {
	cases := []struct{ in, count, dollars string }{
		{"0", "0", "$0.00"},
		{"3.00", "3", "$3.00"},
		{"10", "10", "$10.00"},
		{"2.50", "2.5", "$2.50"},
		{"0.5600", "0.56", "$0.56"},
		{"0.0649", "0.0649", "$0.0649"},
		{"0.565000", "0.565", "$0.565"},
		{"-0.0200", "-0.02", "-$0.02"},
		{"12.30", "12.3", "$12.30"},
	}
	for _, c := range cases {
		d := MustParse(c.in)
		if got := d.Count(); got != c.count {
			t.Errorf("%s.Count() = %q, want %q", c.in, got, c.count)
		}
		if got := d.Dollars(); got != c.dollars {
			t.Errorf("%s.Dollars() = %q, want %q", c.in, got, c.dollars)
		}
	}
}

func TestCentsToDollars(t *testing.T) {
	for in, want := range map[string]string{"56": "$0.56", "31": "$0.31", "56.5": "$0.565", "100": "$1.00", "0": "$0.00"} {
		if got := MustParse(in).CentsToDollars().Dollars(); got != want {
			t.Errorf("%s¢ = %s, want %s", in, got, want)
		}
	}
	if got := MustParse("56").CentsToDollars().String(); got != "0.56" {
		t.Errorf("56¢ as a decimal prints %q, want 0.56", got)
	}
}
