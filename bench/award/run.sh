#!/usr/bin/env bash
# Award statistics benchmark: Guichet's bootstrap beside the numpy peer, in one run, on the SAME marks.
# (The machines are noisy: compare ratios from the same run, never times from another day.)
#
# Each round: the peer (peers/queueing/rank_bootstrap.py, unchanged) draws its synthetic data —
# 4 companies × 225 tests (140/50/15/10/10) — and times its stratified bootstrap (10,000 resamples);
# its marks are handed to `guichet bench award --marks`, which times the same bootstrap (median of 5,
# all cores and one thread) and gives its intervals. Then the demo workload (`guichet bench award`):
# scoring + bootstrap on simulated fieldwork.
#
#   bench/award/run.sh                     # 3 rounds
#   ROUNDS=5 GUICHET=path/to/guichet bench/award/run.sh
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
VENV=${VENV:-/tmp/award-peer-venv}
PEER=${PEER:-$(cd .. && pwd)/shared/peers/queueing/rank_bootstrap.py}
GUICHET=${GUICHET:-.build/release/guichet}
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet numpy
fi
[ -x "$GUICHET" ] || swift build -c release --product guichet

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), numpy $("$VENV/bin/python" -c 'import numpy; print(numpy.__version__)')"
for round in $(seq 1 "$ROUNDS"); do
    "$VENV/bin/python" bench/award/peer_same_data.py "$PEER" "$WORK/marks.json" >"$WORK/peer.txt"
    "$GUICHET" bench award --marks "$WORK/marks.json" --format json >"$WORK/guichet.json"
    "$VENV/bin/python" - "$WORK/peer.txt" "$WORK/guichet.json" "$round" <<'PY'
import json, sys
peer = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
ours = json.load(open(sys.argv[2]))
n, g1, gp = peer["numpy_seconds"], ours["bootstrapSerialSeconds"], ours["bootstrapSeconds"]
print(f"round {sys.argv[3]}: numpy {n*1000:.1f} ms | guichet {gp*1000:.2f} ms all cores, {g1*1000:.2f} ms one thread"
      f" | ratio {n/gp:.1f}x (one thread {n/g1:.1f}x)")
for k in sorted(peer["intervals"]):
    p, g = peer["intervals"][k], ours["intervals"][k]
    print(f"  {k}: numpy [{p['lower']:.3f}, {p['upper']:.3f}] P>12 {p['pAbove12']:.3f}"
          f" | guichet [{g['lower']:.3f}, {g['upper']:.3f}] P>12 {g['probabilityAbovePassMark']:.3f}")
PY
done
echo "--- demo workload (simulated fieldwork, scoring included)"
"$GUICHET" bench award
