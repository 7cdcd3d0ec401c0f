#!/usr/bin/env bash
# A throwaway PostgreSQL server for tokenvault's tests and CI.
#
#   .ci/postgres.sh start    start (initializing on first use) and print, on stdout,
#                            shell `export` lines for TOKENVAULT_PG_URL and TOKENVAULT_PG_DIR;
#                            use as:  eval "$(.ci/postgres.sh start)"
#   .ci/postgres.sh stop     stop the server (fast shutdown) and delete its directory
#   .ci/postgres.sh kill     simulate a crash (pg_ctl stop -m immediate), keep the data;
#                            `start` recovers it on the same port
#   .ci/postgres.sh status   exit 0 and print the URL when running, exit 3 otherwise
#   .ci/postgres.sh url      print the URL of an initialized cluster
#
# Options (or environment):
#   --dir DIR   (TOKENVAULT_PG_DIR)  cluster directory; default ${TMPDIR:-/tmp}/tokenvault-pg
#   --port N    (TOKENVAULT_PG_PORT) port for a new cluster; default: a free one in 20000-59999
#   --fsync on|off (TOKENVAULT_PG_FSYNC) default off: a commit is acknowledged once its WAL
#               is written to the OS (synchronous_commit stays on), so it survives a server
#               crash (pg_ctl stop -m immediate) but not an OS crash; tests run 3-4x faster.
#               Use `on` to measure production-like write latency. Applies at (re)start.
#
# Idempotent: `start` on a running cluster only prints its URL; `stop` on a missing
# one does nothing. Concurrent invocations on one directory are serialized by flock.
#
# As root it installs PostgreSQL from Debian's packages when the binaries are missing
# (apt-get install -y postgresql, without starting Debian's default cluster) and runs the
# server as the unprivileged `postgres` user (created if missing). The server listens on
# 127.0.0.1 only, with SCRAM password auth and a random password kept in DIR (mode 600).
# All progress goes to stderr; stdout carries only the export lines / URL.
set -euo pipefail

log() { printf '[postgres.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cmd="${1:-}"
[ $# -gt 0 ] && shift
DIR="${TOKENVAULT_PG_DIR:-${TMPDIR:-/tmp}/tokenvault-pg}"
PORT_WANTED="${TOKENVAULT_PG_PORT:-}"
FSYNC="${TOKENVAULT_PG_FSYNC:-off}"
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="${2:?--dir needs a value}"; shift 2 ;;
    --dir=*) DIR="${1#--dir=}"; shift ;;
    --port) PORT_WANTED="${2:?--port needs a value}"; shift 2 ;;
    --port=*) PORT_WANTED="${1#--port=}"; shift ;;
    --fsync) FSYNC="${2:?--fsync needs on or off}"; shift 2 ;;
    --fsync=*) FSYNC="${1#--fsync=}"; shift ;;
    *) die "unknown option $1" ;;
  esac
done
case "$cmd" in start|stop|kill|status|url) ;; *)
  sed -n '2,28p' "$0" >&2; exit 2 ;;
esac
case "$FSYNC" in on|off) ;; *) die "--fsync must be on or off" ;; esac

# Absolute, normalized directory (the server changes directory; sockets need short paths).
mkdir -p "$(dirname "$DIR")"
DIR="$(cd "$(dirname "$DIR")" && pwd -P)/$(basename "$DIR")"
DATA="$DIR/data"
DB=tokenvault
PGUSER_NAME=postgres

# ---------------------------------------------------------------- binaries
find_bindir() {
  local d
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    d="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
    [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  fi
  # Debian keeps them out of PATH, one directory per major version; take the newest.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  return 1
}

install_postgres() {
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and I am not root; install the 'postgresql' package"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is missing"
  log "installing PostgreSQL from Debian's packages (apt-get install -y postgresql)"
  # Keep the package from starting Debian's default cluster (we run our own).
  local policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  # A failing third-party source makes `update` exit non-zero; the install decides.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || log "apt-get update reported errors; trying the install anyway"
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2 || rc=$?
  if [ -n "$(trap -p EXIT)" ]; then rm -f "$policy"; trap - EXIT; fi
  [ "$rc" = 0 ] || die "apt-get install postgresql failed ($rc)"
}

BIN=""
need_bin() {
  [ -n "$BIN" ] && return 0
  BIN="$(find_bindir)" || { install_postgres; BIN="$(find_bindir)" || die "PostgreSQL binaries not found after installing"; }
}

# ---------------------------------------------------------------- user
RUN_AS=""
as_server_user() {
  # Runs "$@" as the unprivileged server user (PostgreSQL refuses to run as root).
  if [ -n "$RUN_AS" ]; then
    (cd "$DIR" && runuser -u "$RUN_AS" -- "$@")
  else
    (cd "$DIR" && "$@")
  fi
}

pick_user() {
  if [ "$(id -u)" != 0 ]; then RUN_AS=""; return 0; fi
  RUN_AS=postgres
  if ! id -u "$RUN_AS" >/dev/null 2>&1; then
    log "creating system user $RUN_AS"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_AS" >&2 ||
      id -u "$RUN_AS" >/dev/null 2>&1 || die "cannot create user $RUN_AS"
  fi
  command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) is missing"
}

# ---------------------------------------------------------------- helpers
running() { [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ] && as_server_user "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    port_busy "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}

