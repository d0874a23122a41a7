package config

import (
	"fmt"
	"io"
	"ordermon/internal/engine"
	"strings"
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
	}
	if o.KalshiEnabled() {
		if err := checkSecretFile(k.PrivateKeyFile, "private key file", stderr); err != nil {
			return o.errAt("kalshi.private_key_file", env, err.Error())
		}
		warnPlainHTTP(o.KalshiBaseURL, "kalshi.base_url", "signed requests are", stderr)
	}

	if !o.PipelineEnabled() && (p.Token != "" || p.TokenFile != "" || p.TokenCommand != "" || p.APIKey != "") {
		return &ConfigError{Key: "pipeline.base_url",
			Msg: "a token or API key for the intent service is set, but not where the service is: set pipeline.base_url or ORDERMON_PIPELINE_URL"}
	}
	if p.TokenFile != "" {
		if err := checkSecretFile(p.TokenFile, "token file", stderr); err != nil {
			return o.errAt("pipeline.token_file", env, err.Error())
		}
	}
	if o.PipelineEnabled() && (p.Token != "" || p.TokenFile != "" || p.TokenCommand != "" || p.APIKey != "") {
		warnPlainHTTP(p.BaseURL, "pipeline.base_url", "the token or API key is", stderr)
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
func (o *Options) errAt(key string, env func(string) string, msg string) error {
	if k, _ := lookupKey(key); k.env != "" && strings.TrimSpace(env(k.env)) != "" {
		return &ConfigError{Key: k.env, Msg: msg}
	}
	if o.ConfigFound {
		return &ConfigError{Path: o.ConfigPath, Key: key, Msg: msg}
	}
	return &ConfigError{Key: key, Msg: msg}
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
		"  For Kalshi, set kalshi.api_key_id and kalshi.private_key_file in " + cleanMsg(where) + ",",
		"    or the environment variables KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE.",
		"  For the intent service, set pipeline.base_url there, or ORDERMON_PIPELINE_URL,",
		"    and pipeline.token, token_file or token_command if it wants a JWT.",
		"  To look around without either, run: ordermon --demo",
	}, "\n")
}

// warnPlainHTTP warns when credentials would cross the network unencrypted.
func warnPlainHTTP(url, key, what string, stderr io.Writer) {
	if strings.HasPrefix(url, "http://") && !isLoopback(url) {
		fmt.Fprintf(stderr, "WARNING: %s uses http://, so %s sent unencrypted; use https://\n", key, what)
	}
}
