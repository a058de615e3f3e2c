#!/usr/bin/env bash
# Load benchmark (not part of CI's pass/fail): a mixed, Entra-shaped stream (stream.lua) from
# wrk on loopback against `scimkit serve` with USERS users in SQLite, then the same stream
# against the Python reference server scim2-server (PyPI) with REF_USERS users, in the same run.
# Prints throughput, p50/p99 latency, non-2xx answers and the servers' RSS after the stream.
#
#   bash benches/load/run.sh                       # USERS=100000 REF_USERS=100000 DURATION=30
#   REF_USERS=10000 bash benches/load/run.sh       # the reference on 10x fewer users
#   USERS=10000 DURATION=10 bash benches/load/run.sh
#   DURABILITY=normal bash benches/load/run.sh      # scimkit serve --durability normal
#
# Needs wrk (installed with apt-get when missing and running as root) and python3 (for the venv).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benches/load

USERS=${USERS:-100000}
REF_USERS=${REF_USERS:-100000}
DURATION=${DURATION:-30}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
SCIM2_SERVER_VERSION=0.8.3
export TOKEN="load-$RANDOM$RANDOM"
export RUN=$RANDOM

if ! command -v wrk >/dev/null; then
  apt-get install -y -qq wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
wait_http() {
  for _ in $(seq 1 300); do
    python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1] + '/ServiceProviderConfig', timeout=1)" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "no server at $1" >&2
  exit 1
}

# stream NAME URL BASE_PATH COUNT: seeds and prepares (prepare.py), then runs the stream.
stream() {
  mkdir -p "$work/$1"
  python3 "$here/prepare.py" "$2$3" "$TOKEN" "$4" "$work/$1"
  USERS=$4 BASE_PATH=$3 USER_IDS="$work/$1/user_ids.txt" GROUP_IDS="$work/$1/group_ids.txt" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s -s "$here/stream.lua" "$2" \
    | tee "$work/$1-stream.txt" | grep -E 'RESULT|Non-2xx|Socket'
}
result() { sed -n 's/^RESULT //p' "$work/$1-stream.txt" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

echo "=== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --release -p scimkit
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "scim2-server==$SCIM2_SERVER_VERSION"

# scimkit serve on SQLite (the default store, synchronous = FULL).
port=$(free_port)
target=${CARGO_TARGET_DIR:-target}
"$target/release/scimkit" serve --listen "127.0.0.1:$port" --db "$work/load.db" --token "$TOKEN" \
  --durability "${DURABILITY:-full}" \
  >"$work/scimkit.out" 2>"$work/scimkit.log" &
pids+=($!)
scimkit_pid=$!
wait_http "http://127.0.0.1:$port/scim/v2"
stream scimkit "http://127.0.0.1:$port" /scim/v2 "$USERS"
scimkit_rss=$(rss_mib "$scimkit_pid")
kill "$scimkit_pid"

# The Python reference, same stream, same machine.
port=$(free_port)
"$work/venv/bin/scim2-server" --port "$port" --bearer-token "$TOKEN" >"$work/ref.log" 2>&1 &
pids+=($!)
ref_pid=$!
wait_http "http://127.0.0.1:$port"
stream scim2-server "http://127.0.0.1:$port" "" "$REF_USERS"
ref_rss=$(rss_mib "$ref_pid")

ratio=$(python3 -c "print(f'{$(result scimkit rps) / $(result scim2-server rps):.1f}')")
echo
echo "| server | users | requests/s | p50 ms | p99 ms | non-2xx | RSS MiB |"
echo "|---|---|---|---|---|---|---|"
echo "| scimkit serve (SQLite, durability ${DURABILITY:-full}) | $USERS | $(result scimkit rps) | $(result scimkit p50_ms) | $(result scimkit p99_ms) | $(result scimkit non2xx) | $scimkit_rss |"
echo "| scim2-server $SCIM2_SERVER_VERSION (Python, in memory) | $REF_USERS | $(result scim2-server rps) | $(result scim2-server p50_ms) | $(result scim2-server p99_ms) | $(result scim2-server non2xx) | $ref_rss |"
echo
echo "throughput ratio scimkit / scim2-server: ${ratio}x (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on the same $(nproc) cores)"
