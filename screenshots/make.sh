#!/usr/bin/env bash
# Make the README's screenshots from the running program: ordermon --demo in
# a detached tmux of exact size, keys typed as a user would, the screen
# captured with its colours, turned into HTML by aha and into PNG by headless
# Chromium.
#
# usage: screenshots/make.sh            (writes screenshots/*.png)
# needs: go, tmux, aha, chromium, fonts-dejavu-core (Debian packages)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=screenshots
WORK=$(mktemp -d /tmp/ordermon-shots.XXXXXX)
SOCK=$WORK/sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT

for tool in tmux aha chromium; do
  command -v "$tool" >/dev/null || { echo "screenshots: $tool is missing (apt-get install tmux aha chromium fonts-dejavu-core)" >&2; exit 1; }
done
go build -o "$WORK/ordermon" .

# shot NAME COLS ROWS WAIT_TEXT [KEY...]: one screenshot.
shot() {
  local name=$1 cols=$2 rows=$3 wait=$4; shift 4
  # A server of its own for each shot: reusing one socket right after
  # kill-server can find the old server still exiting.
  SOCK=$WORK/sock-$name
  local sock=$SOCK
  printf 'set -g status off\nset -g default-terminal tmux-256color\nset -as terminal-features ",*:RGB"\nset -g escape-time 0\n' > "$WORK/tmux.conf"
  tmux -S "$sock" -f "$WORK/tmux.conf" new-session -d -x "$cols" -y "$rows" -s shot \
    "exec env TERM=xterm-256color COLORTERM=truecolor TZ=UTC $WORK/ordermon --demo --utc"
  local deadline=$((SECONDS + 15))
  until tmux -S "$sock" capture-pane -p -t shot | grep -qF -- "$wait"; do
    [ $SECONDS -lt $deadline ] || { echo "screenshots: '$wait' never appeared" >&2; tmux -S "$sock" capture-pane -p -t shot >&2; exit 1; }
    sleep 0.1
  done
  settle
  for k in "$@"; do
    tmux -S "$sock" send-keys -t shot "$k"
    settle
  done
  tmux -S "$sock" capture-pane -p -e -N -t shot > "$WORK/$name.ans"
  tmux -S "$sock" kill-server 2>/dev/null || true
  render "$name" "$cols" "$rows"
}

# settle waits until the screen stops changing for a moment.
settle() {
  local a b
  a=$(tmux -S "$SOCK" capture-pane -p -e -t shot)
  for _ in $(seq 30); do
    sleep 0.2
    b=$(tmux -S "$SOCK" capture-pane -p -e -t shot)
    [ "$a" = "$b" ] && return
    a=$b
  done
}

# render NAME COLS ROWS: the captured screen as a PNG, DejaVu Sans Mono at
# 15 px, with a line height at which box-drawing characters join.
render() {
  local name=$1 cols=$2 rows=$3 font=15 pad=12
  local line=$((font * 1164 / 1000))
  local w=$(((cols * font * 6021 + 9999) / 10000 + 2 * pad + 2)) h=$((rows * line + 2 * pad))
  {
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
    printf 'html,body{margin:0;background:#16161e;color:#c8c8d0}'
    printf 'pre{margin:0;padding:%dpx;font-family:"DejaVu Sans Mono",monospace;font-size:%dpx;line-height:%dpx;white-space:pre;font-variant-ligatures:none}' "$pad" "$font" "$line"
    printf '</style></head><body><pre>'
    aha --no-header < "$WORK/$name.ans"
    printf '</pre></body></html>'
  } > "$WORK/$name.html"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-extensions --hide-scrollbars --force-device-scale-factor=1 \
    --user-data-dir="$WORK/profile" --window-size="$w,$h" \
    --screenshot="$OUT/$name.png" "file://$WORK/$name.html" > "$WORK/chromium.log" 2>&1 \
    || { cat "$WORK/chromium.log" >&2; exit 1; }
  echo "wrote $OUT/$name.png (${cols}x${rows})"
}

# The list sorts the orders that need attention first; n jumps to the
# next one: 1003 (failed), then 1004 (stuck), then 1005 (Kalshi canceled).
shot overview 120 40 "no Kalshi order" j
shot stuck 120 40 "no Kalshi order" n n
shot stuck-80x24 80 24 "no Kalshi order" n n
shot mismatch 120 40 "no Kalshi order" n n n
shot help 120 40 "no Kalshi order" "?"
