package pipeline

import (
	"encoding/base64"
	"strconv"
	"testing"
	"time"
)

// FuzzJWTExpiry checks that no token, however malformed, panics JWTExpiry
// or yields an expiry outside (epoch, year 9999], and that a well-formed
// token's numeric exp is read back exactly.
func FuzzJWTExpiry(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	f.Add("a."+enc([]byte(`{"exp":1700000000}`))+".c", int64(1700000000))
	f.Add("a."+enc([]byte(`{"exp":1.5e9}`))+".c", int64(-1))
	f.Add("a."+enc([]byte(`{"exp":"1700000000"}`))+".c", int64(0))
	f.Add("a."+enc([]byte(`{"exp":99999999999999999999}`))+".c", int64(253402300800))
	f.Add("a.."+enc([]byte(`{}`)), int64(1))
	f.Add("not a jwt", int64(9))
	f.Fuzz(func(t *testing.T, token string, sec int64) {
		if exp, ok := JWTExpiry(token); ok {
			if exp.Unix() <= 0 || exp.Unix() > maxExpUnix {
				t.Fatalf("%q: expiry %v out of range", token, exp)
			}
		}
		built := "h." + base64.RawURLEncoding.EncodeToString([]byte(`{"exp":`+strconv.FormatInt(sec, 10)+`}`)) + ".s"
		exp, ok := JWTExpiry(built)
		want := sec > 0 && sec <= maxExpUnix
		if ok != want || (ok && !exp.Equal(time.Unix(sec, 0))) {
			t.Fatalf("exp %d read as %v, %v", sec, exp, ok)
		}
	})
}
