#!/usr/bin/env bash
# Every benchmark, one table: each figure beside its floor (the same work done the plainest way,
# measured in the same process and run) and the ratio of the two, with the issue's targets.
#
#   scripts/bench.sh [SIZE_MB]        # default 200; the README's figures come from this
#   BENCH_PROFILE=dev scripts/bench.sh 2   # quick run on a debug build of our crate (CI)
#
# SIZE_MB sets the generated catalogs of feed_bench, table_bench and catalog_view_bench, the
# Shopify export of convert_bench, the catalogs of delta_bench, the
# upload of client_bench (at most the 200 MB upload limit) and five times it for its v2 push
# (1 GB at 200), and the order counts: SIZE_MB x 50
# orders listed by client_bench (10,000 at 200) and SIZE_MB x 500 orders in the Orders view of
# ui_frame_bench (100,000 at 200), and as many in the account live_bench follows. CLIENT_BENCH_ORDERS
# and UI_BENCH_ORDERS override them. push_all_bench pushes 1 MB feeds to SIZE_MB accounts (200 at
# 200), and ui_frame_bench's Sellers board lists SIZE_MB x 25 accounts (5,000 at 200).
# Builds once (CARGO_TARGET_DIR as given, else ./target), runs every bench binary itself, keeps
# each one's whole output in a log folder it names, and prints figures only: nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."

size=${1:-200}
if ! [[ "$size" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/bench.sh [SIZE_MB]  (a whole number of megabytes, default 200)" >&2
  exit 2
fi
profile=${BENCH_PROFILE:-release}
case "$profile" in
  release) profile_args=(--profile bench) ;;
  dev) profile_args=(--profile dev) ;;
  *)
    echo "BENCH_PROFILE must be release or dev, not $profile" >&2
    exit 2
    ;;
esac
export CLIENT_BENCH_ORDERS=${CLIENT_BENCH_ORDERS:-$((size * 50))}
export UI_BENCH_ORDERS=${UI_BENCH_ORDERS:-$((size * 500))}
# The event stream runs a minute at full size, a few seconds on a quick run.
live_secs=$(( size >= 100 ? 60 : 5 ))

command -v jq >/dev/null 2>&1 || { echo "scripts/bench.sh needs jq (apt-get install jq)" >&2; exit 2; }
logs=$(mktemp -d "${TMPDIR:-/tmp}/seller-console-bench.XXXXXX")
echo "building the benches ($profile) ..." >&2
# One build: every bench and the feed generator, in the same profile.
nice cargo build --locked "${profile_args[@]}" --benches --example gen_catalog \
  --message-format=json-render-diagnostics >"$logs/build.json"
declare -A exe
while read -r name path; do
  exe[$name]=$path
done < <(jq -r 'select(.reason == "compiler-artifact" and .executable != null
                       and (.target.kind[0] == "bench" or .target.name == "gen_catalog"))
                | "\(.target.name) \(.executable)"' "$logs/build.json")
benches=(feed_bench table_bench catalog_view_bench convert_bench delta_bench client_bench push_all_bench ui_frame_bench live_bench)
for b in "${benches[@]}" gen_catalog; do
  [[ -n "${exe[$b]:-}" ]] || { echo "the build made no $b" >&2; exit 1; }
done

feed="$logs/feed-${size}mb.csv"
trap 'rm -f "$feed"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
t0=$SECONDS
"${exe[gen_catalog]}" --size-mb "$size" --error-rate 0.01 --out "$feed" >"$logs/gen_catalog.log" 2>&1
for b in "${benches[@]}"; do
  echo "running $b ..." >&2
  b0=$SECONDS
  if ! FEED_BENCH_FILE="$feed" TABLE_BENCH_MB="$size" CATALOG_BENCH_MB="$size" CONVERT_BENCH_MB="$size" \
    DELTA_BENCH_MB="$size" GEN_CATALOG="${exe[gen_catalog]}" \
    CLIENT_BENCH_MB="$size" CLIENT_BENCH_V2_MB="$((size * 5))" PUSH_ALL_ACCOUNTS="$size" UI_BENCH_ACCOUNTS="$((size * 25))" LIVE_BENCH_ORDERS="$((size * 500))" LIVE_BENCH_SECS="$live_secs" "${exe[$b]}" >"$logs/$b.log" 2>&1; then
    echo "$b failed; the end of its output ($logs/$b.log):" >&2
    tail -n 20 "$logs/$b.log" >&2
    exit 1
  fi
  echo "  $b: $((SECONDS - b0)) s" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo
echo "Seller Console benchmarks: scripts/bench.sh $size (BENCH_PROFILE=$profile)"
echo "date $started, commit $commit, $(nproc) cores ($cpu), load average $load_before before, $load_after after, $((SECONDS - t0)) s"
echo "ratio = raw ÷ floor, lower is better; floors are measured in the same process and run"
echo
echo "| bench | figure | raw | floor | ratio | target |"
echo "|---|---|---|---|---|---|"
for b in "${benches[@]}"; do
  grep -E "^\| $b \|" "$logs/$b.log" || true
done
echo
echo "Notes from the benches:"
for b in "${benches[@]}"; do
  grep -E "^$b: " "$logs/$b.log" | sed 's/^/- /' || true
done
echo "Whole outputs: $logs"
