"""Summary of bench/contacts/run.sh's results.txt: medians over rounds [min–max], ratios and the issue's targets.

usage: python3 summary.py results.txt
Targets (issue 5): ≥ 2,000 contacts/s at p99 < 25 ms, ≥ 30× the peer, ≥ 50 % of the database's insert ceiling.
"""
import statistics
import sys
from collections import defaultdict

runs = []
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#") or "=" not in line:
        continue
    fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
    runs.append(fields)


def f(run, key):
    try:
        return float(run[key])
    except (KeyError, ValueError):
        return float("nan")


def span(values, fmt="{:.0f}"):
    values = [v for v in values if v == v]
    if not values:
        return "–"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} [{fmt.format(min(values))}–{fmt.format(max(values))}]"


groups = defaultdict(list)
for run in runs:
    groups[(run["db"], run["system"], int(run.get("conns") or 0), run.get("mode", ""))].append(run)

# Ceilings, per round: PostgreSQL = best pgbench client count; SQLite = the loop with Guichet's pragmas (and WAL).
ceiling = {}
pg_by_round = defaultdict(float)
for run in runs:
    if run["system"] == "pgbench":
        pg_by_round[run["round"]] = max(pg_by_round[run["round"]], f(run, "rows_per_s"))
if pg_by_round:
    ceiling["postgres"] = statistics.median(pg_by_round.values())
sqlite_guichet = [f(r, "rows_per_s") for r in runs if r["system"] == "sqlite-loop" and r.get("mode") == "wal-full"]
sqlite_default = [f(r, "rows_per_s") for r in runs if r["system"] == "sqlite-loop" and r.get("mode") == "default"]
sqlite_wal = [f(r, "rows_per_s") for r in runs if r["system"] == "sqlite-loop" and r.get("mode") == "wal"]
# The ceiling is the loop with Guichet's own settings (older result files have only the `default` mode).
if sqlite_guichet or sqlite_default:
    ceiling["sqlite"] = statistics.median(sqlite_guichet or sqlite_default)

peer = {db: statistics.median(f(r, "ok_rps") for r in rs)
        for (db, system, _, _), rs in groups.items() if system == "helpdesk"}

