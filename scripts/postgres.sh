#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, from the server binaries of Debian's
# postgresql package (no system service involved).
#
#   scripts/postgres.sh start DIR   # initdb + start on a free loopback port; prints the admin URL
#   scripts/postgres.sh stop DIR    # stop it (the caller removes DIR)
#
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user
# (and DIR's parent is made traversable for it).
# PG_DURABLE=1 keeps fsync on (benchmarks); by default it is off, as tests need no durability.
set -euo pipefail
command=${1:?usage: scripts/postgres.sh start|stop DIR}
dir=${2:?usage: scripts/postgres.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $command in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      # The postgres user must reach DIR (a mktemp folder is root-only).
      chmod a+x "$(dirname "$dir")"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    settings="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300"
    [ "${PG_DURABLE:-0}" = 1 ] || settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 -o "$settings" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
