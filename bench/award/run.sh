#!/usr/bin/env bash
# Award statistics benchmark: Guichet's `guichet bench award` beside the numpy peer, in one run
# (the machines are noisy: compare the ratio from the same run, never times from another day).
#
# Same workload on both sides: 4 companies × 225 tests (140/50/15/10/10), stratified bootstrap
# within channels, 10,000 resamples, company mark = plain mean of its 225 test marks.
# The peer times only the resampling loop; compare it with Guichet's "bootstrap" lines.
#
#   bench/award/run.sh            # 3 rounds
#   ROUNDS=5 GUICHET=path/to/guichet bench/award/run.sh
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
VENV=${VENV:-/tmp/award-peer-venv}
PEER=${PEER:-/work/shared/peers/queueing/rank_bootstrap.py}
GUICHET=${GUICHET:-.build/release/guichet}
ROUNDS=${ROUNDS:-3}

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet numpy
fi
if [ ! -x "$GUICHET" ]; then
    swift build -c release --product guichet
fi

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "numpy $("$VENV/bin/python" -c 'import numpy; print(numpy.__version__)')"
for round in $(seq 1 "$ROUNDS"); do
    echo "--- round $round"
    "$GUICHET" bench award
    "$VENV/bin/python" "$PEER" | grep -E "^bootstrap:"
done
