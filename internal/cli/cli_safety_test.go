package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline/pipelinetest"
)

// secrets are the strings that must never be printed or logged: the JWT
// and its parts, the API key, and the private key in every form a careless
// Printf could give it.
func secrets(t *testing.T, w *world) map[string]string {
	t.Helper()
	s := map[string]string{"the token": w.token, "the API key": w.apiKey}
	if parts := strings.Split(w.token, "."); len(parts) == 3 {
		s["the token's claims"], s["the token's signature"] = parts[1], parts[2]
	}
	var body []string
	for _, line := range strings.Split(string(keyPEM(t)), "\n") {
		if line != "" && !strings.HasPrefix(line, "-----") {
			body = append(body, line)
		}
	}
	joined := strings.Join(body, "")
	s["the PEM body"] = joined
	for i, line := range body {
		s[fmt.Sprintf("PEM line %d", i+1)] = line
	}
	s["a base64 chunk of the key"] = joined[len(joined)/2 : len(joined)/2+24]
	k := signingKey()
	d := k.D.String()
	s["the private exponent"] = d[:40]
	s["the private exponent in hex"] = k.D.Text(16)[:40]
	s["a prime"] = k.Primes[0].String()[:40]
	return s
}

// assertNoSecret fails the test if any secret appears in any of the texts.
// The failure names the secret and where, never the secret itself.
func assertNoSecret(t *testing.T, secrets map[string]string, texts map[string]string) {
	t.Helper()
	for where, text := range texts {
		for what, secret := range secrets {
			if secret != "" && strings.Contains(text, secret) {
				t.Errorf("%s appears in %s", what, where)
			}
		}
	}
}

// outputs gathers a run's stdout and stderr, the log file and any crash
// report in the world's TMPDIR.
func outputs(t *testing.T, w *world, name string, r result, logFile string) map[string]string {
	t.Helper()
	texts := map[string]string{name + ": stdout": r.stdout, name + ": stderr": r.stderr}
	if logFile != "" {
		b, err := os.ReadFile(logFile)
		if err != nil {
			t.Fatalf("%s: the log file: %v", name, err)
		}
		texts[name+": the log"] = string(b)
	}
	crashes, _ := filepath.Glob(filepath.Join(w.dir, "ordermon-crash-*"))
	for _, c := range crashes {
		b, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		texts[name+": "+filepath.Base(c)] = string(b)
	}
	return texts
}

