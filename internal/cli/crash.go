package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"ordermon/internal/headless"
)

// crashGuard turns a panic in the headless modes into a short message and a
// crash report, instead of a stack dump over the user's terminal. The live
// screen catches its own panics (restoring the terminal first) and returns
// them as ui.PanicError.
func crashGuard(code *int, stderr io.Writer, opts *Options) {
	if r := recover(); r != nil {
		*code = crashed(stderr, r, debug.Stack(), opts)
	}
}

// crashed writes a crash report with every configured secret removed and
// tells the user where it is.
func crashed(stderr io.Writer, value any, stack []byte, opts *Options) int {
	full, _ := version()
	report := fmt.Sprintf("ordermon %s crashed at %s\n\npanic: %v\n\n%s\nconfiguration:\n%s\n",
		full, time.Now().UTC().Format(time.RFC3339), value, stack, opts.Redacted())
	report = redact(report, opts)
	// A new file with a random name (O_EXCL, mode 0600): a name another
	// user of the temporary directory could guess and plant a symlink at
	// would let them aim the report at a file of ours.
	f, err := os.CreateTemp("", "ordermon-crash-*.txt")
	if err == nil {
		_, err = f.WriteString(report)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		fmt.Fprintln(stderr, "ordermon: internal error; the crash report could not be written:", err)
		return headless.ExitUnknown
	}
	fmt.Fprintf(stderr, "ordermon: internal error, sorry. A crash report is at %s — please attach it to a bug report.\n", f.Name())
	return headless.ExitUnknown
}

// redact removes every secret the configuration holds from s, in case a
// panic value carried one.
func redact(s string, opts *Options) string {
	for _, secret := range []string{opts.File.Pipeline.Token.Reveal(), opts.File.Pipeline.APIKey.Reveal()} {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}