print("| DB | system | conns | contacts/s | p50 ms | p99 ms | non-201 | offered in the request | stored = 201 (+ in flight) | checks | CPU s guichet / postgres / wrk | vs peer | vs DB ceiling |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (db, system, conns, _), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] != "helpdesk", kv[0][1], kv[0][2])):
    if system not in ("guichet", "helpdesk"):
        continue
    rps = [f(r, "ok_rps") for r in rs]
    med = statistics.median(rps)
    nonok = sum(int(f(r, "non201")) + int(f(r, "sock_errors")) for r in rs)
    if system == "guichet":
        assigned = span([100 * f(r, "assigned") / max(1, f(r, "ok201")) for r in rs], "{:.0f} %")
        stored = ", ".join(f"{r['stored']}/{r['ids201']}" for r in rs)
        checks = "ok" if all(r.get("ok") == "1" for r in rs) else "FAILED"
        ooo = sum(int(f(r, "out_of_order")) for r in rs)
        if ooo:
            checks += f"; {100 * ooo / max(1, sum(int(f(r, 'stored')) for r in rs)):.0f} % logs out of order"
        cpu = span([f(r, "cpu_guichet_s") for r in rs], "{:.1f}") + " / " + span(
            [f(r, "cpu_postgres_s") for r in rs], "{:.1f}") + " / " + span([f(r, "cpu_wrk_s") for r in rs], "{:.1f}")
    else:
        assigned = "–"
        stored = ", ".join(f"{r.get('db_tickets', '?')}/{r.get('ok201', '?')}" for r in rs)
        checks = "–"
        cpu = "–"
    vs_peer = f"{med / peer[db]:.1f}×" if system == "guichet" and db in peer else "1×" if system == "helpdesk" else "–"
    vs_ceiling = f"{100 * med / ceiling[db]:.0f} %" if db in ceiling else "–"
    print(f"| {db} | {system} | {conns} | {span(rps)} | {span([f(r, 'p50_ms') for r in rs], '{:.1f}')} | "
          f"{span([f(r, 'p99_ms') for r in rs], '{:.1f}')} | {nonok} | {assigned} | {stored} | {checks} | {cpu} | "
          f"{vs_peer} | {vs_ceiling} |")

floors = [(db, conns, rs) for (db, system, conns, _), rs in sorted(groups.items()) if system == "guichet-floor"]
if floors:
    print()
    print("Floor: the same requests refused (422) once the token is checked and the body decoded — no database:")
    for db, conns, rs in floors:
        per_request = [1000 * f(r, "cpu_guichet_s") / max(1, f(r, "completed")) for r in rs]
        print(f"  {db}, c={conns}: {span([f(r, 'rps') for r in rs])} requests/s, "
              f"p99 {span([f(r, 'p99_ms') for r in rs], '{:.1f}')} ms, "
              f"{span(per_request, '{:.2f}')} ms of Guichet's CPU per request")
    for (db, system, conns, _), rs in sorted(groups.items()):
        if system == "guichet":
            per_contact = [1000 * (f(r, "cpu_guichet_s") + f(r, "cpu_postgres_s")) / max(1, f(r, "ok201"))
                           for r in rs]
            whose = "Guichet + PostgreSQL's cluster" if db == "postgres" else "Guichet, SQLite inside it"
            print(f"  beside it, intake on {db} at c={conns}: {span(per_contact, '{:.2f}')} ms of CPU per contact "
                  f"({whose}; two cores, wrk included, allow 1.00 ms at 2,000/s)")

print()
print("Database insert ceilings (one row per transaction):")
for (db, system, conns, _), rs in sorted(groups.items()):
    if system == "pgbench":
        print(f"  pgbench, {conns} clients: {span([f(r, 'rows_per_s') for r in rs])} rows/s, "
              f"p50 {span([f(r, 'p50_ms') for r in rs], '{:.2f}')} ms, p99 {span([f(r, 'p99_ms') for r in rs], '{:.2f}')} ms")
for mode, values in (("Guichet's settings (WAL, synchronous FULL)", sqlite_guichet),
                     ("SQLite's defaults (journal DELETE, synchronous FULL)", sqlite_default),
                     ("WAL + synchronous=NORMAL", sqlite_wal)):
    if values:
        print(f"  SQLite loop, {mode}: {span(values)} rows/s")

print()
print("Targets: ≥ 2,000 contacts/s at p99 < 25 ms, ≥ 30× the peer, ≥ 50 % of the DB ceiling")
for db in sorted({k[0] for k in groups}):
    best = None
    for (d, system, conns, _), rs in groups.items():
        if d != db or system != "guichet":
            continue
        rps = statistics.median(f(r, "ok_rps") for r in rs)
        p99 = statistics.median(f(r, "p99_ms") for r in rs)
        if p99 < 25 and (best is None or rps > best[0]):
            best = (rps, p99, conns)
    if best is None:
        print(f"  {db}: no connection count kept p99 under 25 ms → throughput target NOT met")
        continue
    rps, p99, conns = best
    line = f"  {db}: best with p99 < 25 ms: {rps:.0f}/s at c={conns} (p99 {p99:.1f} ms) → "
    line += "≥ 2,000/s MET" if rps >= 2000 else f"≥ 2,000/s NOT met ({rps / 2000:.0%} of it)"
    if db in peer:
        line += f"; {rps / peer[db]:.1f}× peer → " + ("≥ 30× MET" if rps / peer[db] >= 30 else "≥ 30× NOT met")
    if db in ceiling:
        line += f"; {100 * rps / ceiling[db]:.0f} % of the DB ceiling → " + (
            "≥ 50 % MET" if rps / ceiling[db] >= 0.5 else "≥ 50 % NOT met")
    print(line)
