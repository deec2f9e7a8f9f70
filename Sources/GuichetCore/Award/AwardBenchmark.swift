import Dispatch
import Foundation

/// Timings of the award statistics, for `guichet bench award`.
public struct AwardBenchmarkResult: Codable, Sendable {
    public var companies: Int
    public var testsPerCompany: Int
    public var resamples: Int
    public var repetitions: Int
    public var activeProcessors: Int
    /// Median seconds to validate and mark every test and aggregate per company (no bootstrap).
    public var scoringSeconds: Double
    /// Median seconds of the stratified bootstrap alone, all cores (the work the numpy peer times).
    public var bootstrapSeconds: Double
    /// Same bootstrap on one thread.
    public var bootstrapSerialSeconds: Double
    /// Median seconds of intervals and P(mark > 12) from the resamples.
    public var intervalsSeconds: Double
    /// Parallel and serial runs gave bit-identical resamples.
    public var parallelMatchesSerial: Bool
    public var marks: [String: Double]
    public var intervals: [String: MarkInterval]

    /// One line per figure, for the terminal.
    public var summary: String {
        func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }
        var lines = [
            "award bench: \(companies) companies x \(testsPerCompany) tests, \(resamples) resamples, "
                + "\(activeProcessors) cores, median of \(repetitions)",
            "  scoring (validate + mark + aggregate): \(ms(scoringSeconds))",
            "  bootstrap, parallel: \(ms(bootstrapSeconds))",
            "  bootstrap, 1 thread: \(ms(bootstrapSerialSeconds))",
            "  intervals + P(>12): \(ms(intervalsSeconds))",
            "  parallel == serial: \(parallelMatchesSerial)",
        ]
        for id in marks.keys.sorted() {
            let ci = intervals[id]!
            lines.append(
                String(
                    format: "  %@: mark %.2f 95%%CI [%.2f, %.2f] P(>12) %.3f", id, marks[id]!, ci.lower,
                    ci.upper, ci.probabilityAbovePassMark))
        }
        return lines.joined(separator: "\n")
    }
}

/// The award benchmark: the same workload as `peers/queueing/rank_bootstrap.py` —
/// 4 companies × 225 tests (140/50/15/10/10), stratified bootstrap with 10,000 resamples, the company
/// mark being the plain mean of its 225 test marks — on simulated fieldwork (demo profiles).
public enum AwardBenchmark {
    public static func run(resamples: Int = 10_000, repetitions: Int = 5, seed: UInt64 = 42) throws
        -> AwardBenchmarkResult
    {
        let demo = try AwardDemo.make(seed: seed, bootstrap: nil)
        let scoring = AwardScoring(settings: demo.edition.settings, scorecards: demo.scorecards)
        var scored = try scoring.score(demo.evaluations)
        let scoringTimes = try (0..<repetitions).map { _ in try time { _ = try scoring.score(demo.evaluations) } }

        let samples = scored.companies.map { company in
            AwardBootstrap.Sample(
                companyID: company.companyID, marks: scored.tests.filter { $0.companyID == company.companyID },
                weights: demo.edition.settings.channelWeights)
        }
        let parallel = BootstrapOptions(resamples: resamples, seed: seed, parallel: true)
        var serial = parallel
        serial.parallel = false
        var distributions: [[Double]] = []
        let parallelTimes = try (0..<repetitions).map { _ in
            try time { distributions = AwardBootstrap.resample(samples, options: parallel) }
        }
        var serialDistributions: [[Double]] = []
        let serialTimes = try (0..<repetitions).map { _ in
            try time { serialDistributions = AwardBootstrap.resample(samples, options: serial) }
        }
        var intervals: [String: MarkInterval] = [:]
        let intervalTimes = try (0..<repetitions).map { _ in
            try time {
                for (sample, values) in zip(samples, distributions) {
                    intervals[sample.companyID] = AwardBootstrap.interval(
                        of: values, confidence: 0.95, passMark: demo.edition.settings.passMark)
                }
            }
        }
        for index in scored.companies.indices {
            scored.companies[index].interval = intervals[scored.companies[index].companyID]
        }
        return AwardBenchmarkResult(
            companies: samples.count, testsPerCompany: demo.edition.settings.quotas.total, resamples: resamples,
            repetitions: repetitions, activeProcessors: ProcessInfo.processInfo.activeProcessorCount,
            scoringSeconds: median(scoringTimes), bootstrapSeconds: median(parallelTimes),
            bootstrapSerialSeconds: median(serialTimes), intervalsSeconds: median(intervalTimes),
            parallelMatchesSerial: distributions == serialDistributions,
            marks: Dictionary(uniqueKeysWithValues: scored.companies.map { ($0.companyID, $0.mark) }),
            intervals: intervals)
    }

    // Wall-clock measurement is the benchmark's purpose; domain code never reads a clock.
    private static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
