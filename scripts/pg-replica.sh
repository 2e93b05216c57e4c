#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL primary and a streaming replica (hot standby) on loopback, for the
# replica tests and benchmarks.
#   scripts/pg-replica.sh start   -> prints the replica's DATABASE URL on its last line (FAZHI_REPLICA_URL)
#   scripts/pg-replica.sh stop    -> stops the replica, and the primary if this script started it
# The primary is scripts/pg-local.sh's (FAZHI_PG_PORT, default 54329; its URL: `scripts/pg-local.sh start`);
# the replica listens on FAZHI_PG_REPLICA_PORT (default 54330), its data in FAZHI_PG_REPLICA_DATA.
# Debian's PostgreSQL refuses to run as root, so the servers run as the `postgres` system user.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=${FAZHI_PG_PORT:-54329}
DATA=${FAZHI_PG_DATA:-/tmp/fazhi-pg-$PORT}
RPORT=${FAZHI_PG_REPLICA_PORT:-54330}
RDATA=${FAZHI_PG_REPLICA_DATA:-/tmp/fazhi-pg-replica-$RPORT}
MARK="$RDATA.started-primary"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$BIN/pg_ctl" ] || { echo "未找到 PostgreSQL（请安装 Debian 的 postgresql 软件包）" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
export FAZHI_PG_PORT=$PORT FAZHI_PG_DATA=$DATA

case "${1:-start}" in
  start)
    if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then started_primary=1; else started_primary=0; fi
    "$HERE/pg-local.sh" start >/dev/null
    [ "$started_primary" = 1 ] && touch "$MARK"
    # The primary streams its WAL to replicas on loopback.
    changed=0
    if ! grep -q '^# fazhi replica' "$DATA/postgresql.conf"; then
      cat >> "$DATA/postgresql.conf" <<CONF
# fazhi replica
wal_level = replica
max_wal_senders = 10
wal_keep_size = 256MB
CONF
      changed=1
    fi
    if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$DATA/pg_hba.conf"; then
      echo "host replication all 127.0.0.1/32 trust" >> "$DATA/pg_hba.conf"
      changed=1
    fi
    [ "$changed" = 1 ] && as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w restart -m fast >/dev/null
    if ! as_pg "$BIN/pg_ctl" -D "$RDATA" status >/dev/null 2>&1; then
      # A fresh base backup each time: the primary may have been created anew since the last one.
      rm -rf "$RDATA"
      mkdir -p "$RDATA"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$RDATA"
      chmod 700 "$RDATA"
      as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$RDATA" -R -X stream --checkpoint=fast
      cat >> "$RDATA/postgresql.conf" <<CONF
# fazhi replica: its own port and socket, read-only queries while it replays
port = $RPORT
unix_socket_directories = '$RDATA'
hot_standby = on
hot_standby_feedback = on
CONF
      as_pg "$BIN/pg_ctl" -D "$RDATA" -l "$RDATA/server.log" -w start >/dev/null
    fi
    for _ in $(seq 1 50); do
      as_pg "$BIN/psql" -h 127.0.0.1 -p "$RPORT" -U postgres -d fazhi -tAc "SELECT pg_is_in_recovery()" 2>/dev/null \
        | grep -q t && break
      sleep 0.2
    done
    echo "postgres://postgres@127.0.0.1:$RPORT/fazhi"
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$RDATA" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$RDATA"
    if [ -e "$MARK" ]; then
      rm -f "$MARK"
      "$HERE/pg-local.sh" stop
    fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
