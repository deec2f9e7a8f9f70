#!/usr/bin/env bash
# Contact intake + assignment through the API, side by side in one run with django-helpdesk 2.6.1
# (../shared/peers/helpdesk), on SQLite and on PostgreSQL, with each database's own insert ceiling beside it.
# (The machines are noisy: compare ratios from the same run, never times from another day.)
#
#   bench/contacts/run.sh                               # 3 rounds, 10 s per load run, c = 10 32 64
#   ROUNDS=1 DUR=10 CONNS="10 64" DBS=postgres bench/contacts/run.sh
#
# Each round, for each database:
#  * the peer: its own bench_api.sh (gunicorn, 5 workers) at 10 connections, POST /api/tickets/;
#  * Guichet: a fresh database, an organisation `bench` (brand), an admin, an API token, a queue `general`,
#    a routing configuration (motifs found by keywords), AGENTS agents with room for 50 e-mails each, all
#    available. Then, for DUR s at each connection count: `wrk --latency` with intake.lua — a distinct French
#    e-mail contact from a distinct customer each request, POST /api/v1/orgs/bench/contacts, which identifies
#    the customer, sets the motif, routes, queues and offers to an agent in the same request — and, beside it,
#    the agents (resolve.lua, RESOLVERS connections): they list what was offered to them and record `answered`
#    then `resolved` on each, which frees the slot and offers the next waiting contact. AGENTS × 50 slots (2,000)
#    fill within the first seconds at today's rates: from then on a contact is offered when a resolver frees a
#    slot (RESOLVERS=2) or waits in the queue (RESOLVERS=0); each request still runs the ACD. The intake
#    rate and its latencies are the intake stream's alone. Afterwards verify.py checks in the database that every 201 is a
#    stored contact with its `created` and `queued` events, that none was offered twice, no agent over capacity.
#  * Guichet's floor: the same requests at the largest connection count, each refused (422) once its token is
#    checked and its whole body decoded — what HTTP, authentication and JSON cost without the database;
#  * the database's insert ceiling: pgbench (custom script, one contact-sized row per transaction, same cluster,
#    same settings) at 1, 8 and 32 clients; a bare SQLite insert loop (sqlite_ceiling.py) with Guichet's settings
#    (WAL, synchronous=FULL, foreign_keys), SQLite's defaults (rollback journal) and WAL + synchronous=NORMAL.
# PostgreSQL: the peer's own throwaway cluster (127.0.0.1:55440, PostgreSQL 15, default settings,
# synchronous_commit=on), with a second database `guichet_bench` for Guichet and `guichet_ceiling` for pgbench.
# One thing runs at a time; the load generator shares the 2 cores with the server and the database.
#
# env: GUICHET (binary; default: build into .build-bench), ROUNDS (3), DUR (10), CONNS ("10 32 64"),
#      DBS ("sqlite postgres"), AGENTS (40), RESOLVERS (2; 0 = intake only, agents fill up and contacts queue),
#      PEER_CONNS (10; "" skips the peer), PEERDIR (/tmp/peer-helpdesk), OUT (results folder), PORT (8741),
#      FLOOR (1; 0 skips the floor run: the same requests refused at validation, no database),
#      WHATIF (experiments, not the default set-up; recorded in each result line):
#        pg-async-commit  ALTER DATABASE guichet_bench SET synchronous_commit = off (commits no longer wait
#                         for the WAL flush: shows what the fsyncs cost; the pgbench ceiling is then run the same way).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/contacts
PEER=${PEER:-$(cd "$ROOT/.." && pwd)/shared/peers/helpdesk}
PEERDIR=${PEERDIR:-/tmp/peer-helpdesk}
ROUNDS=${ROUNDS:-3}; DUR=${DUR:-10}; CONNS=${CONNS:-"10 32 64"}; DBS=${DBS:-"sqlite postgres"}
AGENTS=${AGENTS:-40}; RESOLVERS=${RESOLVERS:-2}; PEER_CONNS=${PEER_CONNS-10}; PORT=${PORT:-8741}; CPU=${CPU:-1}
CAPACITY=50; GDB=${GDB:-guichet_bench}   # PostgreSQL database Guichet runs on (dropped and made again)
PG_PORT=55440; PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
OUT=${OUT:-/tmp/guichet-bench-contacts/$(date +%Y%m%dT%H%M%S)}
mkdir -p "$OUT"; OUT=$(readlink -f "$OUT")
RESULTS=$OUT/results.txt
WORK=$(mktemp -d)
GPID=""
cleanup() {
    if [ -n "$GPID" ]; then kill "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${GUICHET:-}" ]; then
    (cd "$ROOT" && swift build -c release --scratch-path "$ROOT/.build-bench" --product guichet 2>&1 | tail -1)
    GUICHET=$ROOT/.build-bench/release/guichet
