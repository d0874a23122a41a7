package pipeline

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecodeIntent checks that no reply body, however malformed, panics the
// decoder, and that what it accepts is self-consistent.
func FuzzDecodeIntent(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "intent_*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `{"success":false}`, `{"success":true,"intent":{"id":"1"}}`,
		`{"order":{"id":1,"status":"executing"}}`, `{"id":"1","metadata":{"kalshiFillCount":"1e400"}}`,
		`{"id":"1","action":{"order":{"baseToken":{"data":null}}}}`, `{"id":"1","createdAt":"2024-01-15T10:00:00.999999999999Z"}`,
		`{"id":"1","metadata":{"chainId":-9223372036854775809}}`, "{\"id\":\"\xff\xfe\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := DecodeIntent(body)
		if err != nil {
			if strings.ContainsRune(err.Error(), 0x1b) {
				t.Errorf("error carries ESC: %q", err)
			}
			return
		}
		if in.Shape < ShapeUnknown || in.Shape > ShapeCurrent {
			t.Errorf("shape %d out of range", in.Shape)
		}
		again, err := DecodeIntent(body)
		if err != nil || again.ID != in.ID || again.Status != in.Status || !again.Quantity.Equal(in.Quantity) {
			t.Errorf("decoding is not deterministic")
		}
	})
}

// FuzzIntentErrorBody checks that any error body yields a clean, bounded,
// one-line error that never repeats the credentials.
func FuzzIntentErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"error":"Unauthorized"}`, `{"success":false,"error":{"message":"x","code":7}}`,
		`{"message":["a","b"],"error":"Bad Request"}`, `<html><script>alert(1)</script><title>502</title>`,
		"\x1b]0;t\x07", `{"errors":[{"message":"m"}]}`, `<!-- unterminated`, "<SCRIPT>x</sCrIpT>done",
		"secret-token-123456 in body",
	} {
		f.Add(502, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		const secret = "secret-token-123456"
		e := newIntentError(status, "/v1/order/1", body, false, secretScrubber(secret))
		msg := e.Error()
		if strings.ContainsAny(msg, "\x1b\x07\r\n\x00") {
			t.Errorf("unclean error %q", msg)
		}
		if strings.Contains(msg, secret) {
			t.Error("error repeats the secret")
		}
		if len([]rune(e.Excerpt)) > maxErrorExcerpt || len([]rune(e.Message)) > maxErrorMessage {
			t.Errorf("unbounded excerpt or message")
		}
	})
}

// FuzzValidateIntentID checks that every accepted ID becomes exactly one
// path segment that decodes back to itself.
func FuzzValidateIntentID(f *testing.F) {
	for _, s := range []string{"123", "intent_abc123xyz", "a/b", "..", "a%2Fb", "é", "?#", "a\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if ValidateIntentID(id) != nil {
			return
		}
		seg := url.PathEscape(id)
		if strings.Contains(seg, "/") || seg == "." || seg == ".." {
			t.Fatalf("%q escaped to unsafe segment %q", id, seg)
		}
		back, err := url.PathUnescape(seg)
		if err != nil || back != id {
			t.Fatalf("%q round-tripped to %q (%v)", id, back, err)
		}
	})
}
