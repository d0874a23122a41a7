package config

import (
	"strings"
	"testing"

	"ordermon/kalshi"
)

func TestConfigNewKeyErrors(t *testing.T) {
	for _, tc := range []struct {
		content, key string
		line         int
		msg          string
	}{
		{"[kalshi]\nws_url = \"ws://ws.example/trade-api/ws/v2\"", "kalshi.ws_url", 2, "must use wss://"},
		{"[kalshi]\nws_url = \"https://ws.example/\"", "kalshi.ws_url", 2, "must start with wss://"},
		{"[kalshi]\npush = \"yes\"", "kalshi.push", 2, "want true or false, found a string"},
		{"interval = \"10s\"\n[kalshi]\n\nreconcile_interval = \"5s\"", "kalshi.reconcile_interval", 4, "shorter than interval (10s)"},
		{"keep_finished = \"soon\"", "keep_finished", 1, `invalid duration "soon"`},
		{"[pipeline]\nwallet_address = \"0x1234\"", "pipeline.wallet_address", 2, `"0x1234" is not a wallet address`},
		{"[pipeline]\nwallet_address = \"0x" + strings.Repeat("g", 40) + "\"", "pipeline.wallet_address", 2, "40 hex digits"},
		{"export_dir = 7", "export_dir", 1, "want a string in quotes, found an integer"},
		{"[kalshi]\ntier = \"gold\"", "kalshi.tier", 2, strings.Join(kalshi.Tiers(), ", ")},
	} {
		r := parseFile(t, tc.content)
		ce := configErr(t, r.err)
		if ce.Key != tc.key || ce.Line != tc.line || !strings.Contains(ce.Msg, tc.msg) {
			t.Errorf("%q: error %v; want %s at line %d saying %q", tc.content, r.err, tc.key, tc.line, tc.msg)
		}
	}
}

func TestConfigEnvOverridesFromTable(t *testing.T) {
	var names []string
	for _, v := range EnvVars() {
		names = append(names, v.Name)
	}
	want := "KALSHI_API_KEY_ID KALSHI_PRIVATE_KEY_FILE ORDERMON_PIPELINE_URL ORDERMON_PIPELINE_TOKEN ORDERMON_PIPELINE_API_KEY"
	if strings.Join(names, " ") != want {
		t.Errorf("environment variables = %v, want %s", names, want)
	}
}