fi
[ -x "$GUICHET" ] || { echo "no guichet binary at $GUICHET" >&2; exit 1; }

# The peer, with its own scripts (installs wrk and hey from Debian if missing; starts its PostgreSQL cluster).
bash "$PEER/setup.sh" "$PEERDIR" both >"$OUT/peer-setup.log" 2>&1 || { cat "$OUT/peer-setup.log"; exit 1; }
PEERPY=$PEERDIR/venv/bin/python          # has psycopg, used by verify.py
pgsql() { PGOPTIONS='-c client_min_messages=warning' "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
pgsql -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'guichet') THEN
          CREATE ROLE guichet LOGIN PASSWORD 'guichet'; END IF; END\$\$"

note() { echo "$*" | tee -a "$RESULTS"; }
cpu_snapshot() {  # FILE: "pid group utime+stime" for guichet and every process of the PostgreSQL cluster
    local pm; pm=$(head -1 "$PEERDIR/pg/data/postmaster.pid" 2>/dev/null || echo 0)
    { for pid in "$GPID"; do echo "$pid guichet"; done
      for pid in $pm $(pgrep -P "$pm" 2>/dev/null); do echo "$pid postgres"; done; } | while read -r pid group; do
        [ -r "/proc/$pid/stat" ] && awk -v p="$pid" -v g="$group" '{print p, g, $14 + $15}' "/proc/$pid/stat" 2>/dev/null
    done >"$1" || true
}

note "# Guichet contact intake vs django-helpdesk $(date -u +%Y-%m-%dT%H:%MZ)"
note "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
note "# guichet $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet -- Sources Package.swift || echo +uncommitted) ($GUICHET, built $(date -u -r "$GUICHET" +%H:%MZ)), $("$PGBIN/postgres" --version), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2), python sqlite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')"
note "# rounds=$ROUNDS dur=${DUR}s conns=$CONNS agents=$AGENTS×$CAPACITY e-mails resolvers=$RESOLVERS whatif=${WHATIF:-none}"

ROUTING='{"motifs": [
  {"id": "livraison", "label": {"fr": "Livraison", "en": "Delivery"}},
  {"id": "facturation", "label": {"fr": "Facturation", "en": "Billing"}},
  {"id": "resiliation", "label": {"fr": "Résiliation", "en": "Cancellation"}},
  {"id": "abonnement", "label": {"fr": "Abonnement", "en": "Subscription"}}],
 "motifRules": [
  {"id": "mots-livraison", "motif": "livraison", "conditions": [{"anyKeyword": ["commande", "colis", "livraison"]}]},
  {"id": "mots-facture", "motif": "facturation", "priority": 5, "conditions": [{"anyKeyword": ["facture", "remboursement"]}]},
  {"id": "mots-resiliation", "motif": "resiliation", "priority": 6, "conditions": [{"anyKeyword": ["résilier", "résiliation"]}]},
  {"id": "mots-abonnement", "motif": "abonnement", "conditions": [{"anyKeyword": ["abonnement", "forfait"]}]}],
 "routingRules": [
  {"id": "factu", "motif": "facturation", "target": {"queue": "general", "priority": 1}},
  {"id": "resil", "motif": "resiliation", "target": {"queue": "general", "priority": 2}}],
 "fallback": {"queue": "general"}}'

api() {  # METHOD PATH [JSON]
    curl -sS -f -o /dev/null -X "$1" "http://127.0.0.1:$PORT$2" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' ${3:+-d "$3"}
}

