package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"ordermon/internal/config"
)

func TestDescribeVersion(t *testing.T) {
	info := func(v string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Version: v}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "0c498b0e7890cc4a9708b443c42eacf557a5b3c4"
	for _, tc := range []struct {
		name        string
		tag         string
		bi          *debug.BuildInfo
		full, title string
	}{
		{"release tag", "v1.2.0", info("(devel)", "vcs.revision", rev), "v1.2.0", "v1.2.0"},
		{"module version", "", info("v1.3.0"), "v1.3.0", "v1.3.0"},
		{"pseudo-version carries the revision once", "", info("v0.0.0-20261130122136-0c498b0e7890", "vcs.revision", rev, "vcs.modified", "false"),
			"v0.0.0-20261130122136-0c498b0e7890", "v0.0.0-20261130122136-0c498b0e7890"},
		{"dirty", "", info("v0.0.0-20261130122136-0c498b0e7890+dirty", "vcs.revision", rev, "vcs.modified", "true"),
			"v0.0.0-20261130122136-0c498b0e7890 (modified)", "v0.0.0-20261130122136-0c498b0e7890"},
		{"devel with a revision", "", info("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "devel 0c498b0e7890 (modified)", ""},
		{"devel", "", info("(devel)"), "devel", ""},
		{"no build info", "", nil, "devel", ""},
	} {
		full, title := describeVersion(tc.tag, tc.bi)
		if full != tc.full || title != tc.title {
			t.Errorf("%s: got %q, %q; want %q, %q", tc.name, full, title, tc.full, tc.title)
		}
		if strings.Contains(full+title, "(devel)") {
			t.Errorf("%s: %q says (devel)", tc.name, full)
		}
	}
}

// TestVersionFromReleaseTag builds the binary as a release is built.
func TestVersionFromReleaseTag(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "ordermon")
	build := exec.Command("go", "build", "-ldflags", "-X ordermon/internal/cli.releaseTag=v9.8.7", "-o", bin, "ordermon")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	r := runIn(t, t.TempDir(), nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "ordermon ") || strings.Contains(r.stdout, "(devel)") {
		t.Errorf("the test binary's --version: %s", r)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || string(out) != "ordermon v9.8.7\n" {
		t.Errorf("--version = %q, %v; want the release tag", out, err)
	}
}

// flagNames lists every flag as a user types it.
func flagNames() []string {
	var names []string
	for _, f := range flagTable {
		names = append(names, "--"+f.Long)
		if f.Short != "" {
			names = append(names, "-"+f.Short)
		}
	}
	return names
}

// TestCompletions checks each shell's script is valid for that shell and
// completes every flag of the table.
func TestCompletions(t *testing.T) {
	t.Parallel()
	syntax := map[string][]string{"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}}
	for _, shell := range completionShells {
		r := runIn(t, t.TempDir(), nil, "completion", shell)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("completion %s: %s", shell, r)
		}
		for _, name := range flagNames() {
			bare := strings.TrimLeft(name, "-")
			if !strings.Contains(r.stdout, name) && !strings.Contains(r.stdout, " -l "+bare) && !strings.Contains(r.stdout, " -s "+bare) {
				t.Errorf("%s completion lacks %s", shell, name)
			}
		}
		check := syntax[shell]
		if _, err := exec.LookPath(check[0]); err != nil {
			t.Logf("%s not installed; syntax not checked (.ci/run installs it)", check[0])
			continue
		}
		cmd := exec.Command(check[0], check[1:]...)
		cmd.Stdin = strings.NewReader(r.stdout)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s rejects its completion script: %v\n%s", shell, err, out)
		}
	}
	r := runIn(t, t.TempDir(), nil, "completion", "powershell")
	if r.code != 2 || !strings.Contains(r.stderr, "bash|zsh|fish") {
		t.Errorf("an unknown shell: %s", r)
	}
}

// TestBashCompletionCompletes runs the bash script's function as bash
// would on "ordermon --e<TAB>" and "ordermon --env <TAB>".
func TestBashCompletionCompletes(t *testing.T) {
	t.Parallel()
	script := runIn(t, t.TempDir(), nil, "completion", "bash").stdout
	for words, want := range map[string]string{"ordermon --e": "--exit-status --env", "ordermon --env ": "prod demo", "ordermon comp": "completion"} {
		fields := strings.Fields(words)
		if strings.HasSuffix(words, " ") {
			fields = append(fields, "")
		}
		cmd := exec.Command("bash", "-c", script+`
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ordermon; echo "${COMPREPLY[*]}"`, "bash")
		cmd.Args = append(cmd.Args, fields...)
		out, err := cmd.Output()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("%q completes to %q (%v), want %q", words, out, err, want)
		}
	}
}

