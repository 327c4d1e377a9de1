#!/usr/bin/env bash
# Run a command (the test suite) against a throw-away PostgreSQL 15 cluster:
# a private temp dir, a Unix socket only (no TCP port to collide with), stopped and
# removed afterwards. initdb refuses root, so as root the cluster runs as an
# unprivileged system user. Usage: scripts/pg-test.sh CMD [ARGS...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

find_bin() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  return 1
}

if ! initdb=$(find_bin initdb); then
  "$here/ensure-system-packages.sh" postgresql-15
  initdb=$(find_bin initdb)
fi
pg_ctl=$(dirname "$initdb")/pg_ctl
[ -x "$pg_ctl" ] || pg_ctl=$(find_bin pg_ctl)

tmp=$(mktemp -d /tmp/lianzhang-pg.XXXXXX)
port=$(( 54000 + RANDOM % 900 ))
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  id lianzhang-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin lianzhang-pg
  chown lianzhang-pg "$tmp"
  as_pg=(runuser -u lianzhang-pg --)
fi
chmod 755 "$tmp"

cleanup() {
  "${as_pg[@]}" "$pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"${as_pg[@]}" "$initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${as_pg[@]}" "$pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -o \
  "-p $port -k $tmp -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
  start >/dev/null

socket=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$tmp")
export DATABASE_URL="postgres://postgres@${socket}:${port}/postgres"
echo "PostgreSQL test cluster: $("$(dirname "$initdb")/postgres" --version) on socket $tmp port $port"
"$@"
