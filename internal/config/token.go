package config

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
	"time"

	"ordermon/internal/textsafe"
)

// TokenCommandTimeout bounds one run of pipeline.token_command, so a
// password manager waiting for input cannot hang ordermon.
const TokenCommandTimeout = 10 * time.Second

// maxTokenSize caps what a token file or command may produce; a JWT is a
// few kilobytes at most.
const maxTokenSize = 64 << 10

// TokenFetcher returns a function that gets the intent service's JWT from
// whichever source is configured — pipeline.token (or
// ORDERMON_PIPELINE_TOKEN), token_file or token_command — or nil when none
// is, which matches pipeline.IntentConfig.Token's "nil sends none".
//
// The file is read and the command run on every call, so a refreshed
// token is picked up; callers cache. The function is safe for concurrent
// use. Errors never contain the token, nor
// anything the command printed on standard output.
func (o *Options) TokenFetcher() func(context.Context) (string, error) {
	p := o.File.Pipeline
	switch {
	case p.Token != "":
		tok := p.Token
		return func(context.Context) (string, error) { return tok.Reveal(), nil }
	case p.TokenFile != "":
		path := p.TokenFile
		return func(context.Context) (string, error) { return readTokenFile(path) }
	case p.TokenCommand != "":
		command := p.TokenCommand
		return func(ctx context.Context) (string, error) {
			return runTokenCommand(ctx, command, TokenCommandTimeout)
		}
	}
	return nil
}

// readTokenFile reads a JWT from a file, ignoring surrounding whitespace.
func readTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("pipeline.token_file %s: %s", cleanMsg(path), pathErrorMsg(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTokenSize+1))
	if err != nil {
		return "", fmt.Errorf("pipeline.token_file %s: %s", cleanMsg(path), pathErrorMsg(err))
	}
	if len(b) > maxTokenSize {
		return "", fmt.Errorf("pipeline.token_file %s: larger than 64 KiB; it should hold only the token", cleanMsg(path))
	}
	tok := strings.TrimSpace(string(b))
	if msg := checkToken(tok); msg != "" {
		return "", fmt.Errorf("pipeline.token_file %s: the token %s", cleanMsg(path), msg)
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
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Stdin stays empty so the command cannot steal the live screen's
	// keystrokes. WaitDelay stops a grandchild that keeps the pipes open
	// from holding Run past the deadline.
	cmd.WaitDelay = time.Second
	runErr := cmd.Run()

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
		return "", fmt.Errorf("pipeline.token_command could not be run: %s", cleanMsg(runErr.Error()))
	case stdout.over:
		return "", fmt.Errorf("pipeline.token_command printed more than 64 KiB; it should print only the token")
	case tok == "":
		return "", fmt.Errorf("pipeline.token_command printed nothing on standard output%s", excerpt())
	}
	if msg := checkToken(tok); msg != "" {
		return "", fmt.Errorf("pipeline.token_command's output %s; it should print only the token", msg)
	}
	return tok, nil
}

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