// TestManPage checks the manual names every flag, variable and exit code,
// and that groff and man render it without a warning.
func TestManPage(t *testing.T) {
	t.Parallel()
	r := runIn(t, t.TempDir(), nil, "--man")
	if r.code != 0 || !strings.HasPrefix(r.stdout, ".TH ORDERMON 1") {
		t.Fatalf("--man: %s", r)
	}
	roff := strings.ReplaceAll(r.stdout, `\-`, "-")
	for _, name := range flagNames() {
		if !strings.Contains(roff, `\fB`+name+`\fR`) {
			t.Errorf("the manual lacks %s", name)
		}
	}
	for _, v := range config.EnvVars() {
		if !strings.Contains(roff, v.Name) {
			t.Errorf("the manual lacks %s", v.Name)
		}
	}
	// A variable that also sets keys aside says so.
	if !strings.Contains(roff, "Overrides \\fBpipeline.token\\fR, and sets aside pipeline.token_file and pipeline.token_command.") {
		t.Error("the manual does not say that ORDERMON_PIPELINE_TOKEN sets aside token_file and token_command")
	}
	for _, c := range exitCodes {
		if !strings.Contains(roff, ".B "+c.Code+"\n") {
			t.Errorf("the manual lacks exit code %s", c.Code)
		}
	}
	if _, err := exec.LookPath("groff"); err != nil {
		t.Log("groff not installed; rendering not checked (.ci/run installs it)")
		return
	}
	cmd := exec.Command("groff", "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(r.stdout)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("groff warns: %v\n%s", err, out)
	}
	man := exec.Command("man", "-l", "-")
	man.Stdin, man.Env = strings.NewReader(r.stdout), append(os.Environ(), "MANPAGER=cat", "MANWIDTH=80")
	if out, err := man.Output(); err != nil || !strings.Contains(string(out), "ORDERMON(1)") || !strings.Contains(string(out), "--no-push") {
		t.Errorf("man -l: %v\n%.400s", err, out)
	}
}

// TestDumbTerminalGetsPlainLines runs the demo on a pseudo-terminal (with
// script(1)) whose TERM is dumb: it prints plain lines, not the screen,
// and says why on one line.
func TestDumbTerminalGetsPlainLines(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) is not installed")
	}
	dir := t.TempDir()
	cmd := exec.Command("script", "-qec", binary+" --demo --timeout 1s", "/dev/null")
	cmd.Dir, cmd.Env = dir, cleanEnv(dir, "TERM=dumb")
	out, err := cmd.Output()
	if cmd.ProcessState.ExitCode() != 4 { // the demo's orders are still open at --timeout
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "ordermon: TERM=dumb, so plain lines instead of the live screen") ||
		strings.Contains(string(out), "\x1b[?1049h") || !strings.Contains(string(out), "timed out after 1s") {
		t.Errorf("want plain lines and one note, got:\n%q", out)
	}
	if got := plainTerminal("xterm-256color"); got != "" {
		t.Errorf("xterm-256color: %q", got)
	}
}

// TestHelp checks --help in-process: it is answered whatever else is
// wrong, goes to standard output alone, documents the IDs, every flag,
// environment variable and exit code, the examples, fits an 80-column
// terminal and holds no secret.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"intent:1", "--help"}, {"--once", "-h", "bad id"}} {
		// A broken configuration must not stop --help.
		env := map[string]string{"ORDERMON_CONFIG": "/nonexistent/config.toml", "ORDERMON_PIPELINE_TOKEN": "eyJHELP-SECRET"}
		var stdout, stderr strings.Builder
		if code := run(args, func(k string) string { return env[k] }, &stdout, &stderr); code != 0 || stderr.Len() > 0 {
			t.Fatalf("%q: exit %d, stderr %q; want 0 and the help on stdout only", args, code, stderr.String())
		}
		want := []string{
			"ordermon [flags] [ID...]",
			"intent:<id>", "kalshi:<id>",
			"-i, --interval DURATION", "--once", "--json", "--exit-status", "--timeout DURATION",
			"--demo", "--env prod|demo", "--utc", "--log FILE", "--config FILE", "--version",
			"$ ordermon intent:123",
			"$ ordermon --once --json kalshi:ORD-1 | jq",
			"$ ordermon --demo",
			"$ ordermon --exit-status --timeout 10m intent:123 && notify-send done",
			"EXIT CODES",
			"0  Fine", "1  With --exit-status: an order failed", "2  Usage or configuration error; nothing was sent",
			"3  A source could not be reached", "4  ordermon stopped",
		}
		for _, v := range config.EnvVars() {
			want = append(want, v.Name)
		}
		want = append(want, "pipeline.token\n"+strings.Repeat(" ", 32)+"and sets aside token_file and token_command")
		for _, w := range want {
			if !strings.Contains(stdout.String(), w) {
				t.Errorf("%q: usage does not contain %q", args, w)
			}
		}
		if strings.Contains(stdout.String(), "HELP-SECRET") {
			t.Errorf("%q: the help shows a secret", args)
		}
	}
	for i, line := range strings.Split(usage(), "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("usage line %d is %d columns: %q", i+1, n, line)
		}
	}
}

// TestHelpGoesToStdout checks Main prints the help on the real standard
// output.
func TestHelpGoesToStdout(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	code := Main([]string{"ordermon", "--help"})
	os.Stdout = saved
	_ = w.Close()
	out, _ := io.ReadAll(r)
	if code != 0 || !strings.Contains(string(out), "EXIT CODES") {
		t.Errorf("Main(--help) = %d, printed %d bytes", code, len(out))
	}
}
