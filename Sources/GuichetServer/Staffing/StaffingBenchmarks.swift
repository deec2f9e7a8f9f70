import Foundation
import GuichetCore

/// `guichet bench simulate` and `guichet bench erlang`: sim_bench's week (16 agents, M/M/c+M, 3,960 min) and
/// Erlang C throughput, printed as a table or as JSON lines with sim_bench.py's keys so bench/staffing/run.sh can
/// set them beside SimPy and Ciw from the same run.
public enum StaffingBenchmarks {
    /// One timed run of the simulation benchmark.
    public struct SimulationRun: Sendable {
        /// "guichet-1thread", "guichet-allcores", "guichet-1thread-nopatience".
        public var engine: String
        public var patience: Bool
        public var result: SimulationBenchmark.Result
    }

    /// What Erlang A says for sim_bench's model, to read the simulated statistics against.
    public struct AnalyticReference: Sendable {
        public var serviceLevel30: Double
        public var abandonment: Double
        public var meanWaitSeconds: Double
    }

    /// Warm-up, then the week on one thread, on all cores, and on one thread without abandonment (Erlang C).
    public static func simulate(replications: Int, seed: UInt64 = 1) throws -> [SimulationRun] {
        guard (2...1_000_000).contains(replications) else {
            throw ValidationFailure(pointer: "/replications", "expected 2 … 1,000,000, got \(replications)")
        }
        do {
            // The first run pays for page faults and lazily initialised tables: keep it out of the timings.
            _ = try SimulationBenchmark.simulate(replications: 20, seed: 999, parallel: false)
            return [
                SimulationRun(
                    engine: "guichet-1thread", patience: true,
                    result: try SimulationBenchmark.simulate(replications: replications, seed: seed, parallel: false)),
                SimulationRun(
                    engine: "guichet-allcores", patience: true,
                    result: try SimulationBenchmark.simulate(replications: replications, seed: seed, parallel: true)),
                SimulationRun(
                    engine: "guichet-1thread-nopatience", patience: false,
                    result: try SimulationBenchmark.simulate(
                        replications: replications, seed: seed, patience: nil, parallel: false)),
            ]
        } catch {
            throw StaffingErrors.failure(error, under: "")
        }
    }

    /// Erlang A (and C, without patience) values of sim_bench's model.
    public static func analytic(patience: Bool) throws -> AnalyticReference {
        let scenario = SimulationBenchmark.simBenchScenario()
        let rate = scenario.queues[0].arrivalRates[0]
        if patience {
            let m = try ErlangA(arrivalRate: rate, averageHandlingTime: 240, averagePatience: 180, agents: 16).metrics
            return AnalyticReference(
                serviceLevel30: try m.serviceLevel(within: 30), abandonment: m.probabilityOfAbandonment,
                meanWaitSeconds: m.meanWait)
        }
        guard let m = try ErlangC(arrivalRate: rate, averageHandlingTime: 240, agents: 16).outcome.metrics else {
            throw ValidationFailure(pointer: "", "sim_bench's model without patience is unstable")
        }
        return AnalyticReference(
            serviceLevel30: try m.serviceLevel(within: 30), abandonment: 0, meanWaitSeconds: m.averageSpeedOfAnswer)
    }

    /// sim_bench.py-style JSON lines.
    public static func jsonLines(_ runs: [SimulationRun]) -> String {
        runs.map { run in
            let r = run.result
            return String(
                format: "{\"engine\": \"%@\", \"patience_min\": %@, \"reps\": %d, \"threads\": %d, \"calls\": %d, "
                    + "\"wall_s\": %.4f, \"calls_per_wall_s\": %.0f, \"calls_per_s_per_thread\": %.0f, "
                    + "\"SL30\": %.4f, \"SL30_ci\": %.4f, \"abandon\": %.4f, \"abandon_ci\": %.4f, \"Wq_s\": %.4f, "
                    + "\"Wq_s_ci\": %.4f, \"P_wait_gt_60s_answered\": %.4f}",
                run.engine, run.patience ? "3.0" : "\"inf\"", r.replications, r.threads, r.calls, r.wallSeconds,
                r.callsPerSecond, r.callsPerSecondPerThread, r.serviceLevel30.mean, r.serviceLevel30.halfWidth,
                r.abandonment.mean, r.abandonment.halfWidth, r.meanWaitSeconds.mean, r.meanWaitSeconds.halfWidth,
                r.probabilityWaitExceeds60Answered.mean)
        }.joined(separator: "\n")
    }