url() {
  local pw port
  pw="$(cat "$DIR/password")"; port="$(cat "$DIR/port")"
  printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$PGUSER_NAME" "$pw" "$port" "$DB"
}

print_exports() {
  printf "export TOKENVAULT_PG_URL='%s'\n" "$(url)"
  printf "export TOKENVAULT_PG_DIR='%s'\n" "$DIR"
}

psql_admin() {
  PGPASSWORD="$(cat "$DIR/password")" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(cat "$DIR/port")" \
    -U "$PGUSER_NAME" -d postgres "$@"
}

write_port_conf() {
  # Rewrites the port line of our configuration include.
  cat >"$DIR/conf.d/tokenvault.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = '$DIR/run'
max_connections = 300
shared_buffers = 32MB
fsync = $FSYNC
synchronous_commit = on
logging_collector = off
log_min_messages = warning
EOF
  echo "$1" >"$DIR/port"
  chmod 644 "$DIR/conf.d/tokenvault.conf"
}

init_cluster() {
  log "initializing a cluster in $DATA"
  rm -rf "$DATA" "$DIR/conf.d" "$DIR/run"
  mkdir -p "$DIR/conf.d" "$DIR/run"
  umask 077
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DIR/password"
  umask 022
  if [ -n "$RUN_AS" ]; then chown -R "$RUN_AS" "$DIR"; fi
  as_server_user "$BIN/initdb" -D "$DATA" -U "$PGUSER_NAME" --pwfile="$DIR/password" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 ||
    as_server_user "$BIN/initdb" -D "$DATA" -U "$PGUSER_NAME" --pwfile="$DIR/password" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  echo "include_dir = '$DIR/conf.d'" >>"$DATA/postgresql.conf"
  chmod 600 "$DIR/password"
}

start_server() {
  local port attempt
  for attempt in 1 2 3 4 5; do
    port="$(cat "$DIR/port" 2>/dev/null || true)"
    if [ -z "$port" ] || port_busy "$port"; then
      [ -n "$port" ] && log "port $port is taken; choosing another"
      if [ -n "$PORT_WANTED" ] && [ "$attempt" = 1 ] && ! port_busy "$PORT_WANTED"; then port="$PORT_WANTED"; else port="$(free_port)"; fi
    fi
    write_port_conf "$port"
    if [ -n "$RUN_AS" ]; then chown -R "$RUN_AS" "$DIR/conf.d" "$DIR/run"; fi
    : >"$DIR/server.log"
    if [ -n "$RUN_AS" ]; then chown "$RUN_AS" "$DIR/server.log"; fi
    if as_server_user "$BIN/pg_ctl" start -D "$DATA" -l "$DIR/server.log" -w -t 120 -s </dev/null >&2 9>&-; then
      return 0
    fi
    if grep -q -i "could not bind\|address already in use" "$DIR/server.log" 2>/dev/null; then
      log "port $port was taken while starting; retrying"
      rm -f "$DIR/port"
      continue
    fi
    cat "$DIR/server.log" >&2 || true
    die "the server did not start"
  done
  die "the server did not start after 5 attempts"
}

ensure_database() {
  local exists
  exists="$(psql_admin -tA -c "select 1 from pg_database where datname = '$DB'")" || die "cannot connect to the new server"
  [ "$exists" = 1 ] || psql_admin -c "create database $DB" >&2
}

# ---------------------------------------------------------------- commands
mkdir -p "$DIR"
chmod 755 "$DIR"
exec 9>"$DIR.lock"
flock -w 1200 9 || die "timed out waiting for the lock on $DIR"

case "$cmd" in
  start)
    need_bin
    pick_user
    if [ -n "$RUN_AS" ] && ! runuser -u "$RUN_AS" -- test -x "$DIR"; then
      die "user $RUN_AS cannot reach $DIR; choose a --dir under /tmp"
    fi
    if running && [ -f "$DIR/port" ] && [ -f "$DIR/password" ]; then
      log "already running on port $(cat "$DIR/port")"
    else
      [ -f "$DATA/PG_VERSION" ] && [ -f "$DIR/password" ] || init_cluster
      log "starting PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') from $BIN"
      start_server
      log "listening on 127.0.0.1:$(cat "$DIR/port")"
    fi
    ensure_database
    print_exports
    ;;
  stop)
    if [ -f "$DATA/PG_VERSION" ] && BIN="$(find_bindir)"; then
      pick_user
      if running; then as_server_user "$BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 -s >&2 ||
        as_server_user "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w -t 60 -s >&2 || true; fi
    fi
    rm -rf "$DIR"
    log "stopped and removed $DIR"
    ;;
  kill)
    [ -f "$DATA/PG_VERSION" ] || die "no cluster in $DIR"
    BIN="$(find_bindir)" || die "PostgreSQL binaries not found"
    pick_user
    if running; then as_server_user "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w -t 60 -s >&2; fi
    log "stopped (immediate) $DIR; 'start' recovers it"
    ;;
  status)
    [ -f "$DATA/PG_VERSION" ] || exit 3
    BIN="$(find_bindir)" || exit 3
    pick_user
    if running; then url; echo; else exit 3; fi
    ;;
  url)
    [ -f "$DIR/port" ] && [ -f "$DIR/password" ] || die "no cluster in $DIR"
    url; echo
    ;;
esac
