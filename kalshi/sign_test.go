package kalshi

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSignatureMessage(t *testing.T) {
	ts := time.UnixMilli(1703123456789)
	cases := []struct{ method, path, want string }{
		// The example from Kalshi's quick-start page.
		{"GET", "/trade-api/v2/portfolio/balance", "1703123456789GET/trade-api/v2/portfolio/balance"},
		// "For /portfolio/orders?limit=5, sign only /trade-api/v2/portfolio/orders".
		{"GET", "/trade-api/v2/portfolio/orders?limit=5", "1703123456789GET/trade-api/v2/portfolio/orders"},
		{"GET", "/trade-api/v2/portfolio/orders/a%2Bb", "1703123456789GET/trade-api/v2/portfolio/orders/a%2Bb"},
	}
	for _, tc := range cases {
		if got := SignatureMessage(ts, tc.method, tc.path); got != tc.want {
			t.Errorf("SignatureMessage(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

// verifyWithOpenSSL checks a base64 signature over msg with the openssl CLI,
// strictly requiring a 32-byte PSS salt for RSA. It reports whether openssl
// said "Verified OK" and its output.
func verifyWithOpenSSL(t *testing.T, dir, pub string, ed bool, msg, sigB64 string) (bool, string) {
	t.Helper()
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		t.Fatalf("signature is not standard base64: %v", err)
	}
	msgPath, sigPath := filepath.Join(dir, "msg.txt"), filepath.Join(dir, "sig.bin")
	if err := os.WriteFile(msgPath, []byte(msg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sigPath, sig, 0o600); err != nil {
		t.Fatal(err)
	}
	var args []string
	if ed {
		args = []string{"pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", msgPath, "-sigfile", sigPath}
	} else {
		args = []string{"dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-verify", pub, "-signature", sigPath, msgPath}
	}
	out, err := exec.Command(needOpenSSL(t), args...).CombinedOutput()
	return err == nil && strings.Contains(string(out), "Verified"), string(out)
}

func TestSignVerifiedByOpenSSL(t *testing.T) {
	k := genKeys(t)
	msg := SignatureMessage(time.UnixMilli(1767225600123), "GET", "/trade-api/v2/portfolio/orders/ord-1")
	cases := []struct {
		name, key, pub string
		ed             bool
	}{
		{"RSA PKCS#1", k.rsaPKCS1, k.rsaPub, false},
		{"RSA PKCS#8", k.rsaPKCS8, k.rsaPub, false},
		{"Ed25519", k.ed, k.edPub, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key, err := LoadPrivateKey(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := Sign(key, msg)
			if err != nil {
				t.Fatal(err)
			}
			if ok, out := verifyWithOpenSSL(t, k.dir, tc.pub, tc.ed, msg, sig); !ok {
				t.Fatalf("openssl rejected our signature: %s", out)
			}
			// The same signature over another message must fail, or the
			// check above proves nothing.
			if ok, _ := verifyWithOpenSSL(t, k.dir, tc.pub, tc.ed, msg+"x", sig); ok {
				t.Fatal("openssl accepted the signature for a different message")
			}
		})
	}
}

// TestAutoSaltRejectedByOpenSSL shows why the salt length is set: Go's
// default PSS salt is not what a strict verifier accepts.
func TestAutoSaltRejectedByOpenSSL(t *testing.T) {
	k := genKeys(t)
	key, err := LoadPrivateKey(k.rsaPKCS8)
	if err != nil {
		t.Fatal(err)
	}
	msg := "1767225600123GET/trade-api/v2/portfolio/orders/ord-1"
	d := sha256.Sum256([]byte(msg))
	raw, err := rsa.SignPSS(rand.Reader, key.(*rsa.PrivateKey), crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := verifyWithOpenSSL(t, k.dir, k.rsaPub, false, msg, base64.StdEncoding.EncodeToString(raw)); ok {
		t.Fatal("openssl accepted an auto-salt signature with saltlen 32")
	}
}

func TestSignRequestHeaders(t *testing.T) {
	key := testRSAKey(t)
	req, err := http.NewRequest("GET", "https://external-api.kalshi.com/trade-api/v2/portfolio/orders?limit=5&status=resting", nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.UnixMilli(1767225600123)
	if err := SignRequest(req, "key-id-1", key, now); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get(HeaderAccessKey); got != "key-id-1" {
		t.Errorf("key header = %q", got)
	}
	if got := req.Header.Get(HeaderAccessTimestamp); got != strconv.FormatInt(now.UnixMilli(), 10) {
		t.Errorf("timestamp header = %q, want milliseconds", got)
	}
	verifyRSAPSS(t, &key.PublicKey, "1767225600123GET/trade-api/v2/portfolio/orders", req.Header.Get(HeaderAccessSignature))
}

// verifyRSAPSS checks sig independently of Sign, insisting on a 32-byte salt.
func verifyRSAPSS(t *testing.T, pub *rsa.PublicKey, msg, sigB64 string) {
	t.Helper()
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		t.Fatalf("signature not base64: %v", err)
	}
	d := sha256.Sum256([]byte(msg))
	if err := rsa.VerifyPSS(pub, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: 32}); err != nil {
		t.Fatalf("signature does not verify over %q with salt 32: %v", msg, err)
	}
}
