package config

import (
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"runtime"
	"strconv"
	"strings"

	"ordermon/internal/engine"
	"ordermon/internal/safefile"
	"ordermon/internal/textsafe"
)

// checkSources checks that the configured sources are complete and usable
// and that each target can be looked up in one of them, before anything
// is sent.
func (o *Options) checkSources(env func(string) string, stderr io.Writer) error {
	k, p := o.File.Kalshi, o.File.Pipeline
	switch {
	case k.APIKeyID != "" && k.PrivateKeyFile == "":
		return o.errAt("kalshi.api_key_id", env,
			"is set, so the private key is needed too: set kalshi.private_key_file or KALSHI_PRIVATE_KEY_FILE")
	case k.APIKeyID == "" && k.PrivateKeyFile != "":
		return o.errAt("kalshi.private_key_file", env,
			"is set, so the key's ID is needed too: set kalshi.api_key_id or KALSHI_API_KEY_ID")
	case o.KalshiEnabled():
		if err := checkSecretFile(k.PrivateKeyFile, "private key file", stderr); err != nil {
			return o.errAt("kalshi.private_key_file", env, err.Error())
		}
	}

	creds := p.Token != "" || p.TokenFile != "" || p.TokenCommand != "" || p.APIKey != ""
	switch {
	case creds && !o.PipelineEnabled():
		return &ConfigError{Key: "pipeline.base_url",
			Msg: "a token or API key for the intent service is set, but not where the service is: set pipeline.base_url or ORDERMON_PIPELINE_URL"}
	case p.TokenFile != "":
		if err := checkSecretFile(p.TokenFile, "token file", stderr); err != nil {
			return o.errAt("pipeline.token_file", env, err.Error())
		}
	}

	if !o.KalshiEnabled() && !o.PipelineEnabled() {
		return &ConfigError{Msg: o.nothingConfigured()}
	}
	for _, t := range o.Targets {
		switch {
		case t.Kind == engine.KindIntent && !o.PipelineEnabled():
			return &ConfigError{Msg: t.String() + " is an intent, but the intent service is not configured: set pipeline.base_url or ORDERMON_PIPELINE_URL"}
		case t.Kind == engine.KindKalshi && !o.KalshiEnabled():
			return &ConfigError{Msg: t.String() + " is a Kalshi order, but Kalshi is not configured: set kalshi.api_key_id and kalshi.private_key_file, or KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE"}
		}
	}
	return nil
}

// errAt builds an error about a setting, naming the environment variable
// when that is where the value came from and the file otherwise.
func (o *Options) errAt(name string, env func(string) string, msg string) error {
	for _, k := range keys {
		if k.name == name && k.env != "" && strings.TrimSpace(env(k.env)) != "" {
			return &ConfigError{Key: k.env, Msg: msg}
		}
	}
	if o.ConfigFound {
		return &ConfigError{Path: o.ConfigPath, Key: name, Msg: msg}
	}
	return &ConfigError{Key: name, Msg: msg}
}

// nothingConfigured says exactly what to set when no source is.
func (o *Options) nothingConfigured() string {
	where := "the configuration file"
	if o.ConfigPath != "" {
		where = o.ConfigPath
		if !o.ConfigFound {
			where += " (which does not exist yet)"
		}
	}
	return strings.Join([]string{
		"nothing to watch with: neither Kalshi nor the intent service is configured.",
		"  For Kalshi, set kalshi.api_key_id and kalshi.private_key_file in " + textsafe.Short(where, 200) + ",",
		"    or the environment variables KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE.",
		"  For the intent service, set pipeline.base_url there, or ORDERMON_PIPELINE_URL,",
		"    and pipeline.token, token_file or token_command if it wants a JWT.",
		"  To look around without either, run: ordermon --demo",
	}, "\n")
}

// checkSecretFile makes sure a file holding a secret is a regular file
// that can be opened, and warns when others can read it. kind names the
// file in the warning.
func checkSecretFile(path, kind string, stderr io.Writer) error {
	f, err := safefile.OpenRead(path)
	if err != nil {
		return fmt.Errorf("%s: %s", textsafe.Short(path, 200), safefile.Why(err))
	}
	defer func() { _ = f.Close() }() // opened to read: nothing to lose
	if st, err := f.Stat(); err == nil {
		warnIfShared(path, st.Mode(), kind, "", stderr)
	}
	return nil
}

// warnIfShared warns, as ssh does, when a file holding a secret can be
// read by group or others. Windows has no such mode bits.
func warnIfShared(path string, mode fs.FileMode, kind, what string, stderr io.Writer) {
	if perm := mode.Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		fmt.Fprintf(stderr, "WARNING: %s %s %sis readable by others (mode %04o); chmod 600 it\n", kind, textsafe.Short(path, 200), what, perm)
	}
}

// settings lists the configuration in force from the key table, secrets
// as "[redacted]" (or "" when not set, so that "is it set?" can still be
// answered). The private key file's path is shown; this package never
// reads its contents.
func (o *Options) settings() []slog.Attr {
	cfg := o.ConfigPath
	if cfg != "" && !o.ConfigFound {
		cfg += " (not found)"
	}
	ss := []slog.Attr{slog.String("config", cfg)}
	for _, k := range keys {
		ss = append(ss, slog.String(k.name, k.show(&o.File)))
	}
	targets := make([]string, len(o.Targets))
	for i, t := range o.Targets {
		targets[i] = t.String()
	}
	ss = append(ss, slog.String("targets", strings.Join(targets, " ")), slog.String("flags", strings.Join(o.given, " ")))
	for i := range ss {
		ss[i].Value = slog.StringValue(textsafe.Clean(ss[i].Value.String()))
	}
	return ss
}

// Redacted returns the configuration in force, one "key = value" line per
// setting, with the token and API key shown as "[redacted]", for a debug
// log or a support ticket. Values are sanitized for a terminal.
func (o *Options) Redacted() string {
	var b strings.Builder
	for _, s := range o.settings() {
		b.WriteString(s.Key + " = " + strconv.Quote(s.Value.String()) + "\n")
	}
	return b.String()
}

// LogValue makes slog log the redacted configuration as a group.
func (o *Options) LogValue() slog.Value { return slog.GroupValue(o.settings()...) }

// String returns Redacted, so printing Options with fmt cannot leak a
// secret either.
func (o *Options) String() string { return o.Redacted() }
