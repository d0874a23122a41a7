package config

import "io"

// usage is the --help text. It is written by hand, like gh's, because the
// flag package's generated list cannot explain IDs, modes or exit codes.
const usage = `Watch orders move through the intent service and Kalshi, live, and see
why one is stuck.

USAGE
  ordermon [flags] [ID...]

IDS
  intent:<id>   an order of the intent service, followed onto Kalshi
  kalshi:<id>   a Kalshi order ID
  <id>          a bare ID: looked up as an intent when the intent service
                is configured (then as a Kalshi order if it is not found),
                otherwise as a Kalshi order

  Flags and IDs may come in any order.

MODES
  When standard output is a terminal, ordermon shows a live screen.
  Otherwise it prints a plain line for every change, until the orders end.
  --once prints the current state and exits; --json prints the same as
  newline-delimited JSON (one object per line).

FLAGS
  -i, --interval DURATION  Refresh every DURATION, like 2s or 750ms; a bare
                           number is seconds (default 2s, minimum 500ms)
      --once               Print the current state once and exit
      --json               Print newline-delimited JSON instead of text
      --exit-status        Make the exit code say how the orders ended
                           (see EXIT CODES)
      --timeout DURATION   Stop after DURATION, like 10m
      --demo               Watch simulated orders: no credentials, no network
      --env prod|demo      Kalshi environment; overrides kalshi.env and
                           kalshi.base_url
      --utc                Show times in UTC instead of the configured zone
      --log FILE           Write a debug log to FILE
      --config FILE        Read the configuration from FILE
      --version            Print the version and exit
  -h, --help               Show this help

CONFIGURATION
  The configuration file is --config FILE, else $ORDERMON_CONFIG, else
  config.toml in the ordermon directory of your user configuration
  directory (~/.config/ordermon/config.toml on Linux). config.example.toml
  documents every key. The environment overrides the file, and flags
  override both:

    KALSHI_API_KEY_ID           kalshi.api_key_id
    KALSHI_PRIVATE_KEY_FILE     kalshi.private_key_file
    ORDERMON_PIPELINE_URL       pipeline.base_url
    ORDERMON_PIPELINE_TOKEN     pipeline.token
    ORDERMON_PIPELINE_API_KEY   pipeline.api_key

EXAMPLES
  # Watch one intent on the live screen
  $ ordermon intent:123

  # Print a Kalshi order's state once, as JSON
  $ ordermon --once --json kalshi:ORD-1 | jq

  # Try ordermon on simulated orders
  $ ordermon --demo

  # Get notified when an order completes
  $ ordermon --exit-status --timeout 10m intent:123 && notify-send done

EXIT CODES
  0  Fine; with --exit-status, every order ended successfully
  1  With --exit-status: an order failed
  2  Usage or configuration error; nothing was sent
  3  A source could not be reached, or rejected the credentials, after
     retries, so the state is unknown
  4  ordermon stopped (--timeout, or --once --exit-status) while an order
     was still in progress
`

// writeUsage prints the --help text.
func writeUsage(w io.Writer) {
	_, _ = io.WriteString(w, usage)
}
