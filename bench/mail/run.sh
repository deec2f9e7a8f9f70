#!/usr/bin/env bash
# Email ingestion beside django-helpdesk 2.6.1 (../shared/peers/helpdesk), the same 2,000-message French
# corpus (the peer's gen_emails.py, seed 42), on SQLite and on PostgreSQL.
#
#   bench/mail/run.sh                      # both databases, ~6 min (the peer takes most of it)
#   DBS=postgres PEER=0 bench/mail/run.sh  # Guichet only
#
# * The peer: its own bench_email.sh (phase A: all files in its maildir, one `get_email` run; phase B: originals
#   then replies; phase P: 20 good messages and one raw 8bit ISO-8859-1 message).
# * Guichet: a fresh database, an organisation with the corpus's address as an email entry point, `guichet serve`
#   with its LMTP listener; deliver.py sends the 2,000 messages over CONNS (4) LMTP sessions at once, as Postfix
#   would, in three orders — the manifest's, shuffled (many replies before their original) and reversed (every
#   reply before its original) — each into a fresh organisation; verify.py then checks in the database that every
#   message is stored once, every reply is in its original's contact, every original in a contact of its own, the
#   accented text intact and every attachment stored.
# * The probe: the same 21 messages as the peer's phase P plus one malformed MIME message (a multipart whose
#   boundary never appears), on one LMTP session: the malformed one alone is refused (5xx), the others are taken.
# env: GUICHET (binary; default: build into .build-bench), DBS ("sqlite postgres"), ORDERS, CONNS (4), PEER (1), N (2000),
#      PEERDIR (/tmp/peer-helpdesk), OUT (results folder), PORT (8751), LMTP_PORT (2526)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/mail
PEERSRC=$(cd "$ROOT/.." && pwd)/shared/peers/helpdesk
PEERDIR=${PEERDIR:-/tmp/peer-helpdesk}
DBS=${DBS:-"sqlite postgres"}; CONNS=${CONNS:-4}; PEER=${PEER:-1}; N=${N:-2000}; ORDERS=${ORDERS:-"manifest shuffled reverse"}
PORT=${PORT:-8751}; LMTP_PORT=${LMTP_PORT:-2526}; PG_PORT=55440; GDB=guichet_mailbench
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
OUT=${OUT:-/tmp/guichet-bench-mail/$(date +%Y%m%dT%H%M%S)}
mkdir -p "$OUT"; OUT=$(readlink -f "$OUT"); RESULTS=$OUT/results.txt
WORK=$(mktemp -d); GPID=""
trap '[ -n "$GPID" ] && { kill "$GPID" 2>/dev/null; wait "$GPID" 2>/dev/null; }; rm -rf "$WORK"; true' EXIT

if [ -z "${GUICHET:-}" ]; then
    (cd "$ROOT" && swift build -c release --scratch-path "$ROOT/.build-bench" --product guichet 2>&1 | tail -1)
    GUICHET=$ROOT/.build-bench/release/guichet
fi
bash "$PEERSRC/setup.sh" "$PEERDIR" both >"$OUT/peer-setup.log" 2>&1 || { cat "$OUT/peer-setup.log"; exit 1; }
PY=$PEERDIR/venv/bin/python   # has psycopg (verify.py on PostgreSQL)
pgsql() { PGOPTIONS='-c client_min_messages=warning' "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
pgsql -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'guichet') THEN
          CREATE ROLE guichet LOGIN PASSWORD 'guichet'; END IF; END\$\$"
note() { echo "$*" | tee -a "$RESULTS"; }

CORPUS=$WORK/fr$N
python3 "$PEERSRC/gen_emails.py" "$CORPUS" "$N" --seed 42 >/dev/null
MANIFEST=$WORK/fr$N-manifest.jsonl
RCPT=$(grep -m1 -h '^To:' "$CORPUS"/msg-00000.eml | sed 's/^To: *//; s/\r//')
PROBE=$WORK/probe
python3 "$PEERSRC/gen_emails.py" "$PROBE" 20 --seed 43 --poison 1 >/dev/null
note "# Guichet email ingestion vs django-helpdesk $(date -u +%Y-%m-%dT%H:%MZ)"
note "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
note "# guichet $(git -C "$ROOT" rev-parse --short HEAD), corpus $N messages ($(grep -c '"reply"' "$MANIFEST") replies), to $RCPT, $CONNS LMTP sessions"

