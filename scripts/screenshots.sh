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

# BIN=path/to/seller-console reuses a binary already built (e.g. by `cargo test`).
if [[ -z "${BIN:-}" ]]; then
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-target}/release/seller-console"
fi
bin="$BIN"

# A throwaway home so the app starts in demo mode with no saved profile or window state.
if [[ -z "${SCREENSHOTS_HOME:-}" ]]; then
  SCREENSHOTS_HOME=$(mktemp -d)
  mkdir -p "$SCREENSHOTS_HOME/run" && chmod 700 "$SCREENSHOTS_HOME/run"
  export SCREENSHOTS_HOME BIN="$bin" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
  export HOME="$SCREENSHOTS_HOME" XDG_RUNTIME_DIR="$SCREENSHOTS_HOME/run"
  export XDG_CONFIG_HOME="$SCREENSHOTS_HOME/config" XDG_DATA_HOME="$SCREENSHOTS_HOME/data" TZ=UTC
  trap 'rm -rf "$SCREENSHOTS_HOME"' EXIT
  # Under a private D-Bus session with an unlocked gnome-keyring, Settings shows the
  # credential store a desktop has (apt-get install dbus gnome-keyring).
  if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    dbus-run-session -- bash -c \
      'printf screenshots | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "$0"' "$0"
  else
    "$0"
  fi
  exit
fi
home="$SCREENSHOTS_HOME"
trap 'kill $app $xvfb 2>/dev/null || true' EXIT
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

click() { # x y (window coordinates of a 1280x800 window): hover first, as a hand would
  xdotool mousemove --window "$win" "$1" "$2"
  sleep 0.3
  xdotool click 1
  sleep "${3:-1}"
}

mkdir -p screenshots
# The seller's loop on the demo catalog: open it, fix it, push it, read the import, fix the rest.
xdotool key --window "$win" ctrl+2; sleep 1
click 185 118 3                       # Try the demo catalog
shoot catalog
click 1008 148 2                      # Apply all safe fixes
click 790 43 2                        # Push…
click 387 442                         # Push anyway, with the errors
shoot catalog-push
click 428 492 5                       # Save and push: the Imports view watches the import
shoot imports
click 749 287 3                       # Open in Catalog
shoot catalog-import-errors
xdotool mousemove --window "$win" 296 180; sleep 0.3
xdotool click --repeat 2 --delay 80 1; sleep 1   # edit the empty title
xdotool type --delay 30 "Seagrass Storage Basket"; sleep 0.3
xdotool key --window "$win" Return
shoot catalog-fixed
click 280 113                         # Show all rows
shoot catalog-rows shift+Up shift+Up  # select a range of rows upwards from the edited one
xdotool key --window "$win" Escape; sleep 0.5
shoot orders ctrl+4
xdotool mousemove --window "$win" 1180 230; sleep 1   # a recent day on the chart
shoot orders-chart
click 330 435 2                       # the fourth order's number
click 736 385 2                       # Refund…
shoot orders-refund
click 574 517                         # Cancel
click 245 67 1                        # Seller filter (destination charges)
click 275 140 2                       # Alder & Ash Ceramics
click 330 445 2                       # one of its orders
click 706 370 2                       # Refund…
click 437 470 0.6                     # Reverse the transfer
click 437 486 1                       # Refund the application fee
shoot orders-destination-refund
xdotool key --window "$win" Escape; sleep 0.5
click 245 67 1                        # Seller filter
click 240 94 2                        # All sellers
click 155 304                         # Awaiting capture tab
shoot orders-capture-queue
click 44 304                          # All orders tab
for y in 360 385 410 435 460; do click 15 "$y" 0.4; done   # tick the five newest orders
click 512 43 2                        # Refund selected (5)…
shoot orders-bulk-refund
xdotool key --window "$win" ctrl+5; sleep 3
click 600 114 3                       # the dispute due soonest
shoot disputes
xdotool key --window "$win" ctrl+6; sleep 2
click 54 139                          # the agreement waiting for the seller
shoot agreements
xdotool key --window "$win" ctrl+7; sleep 1
click 290 130 2                       # Start example seller
click 61 540 3                        # Send request
shoot hooks
shoot settings ctrl+8
SHOT_WAIT=5 shoot sellers ctrl+9      # the demo platform's dozen sellers, figures read
click 1117 12 1                       # Platform: Demo shop, the account switcher
shoot sellers-switcher
click 640 760 1                       # close it
# Last, the first screen: by now the live demo shopper has placed orders and the push above
# has finished, so the Overview and the Activity panel have something to say.
sleep 20
shoot overview ctrl+1
click 1232 12 2                       # Activity (n)
shoot activity
xdotool key --window "$win" ctrl+k; sleep 0.6   # the command palette, a few letters typed
xdotool type --delay 60 "refnd"; sleep 0.5
shoot palette
xdotool key --window "$win" Escape; sleep 0.5

reopen_with() { # fixture name: closes the app, opens it again on a copy of the fixture
  kill "$app" 2>/dev/null || true
  sleep 1
  cp "$1" "$home/$2"
  "$bin" "$home/$2" >>"$home/app.log" 2>&1 &
  app=$!
  sleep 6
  win=$(xdotool search --sync --name "Seller Console" | head -1)
  xdotool windowfocus "$win"
  sleep 0.5
}

# A small seller's Shopify export, opened as a file: the column mapper, after typing the
# shop's address (the one value the export lacks).
reopen_with tests/fixtures/sources/shopify_products.csv products_export.csv
click 355 141 0.5                     # Shop address
click 355 141 0.5
xdotool type --delay 40 "https://northwind.example"
shoot catalog-mapper

# A catalog on sync: the first push sends the whole product feed; then two prices and one stock
# level change in another program, and the dialog shows just those rows before they go.
reopen_with tests/fixtures/feed/product_valid.csv catalog.csv
sync_dialog() {
  xdotool key --window "$win" ctrl+k; sleep 0.6
  xdotool type --delay 60 "sync"; sleep 0.5
  xdotool key --window "$win" Return; sleep 2
}
sync_dialog
click "${SYNC_FIRST_X:-400}" "${SYNC_FIRST_Y:-481}" 12  # Put on sync: the whole product feed (and let the strip settle on one line)
click 890 74 2                                           # Stop sync (the strip is one line: text, Push now, Full feed now, Stop sync)
python3 - "$home/catalog.csv" <<'PY'
import csv, sys
path = sys.argv[1]
rows = list(csv.reader(open(path, newline="")))
h = rows[0]
for r in rows[1:]:
    if r[0] == "TEE-ORG-NAVY-L": r[h.index("price")] = "29.00 USD"
    if r[0] == "KETTLE-GOOSE-1L": r[h.index("price")] = "54.00 USD"
    if r[0] == "TEE-ORG-NAVY-M": r[h.index("inventory_quantity")] = "3"
csv.writer(open(path, "w", newline=""), lineterminator="\n").writerows(rows)
PY
sleep 2
sync_dialog
shoot catalog-sync-diff
click "${SYNC_DIFF_X:-400}" "${SYNC_DIFF_Y:-505}" 10    # Put on sync: one price, one stock feed
shoot catalog-sync
shoot imports-sync ctrl+3
