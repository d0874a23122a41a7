package kalshitest

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"
)

// The headers Kalshi's API-key authentication reads.
const (
	HeaderKey       = "KALSHI-ACCESS-KEY"
	HeaderTimestamp = "KALSHI-ACCESS-TIMESTAMP"
	HeaderSignature = "KALSHI-ACCESS-SIGNATURE"
)

// authError is why a request failed authentication; its text becomes the
// "details" of the 401 body, so it names the cause without echoing any
// header value.
type authError string

func (e authError) Error() string { return string(e) }

// authenticate checks a request's three headers the way Kalshi does. The
// signed message is the millisecond timestamp, the method and the escaped
// URL path from the API root, without the query string. RSA keys must sign
// with RSA-PSS, SHA-256 and a salt exactly as long as the hash (32 bytes),
// as Kalshi's starter code and SDKs do; a signature with Go's default
// PSSSaltLengthAuto (the longest salt) is rejected. Ed25519 keys sign the
// same message with plain Ed25519.
func (x *Exchange) authenticate(r *http.Request, now time.Time) error {
	keyID := r.Header.Get(HeaderKey)
	tsText := r.Header.Get(HeaderTimestamp)
	sigText := r.Header.Get(HeaderSignature)
	switch {
	case keyID == "":
		return authError("missing " + HeaderKey + " header")
	case tsText == "":
		return authError("missing " + HeaderTimestamp + " header")
	case sigText == "":
		return authError("missing " + HeaderSignature + " header")
	}
	x.mu.Lock()
	pub, ok := x.keys[keyID]
	x.mu.Unlock()
	if !ok {
		return authError("unknown API key")
	}
	ms, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return authError("timestamp is not an integer number of milliseconds")
	}
	skew := now.Sub(time.UnixMilli(ms))
	if skew < 0 {
		skew = -skew
	}
	if skew > x.opts.Window {
		return authError("timestamp outside the allowed window")
	}
	sig, err := base64.StdEncoding.DecodeString(sigText)
	if err != nil {
		return authError("signature is not standard base64")
	}
	msg := []byte(tsText + r.Method + r.URL.EscapedPath())
	if !verify(pub, msg, sig) {
		return authError("bad signature")
	}
	return nil
}

// verify checks sig over msg with a key AddKey accepted.
func verify(pub crypto.PublicKey, msg, sig []byte) bool {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		digest := sha256.Sum256(msg)
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
		return rsa.VerifyPSS(k, crypto.SHA256, digest[:], sig, opts) == nil
	case ed25519.PublicKey:
		return len(k) == ed25519.PublicKeySize && ed25519.Verify(k, msg, sig)
	}
	return false
}
