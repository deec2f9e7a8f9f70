#!/usr/bin/env bash
# Where an intake's time goes (bench/contacts): run after run.sh (it needs the peer's PostgreSQL cluster on
# 127.0.0.1:55440 and a Guichet binary). Bounded: a few seconds per step.
#
#  1. SQL per intake: a fresh database `guichet_profile` with log_statement = all, the same set-up as run.sh
#     (1 agent, room for 50 e-mails), then N intakes one after the other with curl (the first N/2 are offered,
#     the rest wait: both kinds of dispatch are counted); the server log's statements between two markers,
#     grouped by their first words, divided by N.
#  2. The same SQL without Guichet: pgbench replays one intake's statements (pgbench_guichet_sql.sql) at 1 and
#     8 clients, so the database's share of an intake can be told from Guichet's.
#  3. perf: `perf record` on the guichet process during a DUR s wrk run at 32 connections, per DSO and top symbols.
#
#   bench/contacts/profile.sh                   # N=100, DUR=8
#   GUICHET=path/to/guichet N=200 bench/contacts/profile.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/contacts
PEERDIR=${PEERDIR:-/tmp/peer-helpdesk}
GUICHET=${GUICHET:-$ROOT/.build-bench/release/guichet}
N=${N:-100}; DUR=${DUR:-8}; PORT=${PORT:-8742}; PCONNS=${PCONNS:-32}; STEPS=${STEPS:-"1 2 3"}   # STEPS: which of the three to run
PG_PORT=55440; PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGLOG=$PEERDIR/pg/log
OUT=${OUT:-/tmp/guichet-bench-contacts/profile-$(date +%Y%m%dT%H%M%S)}
mkdir -p "$OUT"; OUT=$(readlink -f "$OUT")
GPID=""
trap '[ -n "$GPID" ] && { kill "$GPID" 2>/dev/null; wait "$GPID" 2>/dev/null; }; true' EXIT
pgsql() { PGOPTIONS='-c client_min_messages=warning' "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

URL="postgres://guichet:guichet@127.0.0.1:$PG_PORT/guichet_profile"
pgsql -c "DROP DATABASE IF EXISTS guichet_profile WITH (FORCE)" -c "CREATE DATABASE guichet_profile OWNER guichet"
"$GUICHET" migrate --database "$URL" >/dev/null
"$GUICHET" org create --name Bench --kind brand --slug bench --database "$URL" >/dev/null
echo "bench-password-$$" | "$GUICHET" user create --org bench --email admin@bench.test --role admin --name Admin \
    --database "$URL" >/dev/null
TOKEN=$("$GUICHET" token create --email admin@bench.test --name bench --database "$URL" | tail -1)
pgsql -c "ALTER DATABASE guichet_profile SET log_statement = 'all'"
SWIFT_BACKTRACE=enable=no LOG_LEVEL=warning "$GUICHET" serve --hostname 127.0.0.1 --port "$PORT" --database "$URL" >"$OUT/guichet.log" 2>&1 &
GPID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
api() { curl -sS -f -o /dev/null -X "$1" "http://127.0.0.1:$PORT$2" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}; }
api PUT /api/v1/orgs/bench/queues/general '{"name":"Accueil"}'
CAP=$(( N / 40 > 0 ? N / 40 : 1 ))   # 20 agents (as in run.sh) with room for N/2 contacts in all
for i in $(seq -f %03g 20); do
    api PUT "/api/v1/orgs/bench/agents/a$i" '{"name":"A'$i'","queues":["general"],"capacity":{"email":'$CAP'}}'
    api POST "/api/v1/orgs/bench/agents/a$i/state" '{"state":"available"}'
