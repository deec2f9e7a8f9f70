#!/usr/bin/env bash
# Simulation and Erlang C throughput of Guichet beside the Python peers of sim_bench.py, in one run
# (the machines are noisy: compare ratios from the same run, never absolute times from another day).
#
#   bench/staffing/run.sh [replications]        # default 400 replications of sim_bench's week
#
# Guichet side: `guichet bench simulate` and `guichet bench erlang` when the CLI is built (GUICHET_BIN, default
# .build/release/guichet; e.g. GUICHET_BIN=.build-staffing-release/release/guichet);
# until then, a throwaway package that links only GuichetCore (no Vapor) runs the same public functions:
# SimulationBenchmark.simulate(...) and SimulationBenchmark.erlangCEvaluationsPerSecond(...).
# Python side: sim_bench.py heapq simpy ciw (from /work/shared/peers/queueing) in a venv.
set -euo pipefail
REPS="${1:-400}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PEERS="${PEERS:-/work/shared/peers/queueing}"
VENV="${VENV:-/tmp/guichet-bench-venv}"
GUICHET_BIN="${GUICHET_BIN:-$ROOT/.build/release/guichet}"

echo "== Guichet (Swift, release) =="
if [ -x "$GUICHET_BIN" ] && "$GUICHET_BIN" bench simulate --help >/dev/null 2>&1; then
    # JSON lines with sim_bench.py's keys (plus 95 % half-widths); `--format table` gives the same for people.
    "$GUICHET_BIN" bench simulate --replications "$REPS" --format json
    "$GUICHET_BIN" bench erlang --agents 16 1000 --format json
else
    PKG=/tmp/guichet-bench-core
    mkdir -p "$PKG/Sources/BenchCore"
    ln -sfn "$ROOT/Sources/GuichetCore" "$PKG/Sources/GuichetCore"
    cat > "$PKG/Package.swift" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "guichet-bench-core",
    targets: [
        .target(name: "GuichetCore", resources: [.copy("Award/Scorecards")]),
        .executableTarget(name: "BenchCore", dependencies: ["GuichetCore"]),
    ],
    swiftLanguageModes: [.v6]
)
SWIFT
    cat > "$PKG/Sources/BenchCore/main.swift" <<'SWIFT'
import Foundation
import GuichetCore

let reps = Int(CommandLine.arguments.dropFirst().first ?? "400") ?? 400
func line(_ label: String, _ r: SimulationBenchmark.Result) {
    print(String(format: "{\"engine\": \"guichet-%@\", \"reps\": %d, \"threads\": %d, \"calls\": %d, "
        + "\"wall_s\": %.4f, \"calls_per_wall_s\": %.0f, \"calls_per_s_per_thread\": %.0f, \"SL30\": %.4f, "
        + "\"abandon\": %.4f, \"Wq_s\": %.4f, \"P_wait_gt_60s_answered\": %.4f}",
        label, r.replications, r.threads, r.calls, r.wallSeconds, r.callsPerSecond, r.callsPerSecondPerThread,
        r.serviceLevel30.mean, r.abandonment.mean, r.meanWaitSeconds.mean, r.probabilityWaitExceeds60Answered.mean))
}
_ = try SimulationBenchmark.simulate(replications: 20, parallel: false)  // warm-up
line("1thread", try SimulationBenchmark.simulate(replications: reps, seed: 1, parallel: false))
line("allcores", try SimulationBenchmark.simulate(replications: reps, seed: 1, parallel: true))
line("1thread-nopatience", try SimulationBenchmark.simulate(replications: reps, seed: 1, patience: nil, parallel: false))
for c in [16, 1000] {
    let rate = try SimulationBenchmark.erlangCEvaluationsPerSecond(agents: c, evaluations: c > 100 ? 50_000 : 2_000_000)
    print(String(format: "{\"engine\": \"guichet-erlang-c\", \"agents\": %d, \"evaluations_per_s\": %.0f}", c, rate))
}
SWIFT
    (cd "$PKG" && swift build -c release -q 2>&1 | grep -v "^\[" || true)
    "$PKG/.build/release/BenchCore" "$REPS"
fi

echo "== Python peers (sim_bench.py, same machine, same run) =="
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q ciw==3.2.7 simpy==4.1.2
fi
(cd "$PEERS" && "$VENV/bin/python" sim_bench.py heapq simpy ciw)
