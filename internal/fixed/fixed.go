// Package fixed provides exact fixed-point decimals for money and contract
// counts.
//
// Kalshi sends prices as strings such as "0.5600" (up to six decimal places)
// and counts as strings such as "2.50". Parsing those into float64 would
// round them, so a figure on screen could differ from the exchange's own.
// A Decimal instead stores an integer number of millionths and remembers how
// many decimal places the server used, so it prints back exactly what was
// received.
package fixed

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// MaxPlaces is the number of fractional digits a Decimal can hold exactly.
const MaxPlaces = 6

const scale = 1_000_000

// Decimal is an exact decimal number with up to six fractional digits.
//
// The zero value is 0. Compare Decimals with Cmp or Equal, not ==, because
// two equal values may have been written with different numbers of places.
type Decimal struct {
	micros int64 // value × 10^6
	places uint8 // fractional digits to print, 0..6
}

// ErrSyntax reports text that is not a plain decimal number.
var ErrSyntax = errors.New("not a decimal number")

// ErrRange reports a number too large, or too precise, to hold exactly.
var ErrRange = errors.New("decimal out of range")

// Parse reads a plain decimal such as "12", "-0.5", "0.560000" or ".5".
//
// It refuses exponents, NaN, infinities, signs other than one leading minus,
// and digits beyond the sixth decimal place unless they are zeros, because
// any of those would mean the value cannot be represented exactly.
func Parse(s string) (Decimal, error) {
	if len(s) == 0 || len(s) > 40 {
		return Decimal{}, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
	}
	neg := false
	body := s
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	intPart, frac, hasDot := strings.Cut(body, ".")
	if intPart == "" && frac == "" {
		return Decimal{}, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
	}
	if hasDot && frac == "" && intPart == "" {
		return Decimal{}, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return Decimal{}, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
	}
	places := len(frac)
	if places > MaxPlaces {
		if strings.Trim(frac[MaxPlaces:], "0") != "" {
			return Decimal{}, fmt.Errorf("%w: %q has more than %d decimal places", ErrRange, clip(s), MaxPlaces)
		}
		frac = frac[:MaxPlaces]
		places = MaxPlaces
	}
	var whole int64
	if intPart != "" {
		trimmed := strings.TrimLeft(intPart, "0")
		if len(trimmed) > 13 {
			return Decimal{}, fmt.Errorf("%w: %q", ErrRange, clip(s))
		}
		if trimmed != "" {
			w, err := strconv.ParseInt(trimmed, 10, 64)
			if err != nil {
				return Decimal{}, fmt.Errorf("%w: %q", ErrRange, clip(s))
			}
			whole = w
		}
	}
	var f int64
	if frac != "" {
		padded := frac + strings.Repeat("0", MaxPlaces-len(frac))
		v, err := strconv.ParseInt(padded, 10, 64)
		if err != nil {
			return Decimal{}, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
		}
		f = v
	}
	if whole > (math.MaxInt64-f)/scale {
		return Decimal{}, fmt.Errorf("%w: %q", ErrRange, clip(s))
	}
	m := whole*scale + f
	if neg {
		m = -m
	}
	return Decimal{micros: m, places: uint8(places)}, nil
}

// MustParse is Parse for constants in code and tests; it panics on bad input.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// FromInt returns the whole number n, printed without decimal places.
func FromInt(n int64) Decimal { return Decimal{micros: n * scale} }

// FromCents converts an integer number of cents, as the legacy Kalshi fields
// carried them, to dollars printed with two decimal places.
func FromCents(c int64) Decimal { return Decimal{micros: c * (scale / 100), places: 2} }

// FromMicros returns the value n millionths, printed with the given number
// of places (clamped to 0..6).
func FromMicros(n int64, places int) Decimal {
	return Decimal{micros: n, places: clampPlaces(places)}
}

// Micros returns the value in millionths.
func (d Decimal) Micros() int64 { return d.micros }

// Places returns the number of fractional digits String prints.
func (d Decimal) Places() int { return int(d.places) }

// IsZero reports whether d is zero.
func (d Decimal) IsZero() bool { return d.micros == 0 }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.micros < 0:
		return -1
	case d.micros > 0:
		return 1
	}
	return 0
}

