#!/usr/bin/env bash
# Renders each main view of the app in demo mode to screenshots/*.png, in a real window under
# Xvfb. Run from anywhere: scripts/screenshots.sh. Installs what it needs with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for p in xvfb xdotool imagemagick libgl1-mesa-dri libegl1 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/seller-console"

# A throwaway home so the app starts in demo mode with no saved profile or window state.
home=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
export HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" TZ=UTC
display=:97
Xvfb "$display" -screen 0 1400x880x24 >/dev/null 2>&1 &
xvfb=$!
sleep 1
export DISPLAY=$display LIBGL_ALWAYS_SOFTWARE=1
"$bin" >"$home/app.log" 2>&1 &
app=$!
sleep 6

win=$(xdotool search --sync --name "Seller Console" | head -1)
xdotool windowfocus "$win"
sleep 0.5

shoot() { # name keys...
  local name=$1; shift
  for k in "$@"; do xdotool key --window "$win" "$k"; sleep 0.4; done
  sleep "${SHOT_WAIT:-2}"
  import -window "$win" "screenshots/$name.png"
  echo "screenshots/$name.png"
}

mkdir -p screenshots
shoot catalog ctrl+1
shoot imports ctrl+2
shoot orders ctrl+3
shoot agreements ctrl+4
shoot hooks ctrl+5
shoot settings ctrl+6
