package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"

	"ordermon/internal/safefile"
	"ordermon/internal/textsafe"
)

// TokenCommandTimeout bounds one run of a token command, so a password
// manager waiting for input cannot hang ordermon.
const TokenCommandTimeout = 10 * time.Second

// maxTokenSize caps what a token file or command may produce; a JWT is a
// few kilobytes at most.
const maxTokenSize = 64 << 10

// TokenSource says where the intent service's JWT comes from: the
// configuration's pipeline.token (or ORDERMON_PIPELINE_TOKEN), token_file
// or token_command. At most one is set; the configuration checks that.
type TokenSource struct {
	// Token is the JWT itself.
	Token string
	// File holds the JWT; it is read on every fetch, so a refreshed token
	// is picked up without a restart.
	File string
	// Command prints the JWT (sh -c), such as a password manager's CLI.
	Command string
}

// Fetcher returns a function that gets the JWT from the source, or nil
// when no source is set, which IntentConfig.Token reads as "send none";
// and a function that stops it for good, which the program must call
// before it exits.
//
// The file is read and the command run on every call; CachingToken wraps
// the function so that happens only when the token is due. The function
// is safe for concurrent use: callers that ask while the command runs
// share its one run, and a run that failed is not repeated for
// failureReuse after it ended, so one need never runs the command twice.
// Errors never contain the token, nor anything the command printed on
// standard output.
//
// The command runs on a goroutine of its own, which a caller that gives up
// does not wait for, and os.Exit waits for no goroutine: only stop makes
// sure no child of the command outlives ordermon. It kills the command in
// flight, process group and all, returns once it has ended (stopWait at
// most), and makes every later call fail without running the command.
func (s TokenSource) Fetcher() (fetch func(context.Context) (string, error), stop func()) {
	switch {
	case s.Token != "":
		return func(context.Context) (string, error) { return s.Token, nil }, func() {}
	case s.File != "":
		return func(context.Context) (string, error) { return readTokenFile(s.File) }, func() {}
	case s.Command != "":
		r := &sharedRun{run: func(ctx context.Context) (string, error) {
			return runTokenCommand(ctx, s.Command, TokenCommandTimeout)
		}, now: time.Now}
		return r.get, func() { r.stop(stopWait) }
	}
	return nil, func() {}
}

// CheckToken says what is wrong with a JWT or API key, or returns "": it
// goes into an HTTP header, where whitespace or controls would break the
// request or smuggle another header. The phrase follows the setting's name
// and never includes the value.
func CheckToken(tok string) string {
	if tok == "" {
		return "is empty"
	}
	for _, r := range tok {
		if r <= ' ' || r == 0x7f {
			return "contains whitespace or control characters (more than one line?)"
		}
		if r >= 0x80 {
			return "contains non-ASCII characters"
		}
	}
	return ""
}

// readTokenFile reads a JWT from a file, ignoring surrounding whitespace.
func readTokenFile(path string) (string, error) {
	name := textsafe.Short(path, textsafe.PartMax)
	b, err := safefile.ReadFile(path, maxTokenSize)
	if errors.Is(err, safefile.ErrTooLarge) {
		return "", fmt.Errorf("pipeline.token_file %s: larger than 64 KiB; it should hold only the token", name)
	}
	if err != nil {
		return "", fmt.Errorf("pipeline.token_file %s: %s", name, safefile.Why(err))
	}
	tok := strings.TrimSpace(string(b))
	if msg := CheckToken(tok); msg != "" {
		return "", fmt.Errorf("pipeline.token_file %s: the token %s", name, msg)
	}
	return tok, nil
}

// runTokenCommand runs a shell command and takes the JWT from its
// standard output. Its standard error is quoted in errors to explain a
// failure (after removing anything that looks like the token); its
// standard output never is.
func runTokenCommand(ctx context.Context, command string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	stdout := &capBuffer{max: maxTokenSize}
	stderr := &capBuffer{max: 4 << 10}
	// Stdin stays empty so the command cannot steal the live screen's
	// keystrokes. The command gets its own process group, which is killed
	// whole on timeout, on cancel and as soon as the command ends, so no
	// child it started outlives it or holds its output open.
	ownGroup(cmd)
	runErr := runGrouped(cmd, stdout, stderr)

	tok := strings.TrimSpace(stdout.buf.String())
	excerpt := func() string {
		e := stderr.buf.Bytes()
		if tok != "" {
			e = bytes.ReplaceAll(e, []byte(tok), []byte(redacted))
		}
		// A failing command may print a token on standard error only
		// (jq quoting the value it choked on, say), where there is no
		// stdout to match it against: anything shaped like a JWT goes.
		e = jwtShaped.ReplaceAll(e, []byte(redacted))
		if s := textsafe.Excerpt(e, 200); s != "" {
			return "; it said: " + s
		}
		return ""
	}
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "", fmt.Errorf("pipeline.token_command did not finish in time (ordermon waits %s at most)%s", timeout, excerpt())
	case ctx.Err() != nil:
		return "", fmt.Errorf("pipeline.token_command: %w", ctx.Err())
	case runErr != nil:
		var ee *exec.ExitError
		if errors.As(runErr, &ee) {
			return "", fmt.Errorf("pipeline.token_command failed (%s)%s", ee.ProcessState, excerpt())
		}
		return "", fmt.Errorf("pipeline.token_command could not be run: %s", textsafe.Excerpt([]byte(runErr.Error()), 200))
	case stdout.over:
		return "", fmt.Errorf("pipeline.token_command printed more than 64 KiB; it should print only the token")
	case tok == "":
		return "", fmt.Errorf("pipeline.token_command printed nothing on standard output%s", excerpt())
	}
	if msg := CheckToken(tok); msg != "" {
		return "", fmt.Errorf("pipeline.token_command's output %s; it should print only the token", msg)
	}
	return tok, nil
}

