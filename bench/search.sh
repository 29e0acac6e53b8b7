#!/usr/bin/env bash
# Finding things, measured as whole HTTP requests: the portal-wide search for a rare token
# and for a common Czech word over all agendas, the start page ("my work") and the timeline
# of the organisation with the most documents, each as staff and as a customer, at 1 and 16
# connections with wrk; /healthz is the ceiling of the same machine in the same run. Seeds
# `demo --organisations 200 --users 2000 --documents DOCUMENTS` on each backend (the time it
# takes, index included, is the first figure). Prints one line per request; README.md
# records them.
#
#   bench/search.sh                                  # SQLite and PostgreSQL, 1 000 000 documents
#   DOCUMENTS=100000 BACKENDS=sqlite bench/search.sh
#
# Needs: the release build (built here), curl, python3, wrk (installed from Debian when
# missing), PostgreSQL at $BENCH_POSTGRES with psql.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCUMENTS=${DOCUMENTS:-1000000}
BACKENDS=${BACKENDS:-sqlite postgres}
BENCH_POSTGRES=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
DURATION=${DURATION:-15s}
RARE=${RARE:-000123}
COMMON=${COMMON:-chyba}

command -v wrk >/dev/null || { if [ "$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi; } >/dev/null
cargo build --release --quiet
bin="$PWD/target/release/supportweb"
work=$(mktemp -d /tmp/supportweb-search.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
seconds() { python3 -c "import time; print(f'{time.monotonic():.3f}')"; }
elapsed() { python3 -c "print(f'{$(seconds) - $1:.1f}')"; }
wait_for() { for _ in $(seq 1 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

# One line: requests/s, p50 and p99 at `connections`, errors.
drive() {
  local label=$1 connections=$2 url=$3 cookie=${4:-}
  local args=(-t "$((connections < 2 ? 1 : 2))" -c "$connections" -d "$DURATION" --latency)
  [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
  wrk "${args[@]}" "$url" >"$work/wrk.out"
  python3 - "$label" "$connections" "$work/wrk.out" <<'EOF'
import re, sys
label, connections, path = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
def latency(p):
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.M)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = sum(int(x) for x in re.findall(r"(?:Non-2xx or 3xx responses|Socket errors:.*?timeout)\s*:?\s*(\d+)", text))
print(f"{label:<44} c={connections:<3} {rate:>8.0f}/s  p50 {latency(50):6.1f} ms  p99 {latency(99):6.1f} ms  errors {errors}")
EOF
}

sign_in() {
  local port=$1 login=$2
  curl -fsS -o /dev/null -c "$work/cookies-$login" -H "Origin: http://127.0.0.1:$port" \
    --data "login=$login&password=ukazka-2026" "http://127.0.0.1:$port/login"
  awk '$6 ~ /sw-session/ {print $6 "=" $7}' "$work/cookies-$login"
}

measure() {
  local backend=$1 folder="$work/$1" url
  mkdir -p "$folder"
  if [ "$backend" = sqlite ]; then
    url="sqlite://$folder/data/supportweb.db"
  else
    psql "$BENCH_POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS bench_search" -c "CREATE DATABASE bench_search" 2>/dev/null
    url="$BENCH_POSTGRES/bench_search"
  fi
  local started
  started=$(seconds)
  (cd "$folder" && DATABASE_URL="$url" RUST_LOG=warn "$bin" demo --organisations 200 --users 2000 \
    --documents "$DOCUMENTS" --accounts-json "$folder/accounts.json" >/dev/null)
  echo "$backend, $DOCUMENTS documents: demo with the search index and the timeline $(elapsed "$started") s"
  local largest
  if [ "$backend" = sqlite ]; then
    largest=$(python3 - "$folder/data/supportweb.db" <<'EOF'
import sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1])
row = db.execute("SELECT d.organisation_id, o.name FROM support_documents d JOIN organisations o ON o.id = d.organisation_id GROUP BY d.organisation_id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
print(f"{uuid.UUID(bytes=row[0])}\t{row[1]}")
EOF
)
  else
    largest=$(psql "$url" -AtF $'\t' -c "SELECT d.organisation_id, o.name FROM support_documents d JOIN organisations o ON o.id = d.organisation_id GROUP BY d.organisation_id, o.name ORDER BY COUNT(*) DESC LIMIT 1")
  fi
  local name=${largest#*$'\t'}
  largest=${largest%%$'\t'*}
  # A customer user of that organisation (the sample gives them every agenda's right).
  local customer
  customer=$(python3 - "$folder/accounts.json" "$name" <<'EOF'
import json, sys
accounts = json.load(open(sys.argv[1]))
mine = [a["login"] for a in accounts if a["role"] == "customer" and a["organisation"] == sys.argv[2]]
print((mine or [a["login"] for a in accounts if a["role"] == "customer"])[0])
EOF
)
  echo "$backend: the largest organisation is $name ($largest), its customer user $customer"
  local port; port=$(free_port)
  (cd "$folder" && exec env DATABASE_URL="$url" RUST_LOG=warn SUPPORTWEB__SERVER__LISTEN="127.0.0.1:$port" \
    "$bin" serve >/dev/null 2>&1) &
  local pid=$!
  pids+=("$pid")
  wait_for "http://127.0.0.1:$port/healthz"
  local staff_cookie customer_cookie
  staff_cookie=$(sign_in "$port" petr.cerny)
  customer_cookie=$(sign_in "$port" "$customer")
  local base="http://127.0.0.1:$port"
  for c in 1 16; do
    drive "$backend /healthz (ceiling)" "$c" "$base/healthz"
    drive "$backend search rare token, staff" "$c" "$base/search?q=$RARE" "$staff_cookie"
    drive "$backend search rare token, customer" "$c" "$base/search?q=$RARE" "$customer_cookie"
    drive "$backend search common word, staff" "$c" "$base/search?q=$COMMON" "$staff_cookie"
    drive "$backend search common word, customer" "$c" "$base/search?q=$COMMON" "$customer_cookie"
    drive "$backend start page, staff" "$c" "$base/" "$staff_cookie"
    drive "$backend start page, customer" "$c" "$base/" "$customer_cookie"
    drive "$backend timeline of the largest, staff" "$c" "$base/organisations/$largest/timeline" "$staff_cookie"
  done
  echo "$backend: peak RSS $(awk '/VmHWM/ {print int($2/1024)}' "/proc/$pid/status") MiB"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$folder"
  if [ "$backend" = postgres ]; then
    psql "$BENCH_POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS bench_search" 2>/dev/null
  fi
}

for backend in $BACKENDS; do
  measure "$backend"
done
