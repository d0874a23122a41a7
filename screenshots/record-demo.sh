#!/usr/bin/env bash
# Record the demo GIF at the top of README: screenshots/demo.gif, from
# screenshots/demo.tape, with charmbracelet/vhs.
#
#   screenshots/record-demo.sh          # about a minute the first time, 40 s after
#
# VHS needs ffmpeg, Chromium and ttyd. Debian bookworm does not package ttyd,
# so this builds it once from Debian's source package (sid), into
# ~/.cache/ordermon-tools. CI does not run this; the GIF is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools=${XDG_CACHE_HOME:-$HOME/.cache}/ordermon-tools
mkdir -p "$tools/bin"
export PATH="$tools/bin:$(go env GOPATH)/bin:$PATH"

SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_install() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }

need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v chromium >/dev/null || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  apt_install "${need[@]}"
fi

if ! command -v ttyd >/dev/null; then
  echo "building ttyd from Debian's source package (once)" >&2
  apt_install cmake build-essential libjson-c-dev libwebsockets-dev zlib1g-dev libuv1-dev ca-certificates
  # The machine's own Debian mirror (deb822 "URIs:" or one-line "deb"
  # entries), else deb.debian.org.
  mirror=$(grep -rhE '^(URIs:|deb) ' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
    grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 || true)
  list=/etc/apt/sources.list.d/ordermon-ttyd-src.list
  echo "deb-src ${mirror:-http://deb.debian.org/debian} sid main" | $SUDO tee "$list" >/dev/null
  trap '$SUDO rm -f "$list"; $SUDO apt-get update -qq || true' EXIT
  $SUDO apt-get update -qq
  src=$(mktemp -d)
  # The .dsc may fail to download; the orig tarball (with its prebuilt
  # html.h) is all the build needs.
  (cd "$src" && apt-get source --download-only ttyd >/dev/null 2>&1 || true)
  tarball=$(ls "$src"/ttyd_*.orig.tar.* 2>/dev/null | head -n1)
  [ -n "$tarball" ] || { echo "record-demo: could not download ttyd's source" >&2; exit 1; }
  tar -xf "$tarball" -C "$src"
  dir=$(find "$src" -maxdepth 1 -type d -name 'ttyd-*' | head -n1)
  cmake -S "$dir" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  make -C "$dir/build" -j"$(nproc)" >/dev/null
  cp "$dir/build/ttyd" "$tools/bin/ttyd"
  rm -rf "$src"
fi

command -v vhs >/dev/null || go install github.com/charmbracelet/vhs@v0.10.0

go build -o "$tools/bin/ordermon" .
# Chromium inside VHS cannot use its sandbox as root.
[ "$(id -u)" -ne 0 ] || export VHS_NO_SANDBOX=true
vhs screenshots/demo.tape
ls -l screenshots/demo.gif