// TestSecretsNeverAppear runs the binary with a distinctive token, API key
// and private key through success, source errors (including a service
// that echoes the credentials back) and configuration errors, and greps
// everything it wrote for them.
func TestSecretsNeverAppear(t *testing.T) {
	t.Parallel()
	token := testJWT("wallet-0x5eC7e7-zq81xv", time.Now().Add(90*time.Minute))
	apiKey := "omk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	echo := fmt.Sprintf("invalid credentials: Authorization: Bearer %s x-api-key: %s", token, apiKey)

	tests := []struct {
		name  string
		setup func(w *world)
		env   func(w *world) []string
		args  []string
		want  int
	}{
		{"success, once", nil, nil, []string{"--once", "--json", "intent:501", "kalshi:ord-rest"}, 0},
		{"success, plain watch, credentials from the environment", nil, func(w *world) []string {
			return []string{"ORDERMON_PIPELINE_TOKEN=" + w.token, "ORDERMON_PIPELINE_API_KEY=" + w.apiKey,
				"KALSHI_API_KEY_ID=" + w.keyID, "KALSHI_PRIVATE_KEY_FILE=" + w.keyFile}
		}, []string{"--timeout", "1s", "intent:501"}, 4},
		{"service echoes the credentials in a JSON error", func(w *world) {
			body, _ := json.Marshal(map[string]any{"success": false, "error": echo})
			w.svc.InjectFault(pipelinetest.Fault{Status: 401, Body: body})
		}, nil, []string{"--json", "intent:501"}, 3},
		{"service echoes the credentials in an HTML page", func(w *world) {
			w.svc.InjectFault(pipelinetest.Fault{Status: 502, Body: []byte("<html><body><h1>Bad gateway</h1><p>" + echo + "</p></body></html>")})
		}, nil, []string{"--once", "intent:501"}, 3},
		{"service echoes the credentials in a 200 failure", func(w *world) {
			body, _ := json.Marshal(map[string]any{"success": false, "error": echo, "code": token})
			w.svc.InjectFault(pipelinetest.Fault{Status: 200, Body: body})
		}, nil, []string{"--once", "--json", "intent:501"}, 3},
		{"service echoes a long token cut at the message limit", func(w *world) {
			body, _ := json.Marshal(map[string]any{"success": false, "error": strings.Repeat("x", 150) + " " + token})
			w.svc.InjectFault(pipelinetest.Fault{Status: 403, Body: body})
		}, nil, []string{"--once", "--json", "intent:501"}, 3},
		{"Kalshi rejects the key", func(w *world) {
			w.x.RemoveKey(w.keyID)
		}, nil, []string{"--json", "kalshi:ord-rest"}, 3},
		{"token with a space in the environment", nil, func(w *world) []string {
			return []string{"ORDERMON_PIPELINE_TOKEN=" + w.token + " trailing"}
		}, []string{"--once", "intent:501"}, 2},
		{"API key with a newline in the environment", nil, func(w *world) []string {
			return []string{"ORDERMON_PIPELINE_API_KEY=" + w.apiKey + "\nsecond"}
		}, []string{"--once", "intent:501"}, 2},
		{"token from token_file", func(w *world) {
			w.tokenSource(fmt.Sprintf("token_file = %q", w.writeToken()))
		}, nil, []string{"--once", "--json", "--exit-status", "intent:501"}, 4},
		{"token from token_command", func(w *world) {
			w.tokenSource(fmt.Sprintf("token_command = %q", "cat "+w.writeToken()))
		}, nil, []string{"--once", "--json", "--exit-status", "intent:501"}, 4},
		{"private key pasted as the token", nil, func(w *world) []string {
			return []string{"ORDERMON_PIPELINE_TOKEN=" + string(keyPEM(t))}
		}, []string{"--once", "intent:501"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, worldOptions{token: token, apiKey: apiKey})
			w.putMarket("Bitcoin")
			w.putRestingOrder("ord-rest")
			w.svc.PutIntent(placedIntent("501", "ord-rest"))
			if tt.setup != nil {
				tt.setup(w)
			}
			var env []string
			if tt.env != nil {
				env = tt.env(w)
			}
			if w.configPath == "" {
				w.config("")
			}
			logFile := filepath.Join(w.dir, "debug.log")
			r := w.run(env, append([]string{"--config", w.configPath, "--log", logFile}, tt.args...)...)
			if r.code != tt.want {
				t.Errorf("want exit %d, got exit %d", tt.want, r.code)
			}
			if tt.want == 2 {
				// A configuration error is found before the log is opened.
				logFile = ""
			} else if info, err := os.Stat(logFile); err != nil || info.Mode().Perm() != 0o600 || info.Size() == 0 {
				t.Errorf("the log file is missing, empty or not private: %v %v", info, err)
			}
			assertNoSecret(t, secrets(t, w), outputs(t, w, tt.name, r, logFile))
		})
	}
}

// The hostile text the fakes serve: SGR colour, an OSC window title ended
// by BEL, a bare BEL and an 8-bit CSI.
const hostile = "\x1b[31mred alert\x1b[0m \x1b]0;pwned title\x07 ring\x07 \u009b2J c1"

// noEscapes fails the test if text holds ESC, BEL or a C1 CSI.
func noEscapes(t *testing.T, where, text string) {
	t.Helper()
	if strings.ContainsAny(text, "\x1b\x07\u009b") {
		t.Errorf("%s holds escape sequences:\n%q", where, text)
	}
}

