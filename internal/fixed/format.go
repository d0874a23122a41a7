package fixed

import "strings"

// Count renders d as people write a number of contracts: without trailing
// zeros ("3", "2.5", "0.25"). The value is unchanged; only the places the
// server padded it with are dropped.
func (d Decimal) Count() string { return trimZeros(d.String(), 0) }

// Dollars renders d as an amount of money: "$0.56", "$12.50", "$0.0649",
// "-$0.02". It keeps at least two places and every significant digit the
// server sent, so the value is exact.
func (d Decimal) Dollars() string {
	if d.Sign() < 0 {
		return "-" + d.Neg().Dollars()
	}
	return "$" + trimZeros(d.String(), 2)
}

// CentsToDollars converts a price in cents, as the older intent API sends
// it, to dollars: 56 becomes 0.56.
func (d Decimal) CentsToDollars() Decimal {
	v, _ := d.Quo(FromInt(100), MaxPlaces)
	return v.trimmed()
}

// trimmed returns d printed with the fewest places that keep its value.
func (d Decimal) trimmed() Decimal {
	p := uint8(0)
	for p < MaxPlaces && d.micros%pow10(MaxPlaces-int(p)) != 0 {
		p++
	}
	return Decimal{micros: d.micros, places: p}
}

// trimZeros drops trailing fractional zeros from a decimal string, keeping
// at least keep places (padding with zeros up to keep).
func trimZeros(s string, keep int) string {
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) < keep {
		frac += strings.Repeat("0", keep-len(frac))
	}
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}
