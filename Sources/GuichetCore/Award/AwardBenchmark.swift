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
            "  bootstrap, parallel: \(ms(bootstrapSeconds))",
            "  bootstrap, 1 thread: \(ms(bootstrapSerialSeconds))",
            "  intervals + P(>12): \(ms(intervalsSeconds))",
            "  parallel == serial: \(parallelMatchesSerial)",
        ]
        if scoringSeconds > 0 { lines.insert("  scoring (validate + mark + aggregate): \(ms(scoringSeconds))", at: 1) }
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
    public static func run(
        resamples: Int = 10_000, repetitions: Int = 5, seed: UInt64 = 42
    ) throws
        -> AwardBenchmarkResult
    {
        let demo = try AwardDemo.make(seed: seed, bootstrap: nil)
        let scoring = AwardScoring(settings: demo.edition.settings, scorecards: demo.scorecards)
        let scored = try scoring.score(demo.evaluations)
        let scoringTimes = try (0..<repetitions).map { _ in try time { _ = try scoring.score(demo.evaluations) } }

        let samples = scored.companies.map { company in
            AwardBootstrap.Sample(
                companyID: company.companyID, marks: scored.tests.filter { $0.companyID == company.companyID },
                weights: demo.edition.settings.channelWeights)
        }
        var result = bootstrap(
            samples, resamples: resamples, repetitions: repetitions, seed: seed,
            passMark: demo.edition.settings.passMark)
        result.testsPerCompany = demo.edition.settings.quotas.total
        result.scoringSeconds = median(scoringTimes)
        result.marks = Dictionary(uniqueKeysWithValues: scored.companies.map { ($0.companyID, $0.mark) })
        return result
    }

    /// The same timings on marks given from outside — the peer's own synthetic data, so that both sides
    /// resample identical numbers and their intervals can be compared. `strata[company][channel]` are the
    /// test marks; the company mark is the plain mean of all of them.
    public static func run(
        marks strata: [String: [String: [Double]]], resamples: Int = 10_000, repetitions: Int = 5, seed: UInt64 = 42,
        passMark: Double = 12
    ) throws(ValidationFailure) -> AwardBenchmarkResult {
        var problems: [FieldProblem] = []
        for (company, channels) in strata {
            for (channel, values) in channels where values.contains(where: { !$0.isFinite || $0 < 0 || $0 > 20 }) {
                problems.append(.init(pointer: "/\(company)/\(channel)", detail: "marks must be numbers in [0, 20]"))
            }
        }
        if strata.isEmpty { problems.append(.init(pointer: "/", detail: "no company")) }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        let companies = strata.keys.sorted()
        let samples = companies.map { company in
            AwardBootstrap.Sample(
                companyID: company, strata: strata[company]!.keys.sorted().map { strata[company]![$0]! }, weights: nil)
        }
        var result = bootstrap(samples, resamples: resamples, repetitions: repetitions, seed: seed, passMark: passMark)
        result.testsPerCompany = strata[companies[0]]!.values.reduce(0) { $0 + $1.count }
        result.marks = Dictionary(
            uniqueKeysWithValues: companies.map { company in
                let all = strata[company]!.values.flatMap { $0 }
                return (company, all.reduce(0, +) / Double(max(all.count, 1)))
            })
        return result
    }

    /// Times the stratified bootstrap on all cores and on one thread, then the intervals.
    private static func bootstrap(
        _ samples: [AwardBootstrap.Sample], resamples: Int, repetitions: Int, seed: UInt64, passMark: Double
    ) -> AwardBenchmarkResult {
        let parallel = BootstrapOptions(resamples: resamples, seed: seed, parallel: true)
        var serial = parallel
        serial.parallel = false
        var distributions: [[Double]] = []
        let parallelTimes = (0..<repetitions).map { _ in
            time { distributions = AwardBootstrap.resample(samples, options: parallel) }
        }
        var serialDistributions: [[Double]] = []
        let serialTimes = (0..<repetitions).map { _ in
            time { serialDistributions = AwardBootstrap.resample(samples, options: serial) }
        }
        var intervals: [String: MarkInterval] = [:]
        let intervalTimes = (0..<repetitions).map { _ in
            time {
                for (sample, values) in zip(samples, distributions) {
                    intervals[sample.companyID] = AwardBootstrap.interval(
                        of: values, confidence: 0.95, passMark: passMark)
                }
            }
        }
        return AwardBenchmarkResult(
            companies: samples.count, testsPerCompany: 0, resamples: resamples, repetitions: repetitions,
            activeProcessors: ProcessInfo.processInfo.activeProcessorCount, scoringSeconds: 0,
            bootstrapSeconds: median(parallelTimes), bootstrapSerialSeconds: median(serialTimes),
            intervalsSeconds: median(intervalTimes), parallelMatchesSerial: distributions == serialDistributions,
            marks: [:], intervals: intervals)
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
