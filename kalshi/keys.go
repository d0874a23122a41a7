package kalshi

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"ordermon/internal/safefile"
	"ordermon/internal/textsafe"
)

// maxKeyFileBytes bounds how much of a key file is read. A PEM RSA 4096-bit
// key is about 3.3 KB; anything far larger is not a key file.
const maxKeyFileBytes = 64 << 10

// LoadPrivateKey reads a PEM private key file for signing Kalshi requests.
// See ParsePrivateKey for the formats accepted. Only a regular file is
// read (safefile), so a FIFO or device named by mistake is refused rather
// than blocking. Errors name the file and what it holds but never include
// key material.
func LoadPrivateKey(path string) (crypto.Signer, error) {
	b, err := safefile.ReadFile(path, maxKeyFileBytes)
	switch {
	case errors.Is(err, safefile.ErrTooLarge):
		return nil, fmt.Errorf("private key file %s: larger than %d KiB, too large to be a private key file", textsafe.Clean(path), maxKeyFileBytes>>10)
	case err != nil:
		return nil, fmt.Errorf("private key file: %s", textsafe.Clean(err.Error()))
	}
	return ParsePrivateKey(b, path)
}

// ParsePrivateKey parses a PEM private key. name identifies the source (a
// file name) in error messages.
//
// Kalshi keys are RSA or Ed25519. Accepted: an RSA key in PKCS#1 ("RSA
// PRIVATE KEY", what Kalshi's web UI hands out) or PKCS#8 ("PRIVATE KEY",
// what openssl genpkey writes), and an Ed25519 key in PKCS#8. Everything else
// is refused with an error saying what was found instead: an encrypted key
// (decrypt it first, since ordermon never asks for passphrases), a public
// key or certificate (the private half is needed), an EC key (Kalshi does
// not accept EC), or a file with no PEM block at all.
func ParsePrivateKey(pemBytes []byte, name string) (crypto.Signer, error) {
	name = textsafe.Short(name, textsafe.PartMax)
	if name == "" {
		name = "the key"
	}
	rest := pemBytes
	var found []string
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		label := textsafe.Short(block.Type, 40)
		switch block.Type {
		case "RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY":
			return parseKeyBlock(block, name)
		case "EC PARAMETERS":
			// openssl ecparam -genkey writes parameters before the key; the
			// key block that follows explains the problem better.
			continue
		}
		found = append(found, label)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("kalshi: %s holds no PEM data; expected a block starting with -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----", name)
	}
	return nil, fmt.Errorf("kalshi: %s holds %s %s, not a private key; Kalshi needs the private key that belongs to your API key ID", name, article(found[0]), found[0])
}

func parseKeyBlock(block *pem.Block, name string) (crypto.Signer, error) {
	if block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
		return nil, fmt.Errorf("kalshi: %s holds an encrypted private key; decrypt it first (openssl pkey -in %s -out plain.pem) and protect the file with permissions instead", name, name)
	}
	switch block.Type {
	case "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("kalshi: %s holds an OpenSSH private key; Kalshi needs a PEM RSA or Ed25519 key (-----BEGIN PRIVATE KEY-----)", name)
	case "EC PRIVATE KEY":
		return nil, fmt.Errorf("kalshi: %s holds an EC private key; Kalshi accepts only RSA and Ed25519 keys", name)
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("kalshi: %s holds a malformed PKCS#1 RSA private key: %w", name, scrub(err))
		}
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		// A PKCS#1 body under a PKCS#8 label is a common hand-edit mistake.
		if k1, err1 := x509.ParsePKCS1PrivateKey(block.Bytes); err1 == nil {
			return k1, nil
		}
		return nil, fmt.Errorf("kalshi: %s holds a malformed PKCS#8 private key: %w", name, scrub(err))
	}
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return nil, fmt.Errorf("kalshi: %s holds an EC private key; Kalshi accepts only RSA and Ed25519 keys", name)
	default:
		return nil, fmt.Errorf("kalshi: %s holds a %T private key; Kalshi accepts only RSA and Ed25519 keys", name, k)
	}
}

// scrub keeps the kind of a parse failure but drops its text to a bounded,
// clean line; x509 errors do not quote key bytes, but nothing guarantees
// that stays true.
func scrub(err error) error {
	return errors.New(textsafe.Short(err.Error(), 120))
}

func article(label string) string {
	if strings.HasPrefix(label, "RSA") || (label != "" && strings.ContainsRune("AEIOU", rune(label[0]))) {
		return "an"
	}
	return "a"
}

// keyAlgorithm names the signing scheme for a key, or reports that Kalshi
// cannot use it.
func keyAlgorithm(k crypto.Signer) (string, error) {
	if k == nil {
		return "", errors.New("no key")
	}
	switch pub := k.Public().(type) {
	case *rsa.PublicKey:
		if pub.N.BitLen() < 2048 {
			return "", fmt.Errorf("RSA key of %d bits is too short; Kalshi keys are 2048 bits", pub.N.BitLen())
		}
		return "RSA-PSS", nil
	case ed25519.PublicKey:
		return "Ed25519", nil
	default:
		return "", fmt.Errorf("%T keys are not supported; Kalshi accepts RSA and Ed25519", pub)
	}
}