# A fresh Guichet database with the contact centre set up, and the server started on it.
start_guichet() {  # db
    local db=$1
    if [ "$db" = sqlite ]; then
        rm -f "$WORK"/guichet.sqlite*; URL="sqlite:$WORK/guichet.sqlite"
    else
        pgsql -c "DROP DATABASE IF EXISTS $GDB WITH (FORCE)" -c "CREATE DATABASE $GDB OWNER guichet"
        URL="postgres://guichet:guichet@127.0.0.1:$PG_PORT/$GDB"
    fi
    export LOG_LEVEL=warning SWIFT_BACKTRACE=enable=no   # no crash backtrace at shutdown (it takes ~20 s)
    "$GUICHET" migrate --database "$URL" >/dev/null 2>&1
    case "${WHATIF:-}" in
        pg-async-commit) [ "$db" = postgres ] && pgsql -c "ALTER DATABASE $GDB SET synchronous_commit = off" || true ;;
    esac
    "$GUICHET" org create --name Bench --kind brand --slug bench --database "$URL" >/dev/null
    echo "bench-password-$$" | "$GUICHET" user create --org bench --email admin@bench.test --role admin \
        --name Admin --database "$URL" >/dev/null
    TOKEN=$("$GUICHET" token create --email admin@bench.test --name bench --database "$URL" | tail -1)
    SWIFT_BACKTRACE=enable=no LOG_LEVEL=warning "$GUICHET" serve --hostname 127.0.0.1 --port "$PORT" --database "$URL" \
        >>"$OUT/guichet-$db.log" 2>&1 &
    GPID=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
    api PUT /api/v1/orgs/bench/queues/general '{"name":"Accueil"}'
    api PUT /api/v1/orgs/bench/routing "$ROUTING"
    for i in $(seq -f %03g "$AGENTS"); do
        api PUT "/api/v1/orgs/bench/agents/a$i" \
            "{\"name\":\"A$i\",\"queues\":[\"general\"],\"capacity\":{\"email\":$CAPACITY,\"form\":$CAPACITY}}"
        api POST "/api/v1/orgs/bench/agents/a$i/state" '{"state":"available"}'
    done
}
stop_guichet() {
    kill "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true; GPID=""
}

intake_load() {  # conns tag [ids_prefix] [refused]: intake.lua for DUR s → "RESULT … cpu_wrk_s=…"
    local c=$1 t=$(( $1 < 2 ? 1 : 2 ))
    { /usr/bin/time -f "WRKCPU %U %S" timeout $((DUR + 30)) wrk -t$t -c"$c" -d"${DUR}s" --timeout 10s \
        --latency -s "$HERE/intake.lua" "http://127.0.0.1:$PORT" -- "$TOKEN" bench "$2" "${3:-}" ${4:-}; } 2>&1 \
        | grep -E '^(RESULT|WRKCPU)' | awk '/^WRKCPU/ { printf "cpu_wrk_s=%.1f ", $2 + $3; next } { printf "%s ", $0 }'
}
cpu_spent() {  # CPU seconds spent between the snapshots cpu0 and cpu1
    awk -v hz="$(getconf CLK_TCK)" 'NR == FNR { t0[$1] = $3; next }
        { d[$2] += $3 - ($1 in t0 ? t0[$1] : 0) }
        END { printf "cpu_guichet_s=%.1f cpu_postgres_s=%.1f", d["guichet"] / hz, d["postgres"] / hz }' \
        "$WORK/cpu0" "$WORK/cpu1"
}

guichet_run() {  # round db conns
    local round=$1 db=$2 c=$3 tag
    start_guichet "$db"
    # warm-up, not reported (its contacts carry another tag and are resolved like the others)
    timeout 30 wrk -t2 -c4 -d3s -s "$HERE/intake.lua" "http://127.0.0.1:$PORT" -- "$TOKEN" bench "warm$$" >/dev/null
    tag="g$(date +%s%N | cut -c1-13)c$c"
    rm -f "$WORK"/ids.*
    local c0g c0p c1g c1p res="" rpid=""
    if [ "$RESOLVERS" -gt 0 ]; then
        timeout $((DUR + 30)) wrk -t"$RESOLVERS" -c"$RESOLVERS" -d"$((DUR + 1))s" -s "$HERE/resolve.lua" \
            "http://127.0.0.1:$PORT" -- "$TOKEN" bench "$RESOLVERS" 20 >"$WORK/resolver.txt" &
        rpid=$!
    fi
    cpu_snapshot "$WORK/cpu0"
    local line; line=$(intake_load "$c" "$tag" "$WORK/ids")
    cpu_snapshot "$WORK/cpu1"
    [ -n "$rpid" ] && { wait "$rpid" || true; res=$(grep '^RESOLVER' "$WORK/resolver.txt" | sed 's/^RESOLVER //; s/\([a-z_0-9]*\)=/res_\1=/g'); }
    sleep 2   # requests in flight when wrk stopped finish
    local cpu; cpu=$(cpu_spent)
    local check; check=$("$PEERPY" "$HERE/verify.py" "$URL" "$tag" "$WORK/ids" "$CAPACITY")
    stop_guichet
    note "round=$round system=guichet db=$db conns=$c ${line#RESULT } $cpu $res ${check#VERIFY } load=$(cut -d' ' -f1 /proc/loadavg)"
}

