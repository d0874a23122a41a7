package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// userConfigDir is os.UserConfigDir reading the given environment, so that
// tests (and Parse's callers) decide which directory is used.
func userConfigDir(env func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if dir := env("AppData"); dir != "" {
			return dir, nil
		}
		return "", fmt.Errorf("%%AppData%% is not set")
	case "darwin", "ios":
		if home := env("HOME"); home != "" {
			return filepath.Join(home, "Library", "Application Support"), nil
		}
		return "", fmt.Errorf("$HOME is not set")
	case "plan9":
		if home := env("home"); home != "" {
			return filepath.Join(home, "lib"), nil
		}
		return "", fmt.Errorf("$home is not set")
	}
	if dir := env("XDG_CONFIG_HOME"); dir != "" && filepath.IsAbs(dir) {
		return dir, nil
	}
	if home := env("HOME"); home != "" {
		return filepath.Join(home, ".config"), nil
	}
	return "", fmt.Errorf("neither $XDG_CONFIG_HOME nor $HOME is set")
}

// configPath picks the configuration file: --config, else
// $ORDERMON_CONFIG, else the default location. namedBy says which of the
// first two named it, and is "" for the default, which may be missing.
// Without a home directory there is no default, and path is "": that only
// matters if nothing else configures a source, which the checks report.
func configPath(flagPath string, env func(string) string) (path, namedBy string) {
	if flagPath != "" {
		return expandHome(flagPath, env), "--config"
	}
	if p := env("ORDERMON_CONFIG"); p != "" {
		return expandHome(p, env), "ORDERMON_CONFIG"
	}
	dir, err := userConfigDir(env)
	if err != nil {
		return "", ""
	}
	return filepath.Join(dir, "ordermon", "config.toml"), ""
}

// expandHome replaces a leading "~/" with the home directory, since a
// path in a TOML file or a quoted variable never reaches a shell that
// would do it.
func expandHome(p string, env func(string) string) string {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		if home := env("HOME"); home != "" {
			return filepath.Join(home, p[1:])
		}
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// resolvePath makes a path from the configuration file usable: "~/"
// expanded, and a relative path taken relative to the file's directory
// so that it does not depend on where ordermon is started.
func resolvePath(p, configFile string, env func(string) string) string {
	if p == "" {
		return ""
	}
	p = expandHome(p, env)
	if !filepath.IsAbs(p) && configFile != "" {
		p = filepath.Join(filepath.Dir(configFile), p)
	}
	return p
}