start_guichet() {  # db org-slugs...
    local db=$1; shift
    if [ "$db" = sqlite ]; then
        rm -f "$WORK"/guichet.sqlite*; URL="sqlite:$WORK/guichet.sqlite"
    else
        pgsql -c "DROP DATABASE IF EXISTS $GDB WITH (FORCE)" -c "CREATE DATABASE $GDB OWNER guichet"
        URL="postgres://guichet:guichet@127.0.0.1:$PG_PORT/$GDB"
    fi
    export SWIFT_BACKTRACE=enable=no LOG_LEVEL=warning
    "$GUICHET" migrate --database "$URL" >/dev/null 2>&1
    local first=1 token=""
    for slug in "$@"; do
        "$GUICHET" org create --name "$slug" --kind brand --slug "$slug" --database "$URL" >/dev/null
        if [ $first = 1 ]; then
            echo "bench-password-$$" | "$GUICHET" user create --org "$slug" --email admin@bench.test --role admin \
                --name Admin --database "$URL" >/dev/null
            token=$("$GUICHET" token create --email admin@bench.test --name bench --database "$URL" | tail -1); first=0
        else
            echo "bench-password-$$" | "$GUICHET" user create --org "$slug" --email admin@bench.test --role admin \
                --name Admin --database "$URL" >/dev/null 2>&1 || true
        fi
    done
    GUICHET_MAIL_LISTEN=127.0.0.1:$LMTP_PORT GUICHET_MAIL_PROTOCOL=lmtp "$GUICHET" serve --hostname 127.0.0.1 \
        --port "$PORT" --database "$URL" >>"$OUT/guichet-$db.log" 2>&1 &
    GPID=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
    TOKEN=$token
}
setup_org() {  # slug: a queue, and the corpus's address as its email entry point
    local api="http://127.0.0.1:$PORT/api/v1/orgs/$1" h="Authorization: Bearer $TOKEN"
    curl -sSf -o /dev/null -X PUT "$api/queues/general" -H "$h" -H 'Content-Type: application/json' -d '{"name":"Accueil"}'
    curl -sSf -o /dev/null -X POST "$api/entry-points" -H "$h" -H 'Content-Type: application/json' \
        -d "{\"medium\":\"email\",\"address\":\"$RCPT\",\"label\":\"Service client\"}"
}
stop_guichet() { kill "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true; GPID=""; }

for db in $DBS; do
    if [ "$PEER" = 1 ]; then
        bash "$PEERSRC/bench_email.sh" "$PEERDIR" "$db" "$N" >"$OUT/peer-$db.txt" 2>&1 || true
        while read -r line; do note "peer db=$db $line"; done < <(grep -E '^(A |B |P |startup)' "$OUT/peer-$db.txt")
    fi
    # One organisation per order (an address is one brand's entry point: each order gets the listener alone).
    for order in $ORDERS; do
        start_guichet "$db" "mail-$order"
        setup_org "mail-$order"
        line=$(python3 "$HERE/deliver.py" "$LMTP_PORT" "$CORPUS" "$MANIFEST" "$order" "$CONNS" "$RCPT")
        check=$("$PY" "$HERE/verify.py" "$URL" "mail-$order" "$MANIFEST")
        stop_guichet
        note "guichet db=$db $line"
        note "guichet db=$db order=$order verify $check"
    done
    start_guichet "$db" probe
    setup_org probe
    note "guichet db=$db probe $(python3 - "$LMTP_PORT" "$PROBE" "$RCPT" <<'PY'
import glob, json, smtplib, sys
port, folder, rcpt = int(sys.argv[1]), sys.argv[2], sys.argv[3]
files = sorted(glob.glob(folder + "/*.eml"))
malformed = (b"From: casse@exemple.fr\r\nTo: " + rcpt.encode() + b"\r\nSubject: pj\r\nMessage-ID: <malformed@probe>\r\n"
             b"Content-Type: multipart/mixed; boundary=jamais\r\n\r\nle corps sans aucune limite\r\n")
messages = [open(f, "rb").read() for f in files]
messages.insert(len(messages) // 2, malformed)
lmtp = smtplib.LMTP("127.0.0.1", port); codes = []
for data in messages:
    try:
        lmtp.sendmail("probe@exemple.fr", [rcpt], data); codes.append(250)
    except smtplib.SMTPResponseException as e:
        codes.append(e.smtp_code)
lmtp.quit()
print(json.dumps({"sent": len(messages), "codes": "".join("." if c == 250 else "[%d]" % c for c in codes),
                  "accepted": codes.count(250), "refused": len(codes) - codes.count(250)}))
PY
)"
    note "guichet db=$db probe stored $("$PY" - "$URL" <<'PY'
import sys
url = sys.argv[1]
if url.startswith("sqlite:"):
    import sqlite3; db = sqlite3.connect(url[7:])
else:
    import psycopg; db = psycopg.connect(url)
cur = db.cursor()
cur.execute("SELECT COUNT(*) FROM contact_messages"); messages = cur.fetchone()[0]
cur.execute("SELECT COUNT(*) FROM rejected_inbound"); rejected = cur.fetchone()[0]
print(f"messages={messages} rejected_inbound={rejected}")
PY
)"
    stop_guichet
done
echo "results: $RESULTS"
