package config

import (
	"ordermon/internal/engine"
	"time"
)

// File is the configuration file, config.toml. Every key is optional;
// DefaultFile holds the values of keys that are left out. The TOML key of
// each field is in its tag, and config.example.toml at the repository
// root documents them all.
type File struct {
	// Interval is how often every watched order is refreshed; at least
	// MinInterval.
	Interval Duration `toml:"interval"`
	// Timezone is "Local", "UTC" or an IANA zone such as
	// "America/New_York"; every time shown is in it, and says so.
	Timezone string `toml:"timezone"`
	// Bell rings the terminal bell when a watched order completes or
	// fails on the live screen.
	Bell     bool         `toml:"bell"`
	Kalshi   KalshiFile   `toml:"kalshi"`
	Pipeline PipelineFile `toml:"pipeline"`
	Stuck    StuckFile    `toml:"stuck"`
}

// KalshiFile is the [kalshi] table: where Kalshi is and how to sign in.
type KalshiFile struct {
	// Env is "prod" or "demo"; it picks the base URL unless BaseURL is set.
	Env string `toml:"env"`
	// BaseURL overrides Env, e.g.
	// "https://external-api.kalshi.com/trade-api/v2".
	BaseURL string `toml:"base_url"`
	// APIKeyID is the key ID Kalshi shows next to the API key. It names
	// the key and is not itself a secret.
	APIKeyID string `toml:"api_key_id"`
	// PrivateKeyFile is the path of the PEM private key (RSA, PKCS#1 or
	// PKCS#8, or Ed25519). In the file a relative path is relative to the
	// file's directory, and "~/" is the home directory.
	PrivateKeyFile string `toml:"private_key_file"`
	// Tier is the account's API usage tier, which sets the rate budget:
	// one of Tiers. Empty (the default) means the budget Kalshi reports
	// for the account (GET /account/limits); set, it overrides that.
	Tier string `toml:"tier"`
}

// PipelineFile is the [pipeline] table: the intent service. At most one
// of Token, TokenFile and TokenCommand may be set.
type PipelineFile struct {
	// BaseURL is the intent service's root, e.g. "https://swap-api.flux.fun".
	BaseURL string `toml:"base_url"`
	// Token is a JWT sent as "Authorization: Bearer".
	Token Secret `toml:"token"`
	// TokenFile is a file holding the JWT, read each time a token is
	// needed so a refreshed token is picked up without a restart.
	TokenFile string `toml:"token_file"`
	// TokenCommand is a shell command that prints the JWT, such as a
	// password manager's CLI.
	TokenCommand string `toml:"token_command"`
	// APIKey is sent as x-api-key.
	APIKey Secret `toml:"api_key"`
}

// StuckFile is the [stuck] table: how long an intent may stay in each
// stage before it is flagged as stuck.
type StuckFile struct {
	Pending   Duration `toml:"pending"`
	Validated Duration `toml:"validated"`
	Placed    Duration `toml:"placed"`
	Filled    Duration `toml:"filled"`
	TxnFilled Duration `toml:"txn_filled"`
}

// Thresholds converts the table to the pipeline's type.
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

// Tiers lists Kalshi's API usage tiers, lowest first.
var Tiers = []string{"basic", "advanced", "expert", "premier", "paragon", "prime", "prestige"}

// readBudgets are the read tokens per second of each tier, from Kalshi's
// rate limit page (the scheme live since April 2026).
var readBudgets = map[string]int{
	"basic":    200,
	"advanced": 300,
	"expert":   600,
	"premier":  1000,
	"paragon":  2000,
	"prime":    4000,
	"prestige": 10000,
}

// DefaultFile returns the configuration used for every key the file
// leaves out.
func DefaultFile() File {
	th := engine.DefaultThresholds
	return File{
		Interval: Duration(2 * time.Second),
		Timezone: "Local",
		Kalshi:   KalshiFile{Env: "prod"},
		Stuck: StuckFile{
			Pending:   Duration(th.Pending),
			Validated: Duration(th.Validated),
			Placed:    Duration(th.Placed),
			Filled:    Duration(th.Filled),
			TxnFilled: Duration(th.TxnFilled),
		},
	}
}
