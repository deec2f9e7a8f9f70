import Foundation

/// The core of `guichet bench simulate`: the model of /work/shared/peers/queueing/sim_bench.py, so Guichet's
/// throughput can be set beside SimPy, Ciw and a plain-Python heap in the same run.
public enum SimulationBenchmark {
    /// What one benchmark run measured.
    public struct Result: Sendable, Hashable, Codable {
        public let replications: Int
        /// Worker threads used (1 when run sequentially).
        public let threads: Int
        /// Calls simulated over all replications.
        public let calls: Int
        public let wallSeconds: Double
        /// Calls simulated per wall-clock second.
        public let callsPerSecond: Double
        /// `callsPerSecond / threads`: the figure to compare with the single-threaded Python peers.
        public let callsPerSecondPerThread: Double
        /// Answered within 30 s / offered, as sim_bench's SL30.
        public let serviceLevel30: Estimate
        /// Abandoned / offered.
        public let abandonment: Estimate
        /// Mean wait over all calls (s), as sim_bench's Wq_s.
        public let meanWaitSeconds: Estimate
        /// P(wait > 60 s | answered).
        public let probabilityWaitExceeds60Answered: Estimate
    }

    /// sim_bench's model: 16 agents, λ = 2,000/660 calls per minute, exponential AHT 4 min and patience 3 min,
    /// one FIFO queue, 3,960 minutes (six 11-hour days run back to back). `patience: nil` removes abandonment.
    public static func simBenchScenario(patience: Double? = 180) -> SimulationScenario {
        .singleQueue(
            intervalLengths: [3960 * 60], arrivalRates: [2000.0 / 39_600], agents: [16],
            handlingTime: .exponential(mean: 240), patience: patience.map { .exponential(mean: $0) })
    }

    /// Runs the sim_bench model for `replications` replications (in parallel when `parallel`).
    ///
    /// Differences from sim_bench, all small: calls arriving before the horizon are followed to the end (sim_bench
    /// drops the few still unresolved at T), and statistics are means of per-replication ratios.
    public static func simulate(
        replications: Int = 200, seed: UInt64 = 1, patience: Double? = 180, parallel: Bool = true,
        progress: (@Sendable (Double) -> Void)? = nil
    ) throws(StaffingError) -> Result {
        let simulator = try ContactCentreSimulator(scenario: simBenchScenario(patience: patience))
        guard replications >= 2 else {
            throw .invalidParameter(name: "replications", value: Double(replications), expected: "at least 2")
        }
        let rules = AwardRules()
        let begin = DispatchTime.now().uptimeNanoseconds
        let counts = simulator.runReplications(
            replications: replications, seed: seed, award: rules, fast: true, parallel: parallel,
            progress: progress)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        let calls = counts.reduce(0) { $0 + $1.calls }
        func ratio(_ num: Int, _ den: Int) -> Estimate {
            Estimate(counts.map { $0.tallies[num] / $0.tallies[den] }, confidence: 0.95)
        }
        let threads = parallel ? min(replications, ProcessInfo.processInfo.activeProcessorCount) : 1
        return Result(
            replications: replications, threads: threads, calls: calls, wallSeconds: wall,
            callsPerSecond: Double(calls) / wall, callsPerSecondPerThread: Double(calls) / wall / Double(threads),
            serviceLevel30: ratio(Tally.answeredWithin, Tally.offered),
            abandonment: ratio(Tally.abandoned, Tally.offered),
            meanWaitSeconds: ratio(Tally.waitSum, Tally.offered),
            probabilityWaitExceeds60Answered: ratio(Tally.answeredAfterRing, Tally.answered))
    }

    /// Erlang C evaluations per second (P(wait) and SL(30 s)) on `agents` agents at 85 % occupancy.
    public static func erlangCEvaluationsPerSecond(agents: Int = 16, evaluations: Int = 2_000_000) throws(StaffingError)
        -> Double
    {
        let aht = 240.0
        let rate = 0.85 * Double(agents) / aht
        var sink = 0.0
        let begin = DispatchTime.now().uptimeNanoseconds
        for i in 0..<evaluations {
            // Vary the rate a little so the work cannot be hoisted out of the loop.
            let model = try ErlangC(arrivalRate: rate * (1 + Double(i & 7) * 1e-6), averageHandlingTime: aht,
                                    agents: agents)
            sink += try model.outcome.metrics?.serviceLevel(within: 30) ?? 0
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        precondition(sink > 0)
        return Double(evaluations) / wall
    }
}
