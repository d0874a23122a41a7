package config

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
)

// Source is the configuration file Load chose.
type Source struct {
	// Path is the file the command line named, else $ORDERMON_CONFIG,
	// else the default location. It is "" when no home directory is
	// known: that only matters if nothing else configures a source.
	Path string
	// Found is false when the file at the default location does not
	// exist, which is fine; a file that was named must exist.
	Found bool
}

// Load reads the configuration file over the defaults and the environment
// over the file (env looks a variable up), through the same checks, so
// each error names the file, line and key, or the variable. path is the
// file the command line names, or "". A warning, such as a file that
// holds a secret and that others can read, goes to stderr. Every error
// is a *ConfigError.
func Load(path string, env func(string) string, stderr io.Writer) (File, Source, error) {
	f, src, err := readConfig(path, env, stderr)
	if err == nil {
		err = applyEnv(&f, env)
	}
	return f, src, err
}

// readConfig reads the configuration file over the defaults, with its
// paths resolved.
func readConfig(flagPath string, env func(string) string, stderr io.Writer) (File, Source, error) {
	f := DefaultFile()
	path, namedBy := configPath(flagPath, env)
	src := Source{Path: path}
	if path == "" {
		return f, src, nil
	}
	var err error
	if src.Found, err = readFile(path, namedBy, &f); err != nil || !src.Found {
		return f, src, err
	}
	for _, k := range keys {
		if p, ok := k.field(&f).(*string); ok && k.path && *p != "" {
			if *p = expandHome(*p, env); !filepath.IsAbs(*p) {
				*p = filepath.Join(filepath.Dir(path), *p)
			}
		}
	}
	hasSecret := slices.ContainsFunc(keys, func(k key) bool { return k.secret() && k.show(&f) != "" })
	if st, err := os.Stat(path); err == nil && hasSecret {
		warnIfShared(path, st.Mode(), "configuration file", "holds a secret and ", stderr)
	}
	return f, src, nil
}

// applyEnv lets the environment override the file, through the same
// checks as the file's values.
func applyEnv(f *File, env func(string) string) error {
	for _, k := range keys {
		v := ""
		if k.env != "" {
			v = strings.TrimSpace(env(k.env))
		}
		if v == "" {
			continue
		}
		if err := k.set(f, v); err != nil {
			return &ConfigError{Key: k.env, Msg: err.Error()}
		}
		if p, ok := k.field(f).(*string); ok && k.path {
			*p = expandHome(*p, env)
		}
		for _, name := range k.clears {
			if i := slices.IndexFunc(keys, func(c key) bool { return c.name == name }); i >= 0 {
				p := reflect.ValueOf(keys[i].field(f)).Elem()
				p.Set(reflect.Zero(p.Type()))
			}
		}
	}
	return nil
}

// configPath picks the configuration file: --config, else
// $ORDERMON_CONFIG, else config.toml in the user configuration directory.
// namedBy says which of the first two named it, and is "" for the
// default, which may be missing. Without a home directory there is no
// default, and path is "": that only matters if nothing else configures a
// source, which the checks report.
func configPath(flagPath string, env func(string) string) (path, namedBy string) {
	if flagPath != "" {
		return expandHome(flagPath, env), "--config"
	}
	if p := env("ORDERMON_CONFIG"); p != "" {
		return expandHome(p, env), "ORDERMON_CONFIG"
	}
	// os.UserConfigDir, reading the variables through env so that the
	// caller (a test) decides the directory.
	dir := ".config"
	switch runtime.GOOS {
	case "windows":
		dir = env("AppData")
	case "darwin", "ios":
		dir = filepath.Join("Library", "Application Support")
	default:
		if xdg := env("XDG_CONFIG_HOME"); filepath.IsAbs(xdg) {
			dir = xdg
		}
	}
	if !filepath.IsAbs(dir) {
		if env("HOME") == "" {
			return "", ""
		}
		dir = filepath.Join(env("HOME"), dir)
	}
	return filepath.Join(dir, "ordermon", "config.toml"), ""
}

// expandHome replaces a leading "~/" with the home directory, since a
// path in a TOML file or a quoted variable never reaches a shell that
// would do it.
func expandHome(p string, env func(string) string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p
	}
	home := env("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return p
	}
	return filepath.Join(home, p[1:])
}
