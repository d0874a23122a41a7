// Command ordermon watches orders placed through the intent service and on
// Kalshi, live, and says what is wrong when one is stuck.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "ordermon: not built yet")
	os.Exit(2)
}