// Cmp compares d and e by value: -1 if d < e, 0 if equal, +1 if d > e.
func (d Decimal) Cmp(e Decimal) int {
	switch {
	case d.micros < e.micros:
		return -1
	case d.micros > e.micros:
		return 1
	}
	return 0
}

// Equal reports whether d and e have the same value.
func (d Decimal) Equal(e Decimal) bool { return d.micros == e.micros }

// Add returns d + e, printed with the larger number of places of the two.
// Sums of exchange figures stay far below the int64 range, so Add saturates
// rather than reporting overflow.
func (d Decimal) Add(e Decimal) Decimal {
	return Decimal{micros: satAdd(d.micros, e.micros), places: max(d.places, e.places)}
}

// Sub returns d − e, printed with the larger number of places of the two.
func (d Decimal) Sub(e Decimal) Decimal {
	return Decimal{micros: satAdd(d.micros, -e.micros), places: max(d.places, e.places)}
}

// Neg returns −d.
func (d Decimal) Neg() Decimal { return Decimal{micros: -d.micros, places: d.places} }

// Abs returns |d|.
func (d Decimal) Abs() Decimal {
	if d.micros < 0 {
		return d.Neg()
	}
	return d
}

// Quo returns d ÷ e rounded half away from zero to the given number of
// places (at most six). It reports false when e is zero.
func (d Decimal) Quo(e Decimal, places int) (Decimal, bool) {
	if e.micros == 0 {
		return Decimal{}, false
	}
	p := clampPlaces(places)
	// result_micros = d.micros * 10^6 / e.micros, rounded to 10^(6-p).
	num := new(big.Int).Mul(big.NewInt(d.micros), big.NewInt(scale))
	den := big.NewInt(e.micros)
	unit := big.NewInt(pow10(MaxPlaces - int(p)))
	den.Mul(den, unit)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	// Round half away from zero: compare 2|r| with |den|.
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(new(big.Int).Abs(den)) >= 0 {
		if (num.Sign() < 0) != (den.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	q.Mul(q, unit)
	if !q.IsInt64() {
		return Decimal{}, false
	}
	return Decimal{micros: q.Int64(), places: p}, true
}

// WithPlaces returns d printed with at least n places; it never drops
// significant digits, so the value is unchanged.
func (d Decimal) WithPlaces(n int) Decimal {
	p := clampPlaces(n)
	if p < d.places {
		p = d.places
	}
	// Keep every non-zero digit visible.
	for p < MaxPlaces && d.micros%pow10(MaxPlaces-int(p)) != 0 {
		p++
	}
	return Decimal{micros: d.micros, places: p}
}

// String prints d exactly, with the number of places it was parsed with (or
// more, if arithmetic produced more significant digits).
func (d Decimal) String() string {
	p := d.WithPlaces(int(d.places)).places
	// Divide before negating: -math.MinInt64 overflows, but neither its
	// quotient nor its remainder by scale does.
	whole, frac := d.micros/scale, d.micros%scale
	neg := d.micros < 0
	if neg {
		whole, frac = -whole, -frac
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(strconv.FormatInt(whole, 10))
	if p > 0 {
		b.WriteByte('.')
		fs := strconv.FormatInt(frac+scale, 10)[1:] // six digits, zero padded
		b.WriteString(fs[:p])
	}
	return b.String()
}

// MarshalJSON encodes d as a JSON string, so JSON readers cannot round it.
func (d Decimal) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON accepts a JSON string ("0.56") or a bare JSON number (0.56),
// parsing the text exactly. JSON null leaves d unchanged.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func clampPlaces(n int) uint8 {
	if n < 0 {
		return 0
	}
	if n > MaxPlaces {
		return MaxPlaces
	}
	return uint8(n)
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

func satAdd(a, b int64) int64 {
	s := a + b
	if a > 0 && b > 0 && s < 0 {
		return math.MaxInt64
	}
	if a < 0 && b < 0 && s >= 0 {
		return math.MinInt64
	}
	return s
}

func clip(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