// TestHostileTextIsNeutralized serves escape sequences in a termination
// reason, a market title and subtitle, a client order ID and an error
// message. Plain and --once output must carry none; JSON keeps the text
// but escapes it.
func TestHostileTextIsNeutralized(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.x.PutMarket(kalshitest.MarketState{
		Ticker: testTicker, EventTicker: "KXBTCD-26MAR1417", Title: "Bitcoin " + hostile,
		YesSubTitle: hostile, NoSubTitle: hostile, Status: "active",
		YesBid: dec("0.54"), YesAsk: dec("0.56"), LastPrice: dec("0.55"), CloseTime: tClose,
	})
	w.x.PutOrder(kalshitest.OrderState{
		OrderID: "ord-h", UserID: "user-1", ClientOrderID: "desk " + hostile, Ticker: testTicker,
		Status: kalshitest.StatusCanceled, OutcomeSide: "yes", YesPrice: dec("0.56"), InitialCount: dec("10"),
		CreatedTime: tPlaced, LastUpdateTime: tFilled,
	})
	w.svc.PutIntent(failedIntent("701", "ord-h", hostile))
	cfg := w.config("")
	ids := []string{"intent:701", "kalshi:ord-h"}

	plain := w.run(nil, append([]string{"--config", cfg}, ids...)...)
	once := w.run(nil, append([]string{"--once", "--config", cfg}, ids...)...)
	for name, r := range map[string]result{"plain watch": plain, "--once": once} {
		if r.code != 0 {
			t.Errorf("%s: want exit 0, got:\n%s", name, r)
		}
		noEscapes(t, name+" stdout", r.stdout)
		noEscapes(t, name+" stderr", r.stderr)
		if !strings.Contains(r.stdout, "red alert") {
			t.Errorf("%s: the termination reason's text is not shown:\n%s", name, r.stdout)
		}
	}

	js := w.run(nil, append([]string{"--once", "--json", "--config", cfg}, ids...)...)
	noEscapes(t, "JSON stdout", js.stdout)
	noEscapes(t, "JSON stderr", js.stderr)
	for _, s := range []string{`\u001b[31mred alert\u001b[0m`, `\u001b]0;pwned title\u0007`, `\u009b2J`} {
		if !strings.Contains(js.stdout, s) {
			t.Errorf("JSON output does not keep %s escaped:\n%s", s, js.stdout)
		}
	}
	lines := jsonLines(t, js.stdout)
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got:\n%s", js)
	}
	if got := text(t, object(t, lines[0]["intent"])["termination_reason"]); got != hostile {
		t.Errorf("termination_reason = %q, want the server's text verbatim %q", got, hostile)
	}
	if got := text(t, object(t, lines[1]["kalshi"])["client_order_id"]); got != "desk "+hostile {
		t.Errorf("client_order_id = %q, want the server's text verbatim", got)
	}
}

// TestHostileErrorMessageIsNeutralized has both sources answer errors full
// of escape sequences; the errors field and plain output carry none.
func TestHostileErrorMessageIsNeutralized(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	body, _ := json.Marshal(map[string]any{"success": false, "error": hostile})
	w.svc.InjectFault(pipelinetest.Fault{Status: 500, Body: body})
	kbody, _ := json.Marshal(map[string]any{"error": map[string]any{"code": "internal_server_error", "message": hostile}})
	w.x.InjectFault(kalshitest.Fault{Status: 500, Body: kbody})
	cfg := w.config("")
	ids := []string{"intent:1", "kalshi:ord-1"}

	for _, mode := range [][]string{{"--once"}, {"--once", "--json"}, {"--timeout", "1s"}} {
		r := w.run(nil, append(append([]string{"--config", cfg}, mode...), ids...)...)
		name := strings.Join(mode, " ")
		if r.code != 3 {
			t.Errorf("%s: want exit 3, got:\n%s", name, r)
		}
		noEscapes(t, name+" stdout", r.stdout)
		noEscapes(t, name+" stderr", r.stderr)
		if strings.Contains(r.stdout, `\u001b`) || strings.Contains(r.stdout, `\u0007`) {
			t.Errorf("%s: an error message keeps escape sequences (even escaped):\n%s", name, r.stdout)
		}
		if !strings.Contains(r.stdout, "red alert") {
			t.Errorf("%s: the error's text is lost:\n%s", name, r.stdout)
		}
	}
}

// writeToken writes the token to a private file and returns its path.
func (w *world) writeToken() string {
	w.t.Helper()
	path := filepath.Join(w.dir, "token.txt")
	if err := os.WriteFile(path, []byte(w.token+"\n"), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return path
}

// tokenSource writes the configuration with the token setting replaced by
// setting (token_file or token_command).
func (w *world) tokenSource(setting string) {
	w.t.Helper()
	rewrite(w.t, w.config(""), fmt.Sprintf("token = %q", w.token), setting)
}
