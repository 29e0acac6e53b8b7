#!/usr/bin/env bash
# Operations measured: a 1 GB file uploaded and downloaded through the portal on the local
# folder and on S3 (moto) with the instance's peak memory, and backup, restore and check of
# the DOCUMENTS-document sample installation on SQLite and PostgreSQL. Prints one line per
# figure; README.md records them.
#
#   bench/operations.sh                     # everything, 1 000 000 documents
#   DOCUMENTS=100000 bench/operations.sh backup
#   bench/operations.sh files
#
# Needs: the release build (built here), curl, PostgreSQL at $BENCH_POSTGRES with psql,
# pg_dump and pg_restore, and moto_server ($MOTO_SERVER or on the PATH) for S3.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCUMENTS=${DOCUMENTS:-1000000}
BENCH_POSTGRES=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
MOTO=${MOTO_SERVER:-moto_server}
what=${1:-all}

cargo build --release --quiet
bin="$PWD/target/release/supportweb"
work=$(mktemp -d /tmp/supportweb-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
seconds() { python3 -c "import time; print(f'{time.monotonic():.3f}')"; }
elapsed() { python3 -c "print(f'{$(seconds) - $1:.1f}')"; }
wait_for() { for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

# --- 1 GB through the portal -------------------------------------------------------------
measure_files() {
  local store=$1 folder="$work/files-$1"
  mkdir -p "$folder"
  local env=(env -u DATABASE_URL RUST_LOG=warn SUPPORTWEB__FILES__MAX_UPLOAD_BYTES=3000000000)
  if [ "$store" = s3 ]; then
    local s3port; s3port=$(free_port)
    "$MOTO" -H 127.0.0.1 -p "$s3port" >/dev/null 2>&1 &
    pids+=($!)
    wait_for "http://127.0.0.1:$s3port/"
    curl -fsS -X PUT "http://127.0.0.1:$s3port/mereni" >/dev/null
    env+=(SUPPORTWEB__FILES__URL=s3://mereni/soubory
      SUPPORTWEB__FILES__S3__ENDPOINT="http://127.0.0.1:$s3port"
      SUPPORTWEB__FILES__S3__ACCESS_KEY_ID=testing SUPPORTWEB__FILES__S3__SECRET_ACCESS_KEY=testing
      SUPPORTWEB__FILES__S3__PATH_STYLE=true)
  fi
  (cd "$folder" && "${env[@]}" "$bin" demo >/dev/null)
  local port; port=$(free_port)
  (cd "$folder" && exec "${env[@]}" SUPPORTWEB__SERVER__LISTEN="127.0.0.1:$port" "$bin" serve >/dev/null 2>&1) &
  local pid=$!
  pids+=("$pid")
  wait_for "http://127.0.0.1:$port/healthz"
  local idle; idle=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  curl -fsS -o /dev/null -c "$folder/cookies" -H "Origin: http://127.0.0.1:$port" \
    --data 'login=brno.referent&password=ukazka-2026' "http://127.0.0.1:$port/login"
  local started answer id
  started=$(seconds)
  answer=$(curl -fsS -b "$folder/cookies" -H "Origin: http://127.0.0.1:$port" \
    -F "file=@$work/big.bin;filename=zaplata.bin" "http://127.0.0.1:$port/api/v1/files")
  local upload; upload=$(elapsed "$started")
  id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$answer")
  started=$(seconds)
  curl -fsS -b "$folder/cookies" -o "$work/back.bin" "http://127.0.0.1:$port/files/$id"
  local download; download=$(elapsed "$started")
  local peak; peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  cmp -s "$work/big.bin" "$work/back.bin" || { echo "the downloaded file differs" >&2; exit 1; }
  rm -f "$work/back.bin"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$store" "$upload" "$download" "$idle" "$peak" <<'EOF'
import sys
store, up, down, idle, peak = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
mib = 1024
print(f"1 GiB file, {store}: upload {up:.1f} s ({mib/up:.0f} MiB/s), download {down:.1f} s ({mib/down:.0f} MiB/s), RSS idle {idle/1024:.0f} MiB, peak {peak/1024:.0f} MiB")
EOF
}

# --- backup and restore --------------------------------------------------------------------
measure_backup() {
  local backend=$1 folder="$work/backup-$1" url restored
  mkdir -p "$folder"
  if [ "$backend" = sqlite ]; then
    url="sqlite://$folder/data/supportweb.db"
    restored="sqlite://$work/restored-sqlite/supportweb.db"
  else
    psql "$BENCH_POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS bench_source" -c "DROP DATABASE IF EXISTS bench_restored" \
      -c "CREATE DATABASE bench_source" -c "CREATE DATABASE bench_restored" 2>/dev/null
    url="$BENCH_POSTGRES/bench_source"
    restored="$BENCH_POSTGRES/bench_restored"
  fi
  local started
  started=$(seconds)
  (cd "$folder" && DATABASE_URL="$url" RUST_LOG=warn "$bin" demo --organisations 200 --users 2000 --documents "$DOCUMENTS" >/dev/null)
  echo "$backend, $DOCUMENTS documents: demo $(elapsed "$started") s"
  started=$(seconds)
  (cd "$folder" && DATABASE_URL="$url" RUST_LOG=warn "$bin" backup --to "$work/zaloha-$backend" >/dev/null)
  local took; took=$(elapsed "$started")
  echo "$backend, $DOCUMENTS documents: backup $took s, $(du -sm "$work/zaloha-$backend" | cut -f1) MB"
  mkdir -p "$work/restored-$backend"
  started=$(seconds)
  (cd "$work/restored-$backend" && DATABASE_URL="$restored" SUPPORTWEB__FILES__ROOT="$work/restored-$backend/files" RUST_LOG=warn "$bin" restore --from "$work/zaloha-$backend" >/dev/null)
  echo "$backend, $DOCUMENTS documents: restore $(elapsed "$started") s"
  cp "$folder/data/secret.key" "$work/restored-$backend/" 2>/dev/null || true
  started=$(seconds)
  (cd "$work/restored-$backend" && DATABASE_URL="$restored" SUPPORTWEB__FILES__ROOT="$work/restored-$backend/files" RUST_LOG=warn "$bin" check >/dev/null)
  echo "$backend, $DOCUMENTS documents: check of the restored copy $(elapsed "$started") s (whole)"
  rm -rf "$work/zaloha-$backend" "$work/restored-$backend" "$folder"
  if [ "$backend" = postgres ]; then
    psql "$BENCH_POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS bench_source" -c "DROP DATABASE IF EXISTS bench_restored" 2>/dev/null
  fi
}

if [ "$what" = all ] || [ "$what" = files ]; then
  head -c 1073741824 /dev/urandom >"$work/big.bin"
  measure_files local
  measure_files s3
  rm -f "$work/big.bin"
fi
if [ "$what" = all ] || [ "$what" = backup ]; then
  measure_backup sqlite
  measure_backup postgres
fi
