package cli

import (
	"runtime/debug"
	"strings"
)

// releaseTag is the release the binary was built as, set with
// go build -ldflags "-X ordermon/internal/cli.releaseTag=v1.2.0".
var releaseTag string

// version describes the build for --version: the release tag when there is
// one, else the module version, with the VCS revision once and
// "(modified)" when the tree was dirty. title is the same for the screen's
// title bar, or "" for a development build with nothing better to say.
func version() (full, title string) {
	bi, _ := debug.ReadBuildInfo()
	return describeVersion(releaseTag, bi)
}

func describeVersion(tag string, bi *debug.BuildInfo) (full, title string) {
	if tag != "" {
		return tag, tag
	}
	if bi == nil {
		return "devel", ""
	}
	v, modified := bi.Main.Version, false
	if cut, ok := strings.CutSuffix(v, "+dirty"); ok {
		v, modified = cut, true
	}
	if v == "(devel)" || v == "" {
		v = ""
	}
	title = v
	rev := ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(len(s.Value), 12)]
		case "vcs.modified":
			modified = modified || s.Value == "true"
		}
	}
	parts := []string{v}
	if v == "" {
		parts = []string{"devel"}
	}
	if rev != "" && !strings.Contains(v, rev) {
		parts = append(parts, rev)
	}
	if modified {
		parts = append(parts, "(modified)")
	}
	return strings.Join(parts, " "), title
}