// runGrouped runs cmd with its output going to stdout and stderr through
// pipes of its own, so that Wait returns when the command itself ends;
// then it kills the command's group, whose members would otherwise keep
// the pipes open, and collects the output. A child that left the group
// gets a second before its pipes are closed under it.
func runGrouped(cmd *exec.Cmd, stdout, stderr io.Writer) error {
	var readers []*os.File
	var copies sync.WaitGroup
	for _, p := range []struct {
		to  *io.Writer
		dst io.Writer
	}{{&cmd.Stdout, stdout}, {&cmd.Stderr, stderr}} {
		r, w, err := os.Pipe()
		if err != nil {
			return err
		}
		defer w.Close()
		*p.to = w
		readers = append(readers, r)
		copies.Go(func() { _, _ = io.Copy(p.dst, r) })
	}
	err := cmd.Start()
	// The child has its own copies of the write ends; closing ours lets
	// the readers see the end of the output.
	_ = cmd.Stdout.(*os.File).Close()
	_ = cmd.Stderr.(*os.File).Close()
	if err == nil {
		err = cmd.Wait()
		killGroup(cmd)
	}
	closeAll := func() {
		for _, r := range readers {
			_ = r.Close() // a read end: nothing was written to lose
		}
	}
	stop := time.AfterFunc(time.Second, closeAll)
	copies.Wait()
	stop.Stop()
	closeAll()
	return err
}

// failureReuse is how long a failed token_command's error is given to
// callers instead of running the command again: long enough that the
// checks of one round share one run, short enough that the next round
// tries again.
const failureReuse = time.Second

// stopWait bounds how long stop waits for a killed command to end. Once
// its group is killed the command ends in milliseconds; runGrouped may
// then wait a second for a child that left the group and holds the
// output open. The rest is slack for a loaded machine: the wait ends
// early in every case but a process the kernel cannot kill (stuck on a
// dead network file system), which must not hang ordermon's exit.
const stopWait = 3 * time.Second

// errStopped is what a fetch returns once the fetcher is stopped.
var errStopped = errors.New("pipeline.token_command: not run, ordermon is stopping")

// sharedRun runs a fetch at most once at a time: callers that arrive while
// it runs wait for its result (or their own context), and a failure is
// handed out again for failureReuse after the run ended.
type sharedRun struct {
	run func(context.Context) (string, error)
	now func() time.Time

	mu      sync.Mutex
	running chan struct{}      // closed when the run in flight ends; nil when none
	cancel  context.CancelFunc // cancels the run in flight
	stopped bool               // stop was called: run nothing more
	tok     string
	err     error
	failed  time.Time // when the last run failed
}

func (s *sharedRun) get(ctx context.Context) (string, error) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return "", errStopped
	}
	if s.running == nil && s.err != nil && s.now().Sub(s.failed) < failureReuse {
		err := s.err
		s.mu.Unlock()
		return "", err
	}
	done := s.running
	if done == nil {
		done = make(chan struct{})
		// The run has the context of the caller that started it (so its
		// Ctrl+C kills the command at once), and one of its own for stop.
		runCtx, cancel := context.WithCancel(ctx)
		s.running, s.cancel = done, cancel
		go s.fetch(runCtx, cancel, done)
	}
	s.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return "", fmt.Errorf("pipeline.token_command: %w", ctx.Err())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok, s.err
}

// fetch runs the command and publishes the result; cancel releases the
// run's context.
func (s *sharedRun) fetch(ctx context.Context, cancel context.CancelFunc, done chan struct{}) {
	tok, err := s.run(ctx)
	s.mu.Lock()
	s.tok, s.err, s.running, s.cancel = tok, err, nil, nil
	s.failed = time.Time{}
	if err != nil && ctx.Err() == nil {
		// A run its caller canceled is not a failure the next caller
		// should inherit.
		s.failed = s.now()
	}
	s.mu.Unlock()
	cancel()
	close(done)
}

// stop refuses every later run, cancels the run in flight (which kills
// the command's process group: see ownGroup) and waits up to wait for it
// to end, so that when stop returns the group has been killed and the
// command reaped.
func (s *sharedRun) stop(wait time.Duration) {
	s.mu.Lock()
	s.stopped = true
	done := s.running
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
	if done == nil {
		return
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// redacted replaces a token found in a command's standard error.
const redacted = "[redacted]"

// jwtShaped matches a JWT, or a long start of one cut short: every JWT
// begins with the base64url of `{"`, which is "eyJ".
var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+){1,2}\.?|eyJ[A-Za-z0-9_-]{10,}`)

// capBuffer keeps the first max bytes written to it and notes whether
// more came, so a runaway command cannot fill memory.
type capBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

// Write keeps what fits and reports everything written, so the command
// is not killed by a broken pipe.
func (c *capBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room < len(p) {
		c.over = true
		c.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	c.buf.Write(p)
	return len(p), nil
}
