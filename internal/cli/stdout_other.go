//go:build !unix

package cli

import "io"

// stdoutClosed cannot tell a closed standard output here.
func stdoutClosed(io.Writer) bool { return false }
