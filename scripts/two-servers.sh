#!/usr/bin/env bash
# Start (or stop) two app servers (gunicorn) behind a local nginx on loopback: the layout of docs/deployment.md
# (several stateless app servers behind a load balancer) on one machine, for tests and benchmarks.
#   DATABASE_URL=postgres://… scripts/two-servers.sh start   -> prints the nginx URL on its last line
#   scripts/two-servers.sh stop
# nginx (Debian's package) listens on FAZHI_SERVERS_PORT (default 8080), the two gunicorns on the next two ports.
# Each server gets a FAZHI_HOME of its own, so nothing on one server's disk is shared; uploaded files go to
# FAZHI_MEDIA_ROOT (default: a folder beside them, standing for the shared mount or object store). Every other
# setting (FAZHI_ENV, FAZHI_SECRET_KEY — the same on both servers —, FAZHI_S3_*, …) comes from the environment.
# FAZHI_FORWARDED_PROTO: the X-Forwarded-Proto nginx sends (default its own scheme; https when a TLS proxy in
# front of it, or a test, stands for one). nginx runs as the current user; config, pids and logs are in
# FAZHI_SERVERS_DIR (default /tmp/fazhi-servers-PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${FAZHI_SERVERS_PORT:-8080}
DIR=${FAZHI_SERVERS_DIR:-/tmp/fazhi-servers-$PORT}
WORKERS=${FAZHI_SERVER_WORKERS:-2}
NGINX=${FAZHI_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
GUNICORN=${FAZHI_GUNICORN:-$PWD/.venv/bin/gunicorn}
PYTHON=${FAZHI_PYTHON:-$PWD/.venv/bin/python}
SERVERS=(1 2)

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Like pg_ctl -w: wait until each URL answers /healthz with 200.
wait_for() {
  "$PYTHON" - "$@" <<'PY' || { tail -n 20 "$DIR"/server-*.log "$DIR/nginx-error.log" >&2; exit 1; }
import sys, time, urllib.request
deadline = time.monotonic() + 90
for url in sys.argv[1:]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"no answer from {url}")
        time.sleep(0.1)
PY
}

write_nginx_conf() {
  local user="" max_mb=$(( ${FAZHI_EVIDENCE_MAX_MB:-50} + 10 ))
  # A master started by root would hand its workers to `nobody`; keep them the current user, like the rest.
  [ "$(id -u)" = 0 ] && user="user $(id -un) $(id -gn);"
  mkdir -p "$DIR/nginx"
  cat > "$DIR/nginx.conf" <<CONF
$user
worker_processes 1;
daemon on;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
  log_format upstream '\$remote_addr "\$request" \$status \$upstream_addr \$upstream_status \$request_time';
  access_log $DIR/nginx-access.log upstream;
  client_body_temp_path $DIR/nginx/body;
  proxy_temp_path $DIR/nginx/proxy;
  fastcgi_temp_path $DIR/nginx/fastcgi;
  uwsgi_temp_path $DIR/nginx/uwsgi;
  scgi_temp_path $DIR/nginx/scgi;
  # evidence uploads (FAZHI_EVIDENCE_MAX_MB) and Excel imports pass through; nginx's default is 1 MB
  client_max_body_size ${max_mb}m;
  server_tokens off;

  upstream fazhi {
    # passive health checks: a server that refuses or drops a connection is skipped for fail_timeout
$(for i in "${SERVERS[@]}"; do echo "    server 127.0.0.1:$((PORT + i)) max_fails=1 fail_timeout=10s;"; done)
  }

  server {
    listen 127.0.0.1:$PORT;
    location / {
      proxy_pass http://fazhi;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-Proto ${FAZHI_FORWARDED_PROTO:-\$scheme};
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      # Failover: a request the server could not take (refused, reset, timed out, 502) goes to the other one.
      # A POST/PATCH/DELETE already sent is never retried (no "non_idempotent"): it may have been done.
      proxy_next_upstream error timeout http_502;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
      # for tests and benches: which server answered
      add_header X-Fazhi-Upstream \$upstream_addr always;
    }
  }
}
CONF
}

case "${1:-start}" in
  start)
    case "${DATABASE_URL:-}" in
      "" | sqlite*) echo "两台应用服务器须共用一个 PostgreSQL 数据库：请设置 DATABASE_URL（scripts/pg-local.sh start）" >&2; exit 1 ;;
    esac
    [ -x "$NGINX" ] || { echo "未找到 nginx（请安装 Debian 的 nginx 软件包）" >&2; exit 1; }
    [ -x "$GUNICORN" ] || { echo "未找到 gunicorn：$GUNICORN" >&2; exit 1; }
    mkdir -p "$DIR"
    media=${FAZHI_MEDIA_ROOT:-$DIR/shared-media}
    for i in "${SERVERS[@]}"; do
      alive "$DIR/server-$i.pid" && continue
      mkdir -p "$DIR/server-$i"
      # behind this one nginx: its X-Forwarded-For entry is the client (fazhi.core.proxy)
      FAZHI_TRUSTED_PROXIES=${FAZHI_TRUSTED_PROXIES:-1} \
        FAZHI_HOME="$DIR/server-$i" FAZHI_MEDIA_ROOT="$media" "$GUNICORN" fazhi.wsgi:application \
        --bind "127.0.0.1:$((PORT + i))" --workers "$WORKERS" --preload --timeout 30 \
        --pid "$DIR/server-$i.pid" --error-logfile "$DIR/server-$i.log" --capture-output --daemon
    done
    # the servers first: nginx asked before they are up would leave them out for fail_timeout
    wait_for $(for i in "${SERVERS[@]}"; do echo "http://127.0.0.1:$((PORT + i))/healthz"; done)
    write_nginx_conf
    if ! alive "$DIR/nginx.pid"; then
      "$NGINX" -p "$DIR/nginx" -c "$DIR/nginx.conf" -e "$DIR/nginx-error.log"
    fi
    wait_for "http://127.0.0.1:$PORT/healthz"
    echo "http://127.0.0.1:$PORT"
    ;;
  stop)
    [ -s "$DIR/nginx.pid" ] && kill -QUIT "$(cat "$DIR/nginx.pid")" 2>/dev/null || true
    for i in "${SERVERS[@]}"; do
      alive "$DIR/server-$i.pid" && kill -TERM "$(cat "$DIR/server-$i.pid")" 2>/dev/null || true
    done
    for _ in $(seq 1 100); do
      running=0
      for f in "$DIR/nginx.pid" "$DIR"/server-*.pid; do alive "$f" && running=1; done
      [ $running = 0 ] && break
      sleep 0.2
    done
    rm -f "$DIR/nginx.pid" "$DIR"/server-*.pid
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
