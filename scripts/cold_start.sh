#!/usr/bin/env bash
# Cold start to first frame: starts the window in demo mode under Xvfb five times and prints the
# time from process start to the first frame the app draws (the app reports it when
# SELLER_CONSOLE_REPORT_STARTUP=1). Run from anywhere: scripts/cold_start.sh
# BIN=path/to/seller-console reuses a built binary; otherwise a release build is made.
set -euo pipefail
cd "$(dirname "$0")/.."

for p in xvfb libgl1-mesa-dri; do
  dpkg -s "$p" >/dev/null 2>&1 || { apt-get update -qq; apt-get install -y -qq "$p" >/dev/null; }
done
if [[ -z "${BIN:-}" ]]; then
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-target}/release/seller-console"
fi

home=$(mktemp -d)
display=:96
Xvfb "$display" -screen 0 1400x880x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1
for run in 1 2 3 4 5; do
  rm -rf "$home"/* && mkdir -p "$home/run" && chmod 700 "$home/run"
  log="$home/app.log"
  HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run" \
    DISPLAY=$display LIBGL_ALWAYS_SOFTWARE=1 SELLER_CONSOLE_REPORT_STARTUP=1 \
    "$BIN" >"$log" 2>&1 &
  app=$!
  for _ in $(seq 100); do
    grep -q "first frame" "$log" 2>/dev/null && break
    sleep 0.1
  done
  echo "run $run: $(grep -o 'first frame [0-9]* ms after start' "$log" || echo 'no frame within 10 s')"
  kill $app 2>/dev/null || true
  wait $app 2>/dev/null || true
done