# The floor: the same requests at the largest connection count, each refused with a 422 once its token is checked
# and its whole body decoded (an empty `externalRef`) — HTTP, authentication and JSON without the database.
floor_run() {  # round db
    local round=$1 db=$2 c=${CONNS##* } line
    start_guichet "$db"
    timeout 30 wrk -t2 -c4 -d3s -s "$HERE/intake.lua" "http://127.0.0.1:$PORT" -- "$TOKEN" bench "warm$$" "" refused >/dev/null
    cpu_snapshot "$WORK/cpu0"
    line=$(intake_load "$c" "floor$$" "" refused)
    cpu_snapshot "$WORK/cpu1"
    local cpu; cpu=$(cpu_spent)
    stop_guichet
    note "round=$round system=guichet-floor db=$db conns=$c ${line#RESULT } $cpu load=$(cut -d' ' -f1 /proc/loadavg)"
}

peer_run() {  # round db
    local round=$1 db=$2 line
    line=$(bash "$PEER/bench_api.sh" "$PEERDIR" "$db" "$DUR" "$PEER_CONNS" 2>&1 | grep "^db=" || true)
    # "db=sqlite conns=10 RESULT completed=… db_tickets=N db_followups=M"
    note "round=$round system=helpdesk db=$db conns=$(echo "$line" | sed -n 's/.*conns=\([0-9]*\).*/\1/p') $(echo "$line" | sed 's/.*RESULT //') load=$(cut -d' ' -f1 /proc/loadavg)"
}

ceilings() {  # round
    local round=$1 c line
    if [[ " $DBS " == *" postgres "* ]]; then
        pgsql -c "DROP DATABASE IF EXISTS guichet_ceiling" -c "CREATE DATABASE guichet_ceiling"
        pgsql -d guichet_ceiling -f "$HERE/pgbench_schema.sql" >/dev/null
        [ "${WHATIF:-}" = pg-async-commit ] && pgsql -c "ALTER DATABASE guichet_ceiling SET synchronous_commit = off"
        for c in 1 8 32; do
            rm -f "$WORK"/pgb.*
            line=$(timeout $((DUR + 30)) "$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M extended \
                -c "$c" -j 2 -T "$DUR" -l --log-prefix="$WORK/pgb" -f "$HERE/pgbench_insert.sql" guichet_ceiling 2>&1 \
                | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
            local pct; pct=$(cat "$WORK"/pgb.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {
                printf "p50_ms=%.2f p99_ms=%.2f", a[int(NR*0.5)+1]/1000, a[int(NR*0.99)+1]/1000 }')
            note "round=$round system=pgbench db=postgres conns=$c rows_per_s=$line $pct load=$(cut -d' ' -f1 /proc/loadavg)"
        done
    fi
    if [[ " $DBS " == *" sqlite "* ]]; then
        python3 "$HERE/sqlite_ceiling.py" "$WORK/ceiling.sqlite" "$DUR" wal-full default wal | while read -r _ rest; do
            note "round=$round system=sqlite-loop db=sqlite conns=1 $rest load=$(cut -d' ' -f1 /proc/loadavg)"
        done
    fi
}

for round in $(seq 1 "$ROUNDS"); do
    for db in $DBS; do
        [ -n "$PEER_CONNS" ] && peer_run "$round" "$db"
        for c in $CONNS; do guichet_run "$round" "$db" "$c"; done
        [ "${FLOOR:-1}" = 1 ] && floor_run "$round" "$db"
    done
    ceilings "$round"
done

python3 "$HERE/summary.py" "$RESULTS" | tee "$OUT/summary.txt"
echo "results: $OUT"
