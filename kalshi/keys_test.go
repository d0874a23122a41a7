package kalshi

import (
	"crypto/ed25519"
	"crypto/rsa"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadPrivateKeyAcceptsKalshiFormats(t *testing.T) {
	k := genKeys(t)
	cases := []struct {
		name, path string
		wantRSA    bool
	}{
		{"PKCS#1 RSA", k.rsaPKCS1, true},
		{"PKCS#8 RSA", k.rsaPKCS8, true},
		{"PKCS#8 Ed25519", k.ed, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadPrivateKey(tc.path)
			if err != nil {
				t.Fatalf("LoadPrivateKey: %v", err)
			}
			switch s.(type) {
			case *rsa.PrivateKey:
				if !tc.wantRSA {
					t.Fatalf("got an RSA key, want Ed25519")
				}
			case ed25519.PrivateKey:
				if tc.wantRSA {
					t.Fatalf("got an Ed25519 key, want RSA")
				}
			default:
				t.Fatalf("got %T", s)
			}
			if _, err := keyAlgorithm(s); err != nil {
				t.Fatalf("keyAlgorithm: %v", err)
			}
		})
	}
	// Both RSA encodings are the same key.
	a, _ := LoadPrivateKey(k.rsaPKCS1)
	b, _ := LoadPrivateKey(k.rsaPKCS8)
	if !a.(*rsa.PrivateKey).Equal(b) {
		t.Fatal("PKCS#1 and PKCS#8 encodings of one key loaded as different keys")
	}
}

func TestLoadPrivateKeyRefusesWithClearErrors(t *testing.T) {
	k := genKeys(t)
	garbage := filepath.Join(k.dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("this is not a key\n\x1b[31mred\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(k.dir, "empty.pem")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		want       string
	}{
		{"encrypted PKCS#8", k.encPKCS8, "holds an encrypted private key"},
		{"encrypted PKCS#1 (Proc-Type)", k.encPKCS1, "holds an encrypted private key"},
		{"public key", k.rsaPub, "holds a PUBLIC KEY, not a private key"},
		{"certificate", k.cert, "holds a CERTIFICATE, not a private key"},
		{"EC in PKCS#8", k.ecPKCS8, "holds an EC private key"},
		{"EC in SEC1", k.ecSEC1, "holds an EC private key"},
		{"garbage", garbage, "holds no PEM data"},
		{"empty file", empty, "holds no PEM data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadPrivateKey(tc.path)
			if err == nil {
				t.Fatal("loaded without error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.path) {
				t.Errorf("error does not name the file %s: %s", tc.path, msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			if strings.ContainsRune(msg, 0x1b) {
				t.Errorf("error carries an escape sequence: %q", msg)
			}
			for _, l := range keyBodyLines(t, tc.path) {
				if strings.Contains(msg, l) {
					t.Fatalf("error leaks key material")
				}
			}
		})
	}
}

func TestLoadPrivateKeyMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.pem")
	_, err := LoadPrivateKey(p)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("want an error naming %s, got %v", p, err)
	}
}

func TestLoadPrivateKeyRefusesHugeFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.pem")
	if err := os.WriteFile(p, make([]byte, maxKeyFileBytes+10), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadPrivateKey(p)
	if err == nil || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("want a too-large error, got %v", err)
	}
}

func TestParsePrivateKeyMalformedBodyDoesNotLeak(t *testing.T) {
	body := "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu"
	pemText := "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n"
	_, err := ParsePrivateKey([]byte(pemText), "bad.pem")
	if err == nil {
		t.Fatal("parsed a truncated key")
	}
	if !strings.Contains(err.Error(), "bad.pem holds a malformed PKCS#1 RSA private key") {
		t.Fatalf("unclear error: %v", err)
	}
	if strings.Contains(err.Error(), body[:16]) {
		t.Fatal("error leaks key material")
	}
}
