// Command ordermon watches orders placed through the intent service and on
// Kalshi, live, and says what is wrong when one is stuck. Run it with
// --help for flags, modes and exit codes.
package main

import (
	"os"

	"ordermon/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args))
}
