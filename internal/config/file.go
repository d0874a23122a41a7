package config

import (
	"time"

	"ordermon/internal/engine"
)

// File is the configuration file, config.toml, after decoding. Every key is
// optional; DefaultFile holds the values of keys that are left out. The
// keys themselves, their types and their checks are in the table in
// keys.go, and config.example.toml documents them all.
type File struct {
	// Interval is how often every watched order is refreshed; at least
	// MinInterval.
	Interval Duration
	// Timezone is "Local", "UTC" or an IANA zone such as
	// "America/New_York"; every time shown is in it, and says so.
	Timezone string
	// Bell rings the terminal bell when a watched order completes or
	// fails on the live screen.
	Bell bool
	// ExportDir is where the screen's export (e) writes its reports: ""
	// for the current directory. From the file, a relative path is taken
	// relative to the file's directory.
	ExportDir string
	// KeepFinished is how long an order found by --all stays listed after
	// it finishes.
	KeepFinished Duration
	Kalshi       KalshiFile
	Pipeline     PipelineFile
	Stuck        StuckFile
}

// KalshiFile is the [kalshi] table: where Kalshi is and how to sign in.
type KalshiFile struct {
	// Env is "prod" or "demo"; it picks the base URL unless BaseURL is set.
	Env string
	// BaseURL overrides Env, e.g.
	// "https://external-api.kalshi.com/trade-api/v2".
	BaseURL string
	// WSURL is the WebSocket's URL: "" derives it from Env or a loopback
	// BaseURL (see Options.KalshiWSURL).
	WSURL string
	// APIKeyID is the key ID Kalshi shows next to the API key. It names
	// the key and is not itself a secret.
	APIKeyID string
	// PrivateKeyFile is the path of the PEM private key (RSA, PKCS#1 or
	// PKCS#8, or Ed25519). In the file a relative path is relative to the
	// file's directory, and "~/" is the home directory.
	PrivateKeyFile string
	// Tier is the account's API usage tier, lower case, or "" when not
	// set: Kalshi then says which budget the account has.
	Tier string
	// Push uses Kalshi's WebSocket for order updates, fills and prices.
	Push bool
	// ReconcileInterval is how often the watched orders are read over REST
	// while push is up, to catch what a dropped message would hide.
	ReconcileInterval Duration
}

// PipelineFile is the [pipeline] table: the intent service. At most one
// of Token, TokenFile and TokenCommand may be set.
type PipelineFile struct {
	// BaseURL is the intent service's root, e.g. "https://swap-api.flux.fun".
	BaseURL string
	// Token is a JWT sent as "Authorization: Bearer".
	Token Secret
	// TokenFile is a file holding the JWT, read each time a token is
	// needed so a refreshed token is picked up without a restart.
	TokenFile string
	// TokenCommand is a shell command that prints the JWT, such as a
	// password manager's CLI.
	TokenCommand string
	// APIKey is sent as x-api-key.
	APIKey Secret
	// WalletAddress narrows --all to the intents of one wallet: "0x" and
	// 40 hex digits, or "".
	WalletAddress string
}

// StuckFile is the [stuck] table: how long an intent may stay in each
// stage before it is flagged as stuck.
type StuckFile struct {
	Pending   Duration
	Validated Duration
	Placed    Duration
	Filled    Duration
	TxnFilled Duration
}

// Thresholds converts the table to the engine's type.
func (s StuckFile) Thresholds() engine.Thresholds {
	return engine.Thresholds{
		Pending:   time.Duration(s.Pending),
		Validated: time.Duration(s.Validated),
		Placed:    time.Duration(s.Placed),
		Filled:    time.Duration(s.Filled),
		TxnFilled: time.Duration(s.TxnFilled),
	}
}

// MinInterval is the shortest poll interval: faster polling would spend
// the rate budget without showing anything a person could act on.
const MinInterval = 500 * time.Millisecond

// DefaultInterval is the refresh interval when neither the file nor
// --interval sets one: the engine's, which is the one default.
const DefaultInterval = engine.DefaultInterval

// DefaultFile returns the configuration used for every key the file
// leaves out.
func DefaultFile() File {
	th := engine.DefaultThresholds
	return File{
		Interval:     Duration(DefaultInterval),
		Timezone:     "Local",
		KeepFinished: Duration(10 * time.Minute),
		Kalshi:       KalshiFile{Env: "prod", Push: true, ReconcileInterval: Duration(30 * time.Second)},
		Stuck: StuckFile{
			Pending:   Duration(th.Pending),
			Validated: Duration(th.Validated),
			Placed:    Duration(th.Placed),
			Filled:    Duration(th.Filled),
			TxnFilled: Duration(th.TxnFilled),
		},
	}
}