done
body() { printf '{"medium":"email","subject":"prof Commande %d non re\\u00e7ue","text":"Bonjour, ma commande n\\u2019est pas arriv\\u00e9e.","customer":{"email":"prof%d.%s@exemple.fr","name":"Client %d"}}' "$1" "$1" "$$" "$1"; }
api POST /api/v1/orgs/bench/contacts "$(body 0)"      # warm: routing cache, pool connections
START=$(wc -l <"$PGLOG")
pgsql -d guichet_profile -c "SELECT 'profile-start'" >/dev/null
for i in $(seq 1 "$N"); do api POST /api/v1/orgs/bench/contacts "$(body "$i")"; done
pgsql -d guichet_profile -c "SELECT 'profile-end'" >/dev/null
sleep 0.5
tail -n +"$((START + 1))" "$PGLOG" | sed -n "/profile-start/,/profile-end/p" >"$OUT/statements.log"
{
echo "## SQL statements per intake (PostgreSQL, log_statement=all, $N intakes, sequential)"
python3 - "$OUT/statements.log" "$N" <<'PY'
import re, sys, collections
n = int(sys.argv[2])
kinds = collections.Counter()
entries = []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if re.match(r"\d{4}-\d\d-\d\d ", line) or not entries:
        entries.append(line.rstrip("\n"))
    else:
        entries[-1] += " " + line.strip()
for line in entries:
    m = re.search(r"LOG:\s+(?:execute [^:]*|statement): (.*)", line)
    if not m or "profile-" in m.group(1):
        continue
    sql = " ".join(m.group(1).split())
    key = re.sub(r"\$\d+", "$", sql)
    key = re.sub(r"'[^']*'", "'…'", key)
    words = key.split()
    head = " ".join(words[:4]) if words and words[0].upper() in ("SELECT", "UPDATE", "INSERT", "DELETE") else words[0]
    if words and words[0].upper() == "SELECT":
        table = re.search(r"\bFROM\s+\"?(\w+)", key, re.I)
        head = "SELECT … FROM " + (table.group(1) if table else "?") + (" FOR UPDATE" if "FOR UPDATE" in key.upper() else "")
    elif words and words[0].upper() in ("UPDATE", "INSERT", "DELETE"):
        table = re.search(r"\b(?:UPDATE|INTO|FROM)\s+\"?(\w+)", key, re.I)
        head = words[0].upper() + " " + (table.group(1) if table else "?")
    kinds[head] += 1
total = sum(kinds.values())
print(f"total {total} statements for {n} intakes = {total / n:.1f} per intake")
for head, count in kinds.most_common():
    print(f"  {count / n:5.2f}  {head}")
PY
} | tee "$OUT/sql-per-intake.txt"
pgsql -c "ALTER DATABASE guichet_profile RESET log_statement"
kill "$GPID"; wait "$GPID" 2>/dev/null || true; GPID=""

# 2. Guichet's SQL replayed by pgbench, against the same database (its organisation, queue and agent).
if [[ " $STEPS " == *" 2 "* ]]; then
ORG=$(pgsql -d guichet_profile -c "SELECT id FROM organisations WHERE slug = 'bench'")
echo "## pgbench replaying one intake's SQL (pgbench_guichet_sql.sql), ${DUR}s" | tee -a "$OUT/sql-per-intake.txt"
for c in 1 8; do
    tps=$(timeout $((DUR + 30)) "$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U guichet -n -M extended -c "$c" -j 2 -T "$DUR" \
        -D org="$ORG" -f "$HERE/pgbench_guichet_sql.sql" guichet_profile 2>&1 | tee "$OUT/pgbench-guichet-c$c.txt" \
        | sed -n 's/^tps = \([0-9.]*\).*/\1/p; s/^latency average = \(.*\)/lat \1/p' | tr '\n' ' ')
    echo "  clients=$c intakes/s (tps, latency): $tps" | tee -a "$OUT/sql-per-intake.txt"
done
fi

# 3. perf on the guichet process under load (PostgreSQL, 32 connections, intake only).
if [[ " $STEPS " == *" 3 "* ]] && command -v perf >/dev/null; then
    SWIFT_BACKTRACE=enable=no LOG_LEVEL=warning "$GUICHET" serve --hostname 127.0.0.1 --port "$PORT" --database "$URL" >>"$OUT/guichet.log" 2>&1 &
    GPID=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
    for i in $(seq -f %03g 20); do   # room again: what waits is offered on the first intake
        api PUT "/api/v1/orgs/bench/agents/a$i" '{"name":"A'$i'","queues":["general"],"capacity":{"email":50}}'
    done
    timeout 20 wrk -t2 -c4 -d2s -s "$HERE/intake.lua" "http://127.0.0.1:$PORT" -- "$TOKEN" bench "pw$$" >/dev/null
    perf record -F 499 -g -p "$GPID" -o "$OUT/perf.data" -- sleep "$DUR" >/dev/null 2>&1 &
    PPID_=$!
    timeout $((DUR + 30)) wrk -t1 -c"$PCONNS" -d"${DUR}s" --latency -s "$HERE/intake.lua" "http://127.0.0.1:$PORT" -- "$TOKEN" bench "pp$$" \
        | grep '^RESULT' | tee "$OUT/perf-wrk.txt"
    wait "$PPID_" || true
    {
    echo "## perf: guichet CPU by DSO (PostgreSQL, c=$PCONNS, ${DUR}s)"
    perf report -i "$OUT/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12
    echo "## perf: top symbols"
    perf report -i "$OUT/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -40 \
        | cut -c1-160
    } | tee "$OUT/perf.txt"
fi
echo "profile: $OUT"