    /// A table of throughput and statistics (95 % intervals), with the analytic values underneath.
    public static func simulationTable(_ runs: [SimulationRun]) throws -> String {
        let rows = runs.map { run -> [String] in
            let r = run.result
            return [
                run.engine, "\(r.replications)", "\(r.threads)", "\(r.calls)", String(format: "%.3f", r.wallSeconds),
                String(format: "%.2f M", r.callsPerSecond / 1e6), String(format: "%.2f M", r.callsPerSecondPerThread / 1e6),
                String(format: "%.4f ± %.4f", r.serviceLevel30.mean, r.serviceLevel30.halfWidth),
                String(format: "%.4f ± %.4f", r.abandonment.mean, r.abandonment.halfWidth),
                String(format: "%.3f ± %.3f", r.meanWaitSeconds.mean, r.meanWaitSeconds.halfWidth),
            ]
        }
        let withPatience = try analytic(patience: true)
        let without = try analytic(patience: false)
        let table = StaffingTables.Table(
            ["engine", "reps", "threads", "calls", "wall s", "calls/s", "calls/s/core", "SL30", "abandon", "Wq s"],
            rows
        ).render()
        return table + "\n"
            + String(
                format: "Erlang A (patience 3 min): SL30 %.4f, abandon %.4f, Wq %.3f s; "
                    + "Erlang C (no patience): SL30 %.4f, Wq %.3f s. ± = 95 %% interval over replications.",
                withPatience.serviceLevel30, withPatience.abandonment, withPatience.meanWaitSeconds,
                without.serviceLevel30, without.meanWaitSeconds)
    }

    /// One Erlang C throughput measurement.
    public struct ErlangRun: Sendable, Codable {
        public var agents: Int
        public var evaluations: Int
        public var evaluationsPerSecond: Double
    }

    /// Erlang C evaluations (P(wait) and SL(30 s) at 85 % occupancy) per second for each agent count.
    public static func erlang(agents: [Int]) throws -> [ErlangRun] {
        for (i, c) in agents.enumerated() where !(1...100_000).contains(c) {
            throw ValidationFailure(pointer: "/agents/\(i)", "expected 1 … 100,000, got \(c)")
        }
        do {
            _ = try SimulationBenchmark.erlangCEvaluationsPerSecond(agents: 16, evaluations: 100_000)
            var runs: [ErlangRun] = []
            for c in agents {
                // About the same total work for every size: Erlang B is O(c).
                let evaluations = max(20_000, min(2_000_000, 32_000_000 / c))
                runs.append(ErlangRun(
                    agents: c, evaluations: evaluations,
                    evaluationsPerSecond: try SimulationBenchmark.erlangCEvaluationsPerSecond(
                        agents: c, evaluations: evaluations)))
            }
            return runs
        } catch {
            throw StaffingErrors.failure(error, under: "")
        }
    }

    public static func erlangJSONLines(_ runs: [ErlangRun]) -> String {
        runs.map {
            String(
                format: "{\"engine\": \"guichet-erlang-c\", \"agents\": %d, \"evaluations\": %d, "
                    + "\"evaluations_per_s\": %.0f}", $0.agents, $0.evaluations, $0.evaluationsPerSecond)
        }.joined(separator: "\n")
    }

    public static func erlangTable(_ runs: [ErlangRun]) -> String {
        StaffingTables.Table(
            ["agents", "evaluations", "evaluations/s"],
            runs.map { ["\($0.agents)", "\($0.evaluations)", String(format: "%.0f", $0.evaluationsPerSecond)] }
        ).render() + "\nOne evaluation: Erlang B recursion (O(agents)), P(wait) and SL(30 s), at 85 % occupancy."
    }
}
