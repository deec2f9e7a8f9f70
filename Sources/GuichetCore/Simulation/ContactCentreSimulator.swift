import Foundation

/// The award's automatic-zero rules for phone tests (DOMAIN.md §4) and what a zero costs.
public struct AwardRules: Sendable, Hashable, Codable {
    /// A call not picked up after this much ringing scores 0 (60 s).
    public var ringLimit: Double
    /// A call taken in charge after more than this scores 0 (4 min).
    public var takeInChargeLimit: Double
    /// True when a greeting answers at once and the caller then waits in queue: only the take-in-charge limit
    /// applies. False when the caller hears ringing until an agent picks up: the ring limit applies.
    public var greetingAnswersImmediately: Bool
    /// The mark out of 20 a call would get if it were not zeroed (the expected non-zero mark).
    public var expectedMark: Double
    /// Phone tests in a campaign (140 of the 225).
    public var phoneTests: Int

    public init(
        ringLimit: Double = 60, takeInChargeLimit: Double = 240, greetingAnswersImmediately: Bool = false,
        expectedMark: Double = 14, phoneTests: Int = 140
    ) {
        self.ringLimit = ringLimit
        self.takeInChargeLimit = takeInChargeLimit
        self.greetingAnswersImmediately = greetingAnswersImmediately
        self.expectedMark = expectedMark
        self.phoneTests = phoneTests
    }

    /// The offered wait beyond which a mystery call scores 0.
    public var zeroLimit: Double { greetingAnswersImmediately ? takeInChargeLimit : ringLimit }

    func validate() throws(StaffingError) {
        try Check.nonNegative(ringLimit, "ring limit (s)")
        try Check.nonNegative(takeInChargeLimit, "take-in-charge limit (s)")
        guard expectedMark.isFinite, (0...20).contains(expectedMark) else {
            throw .invalidParameter(name: "expected mark", value: expectedMark, expected: "a mark between 0 and 20")
        }
        guard phoneTests >= 0 else {
            throw .invalidParameter(name: "phone tests", value: Double(phoneTests), expected: "a count ≥ 0")
        }
    }
}

/// Estimated performance over a set of calls (an interval, a queue, or everything).
/// A metric is nil when no replication had anything to measure (no call offered, no call answered).
public struct SimulatedMetrics: Sendable, Hashable, Codable {
    /// Answered within the threshold / offered (abandons count as misses).
    public let serviceLevel: Estimate?
    /// Mean wait of answered calls (s).
    public let averageSpeedOfAnswer: Estimate?
    /// Mean wait over all offered calls, abandoned ones included (s).
    public let meanWait: Estimate?
    /// Abandoned / offered.
    public let abandonment: Estimate?
    /// P(wait > threshold), abandoning callers who waited longer included.
    public let probabilityWaitExceeds: Estimate?
    /// P(offered wait > award zero limit): a mystery shopper who never hangs up would score 0.
    public let probabilityOfferedWaitExceedsZeroLimit: Estimate?
    /// Busy agent time / staffed agent time (only for intervals and the overall view; nil per queue).
    public let occupancy: Estimate?
    /// Mean number of calls offered per replication.
    public let offeredCalls: Double
}

/// The award view: how likely a mystery call scores 0 under this staffing, and what that costs.
public struct AwardExposure: Sendable, Hashable, Codable {
    /// P(a phone test scores 0). Tests are placed at random times (not in proportion to traffic), so interval
    /// probabilities are weighted by interval length.
    public let zeroProbability: Estimate
    /// zeroProbability × phone tests: how many of the 140 calls are expected to score 0.
    public let expectedZeroedCalls: Double
    /// zeroProbability × expected mark: points out of 20 lost on the phone average.
    public let expectedMarkLoss: Double
    /// (1 − zeroProbability) × expected mark.
    public let expectedPhoneMark: Double
    public let rules: AwardRules

    init(zero: Estimate, rules: AwardRules) {
        zeroProbability = zero
        expectedZeroedCalls = zero.mean * Double(rules.phoneTests)
        expectedMarkLoss = zero.mean * rules.expectedMark
        expectedPhoneMark = (1 - zero.mean) * rules.expectedMark
        self.rules = rules
    }

    /// The same view from the analytic model of a staffing plan day (Erlang C, or Erlang A with a patience).
    public static func analytic(day: DayStaffing, forecast: Forecast, rules: AwardRules = AwardRules())
        throws(StaffingError) -> AwardExposure
    {
        try rules.validate()
        var weighted = 0.0
        var total = 0.0
        for interval in day.intervals {
            let length = Double(interval.minutes * 60)
            let rate = interval.calls / length
            let p: Double
            if let patience = forecast.averagePatience {
                p = try ErlangA(arrivalRate: rate, averageHandlingTime: forecast.averageHandlingTime,
                                averagePatience: patience, agents: interval.agents
                ).metrics.probabilityOfferedWaitExceeds(rules.zeroLimit)
            } else {
                let model = try ErlangC(arrivalRate: rate, averageHandlingTime: forecast.averageHandlingTime,
                                        agents: interval.agents)
                p = try model.outcome.metrics?.probabilityWaitExceeds(rules.zeroLimit) ?? 1
            }
            weighted += p * length
            total += length
        }
        let mean = weighted / total
        return AwardExposure(zero: Estimate([mean], confidence: 0.95), rules: rules)
    }
}

/// Everything a simulation run estimated.
public struct SimulationReport: Sendable, Hashable, Codable {
    /// All queues together, per interval of arrival.
    public let intervals: [SimulatedMetrics]
    /// Per queue (same order as the scenario), all intervals together.
    public let queues: [SimulatedMetrics]
    /// All calls of the run.
    public let overall: SimulatedMetrics
    public let award: AwardExposure
    public let replications: Int
    /// Calls simulated over all replications (warm-up included).
    public let simulatedCalls: Int
    public let confidenceLevel: Double
    /// True when the single-queue fast path ran.
    public let usedFastPath: Bool
}

/// A seeded discrete-event simulator of a contact centre.
///
/// Replications run in parallel on all cores; replication i always draws from `SeededGenerator(seed:stream: i)`
/// and results are combined in replication order, so a report depends only on the scenario, the seed and the
/// number of replications — never on the machine or its core count.
public struct ContactCentreSimulator: Sendable {
    public let scenario: SimulationScenario

    public init(scenario: SimulationScenario) throws(StaffingError) {
        try scenario.validate()
        self.scenario = scenario
    }

    /// Single queue and single group: FIFO, so the allocation-free fast path applies.
    public var canUseFastPath: Bool { scenario.queues.count == 1 && scenario.agentGroups.count == 1 }

    /// Runs `replications` independent replications and estimates every metric with its confidence interval.
    /// - Parameters:
    ///   - progress: called with the fraction of replications done (from worker threads).
    ///   - forceGeneralEngine: run the event-list engine even when the fast path applies (for cross-checks).
    public func run(
        replications: Int, seed: UInt64, award: AwardRules = AwardRules(), confidenceLevel: Double = 0.95,
        parallel: Bool = true, forceGeneralEngine: Bool = false, progress: (@Sendable (Double) -> Void)? = nil
    ) throws(StaffingError) -> SimulationReport {
        guard replications >= 1, replications <= 1_000_000 else {
            throw .invalidParameter(name: "replications", value: Double(replications), expected: "1…1,000,000")
        }
        try Check.openUnit(confidenceLevel, "confidence level")
        try award.validate()
        let fast = canUseFastPath && !forceGeneralEngine
        let counts = runReplications(
            replications: replications, seed: seed, award: award, fast: fast, parallel: parallel, progress: progress)
        return summarize(counts, award: award, confidence: confidenceLevel, fast: fast)
    }

    func runReplications(
        replications: Int, seed: UInt64, award: AwardRules, fast: Bool, parallel: Bool,
        progress: (@Sendable (Double) -> Void)?
    ) -> [ReplicationCounts] {
        let slots = ResultSlots(count: replications)
        let tracker = ProgressTracker(total: replications, callback: progress)
        let fastEngine = fast
            ? FastSingleQueueEngine(scenario: scenario, ringLimit: award.ringLimit,
                                    takeInChargeLimit: award.takeInChargeLimit) : nil
        let general = fast
            ? nil : MultiQueueEngine(scenario: scenario, ringLimit: award.ringLimit,
                                     takeInChargeLimit: award.takeInChargeLimit)
        let work: @Sendable (Int) -> Void = { index in
            var rng = SeededGenerator(seed: seed, stream: UInt64(index))
            let result = fastEngine?.run(&rng) ?? general!.run(&rng)
            slots.store(result, at: index)
            tracker.advance()
        }
        if parallel, replications > 1 {
            DispatchQueue.concurrentPerform(iterations: replications, execute: work)
        } else {
            for index in 0..<replications { work(index) }
        }
        return slots.results()
    }

    func summarize(
        _ counts: [ReplicationCounts], award: AwardRules, confidence: Double, fast: Bool
    ) -> SimulationReport {
        let n = scenario.intervalLengths.count
        let queueCount = scenario.queues.count
        let zeroLimitIndex = award.greetingAnswersImmediately
            ? Tally.offeredWaitExceedsTakeInCharge : Tally.offeredWaitExceedsRing
        let starts = scenario.intervalLengths.reduce(into: [0.0]) { $0.append($0.last! + $1) }
        // Staffed agent-seconds per interval after the warm-up (the occupancy denominator).
        let capacity = (0..<n).map { k -> Double in
            let agents = scenario.agentGroups.reduce(0) { $0 + $1.agents[k] }
            let counted = max(0, starts[k + 1] - max(starts[k], scenario.warmUp))
            return Double(agents) * counted
        }

        /// Sums the tallies of the chosen queues and intervals for one replication.
        func totals(_ c: ReplicationCounts, queues: [Int], intervals: [Int]) -> [Double] {
            var sum = [Double](repeating: 0, count: Tally.count)
            for q in queues {
                for k in intervals {
                    let base = (q * n + k) * Tally.count
                    for j in 0..<Tally.count { sum[j] += c.tallies[base + j] }
                }
            }
            return sum
        }

        func metrics(queues: [Int], intervals: [Int], withOccupancy: Bool) -> SimulatedMetrics {
            var sl: [Double] = [], asa: [Double] = [], wait: [Double] = [], abandon: [Double] = []
            var exceeds: [Double] = [], zero: [Double] = [], occupancy: [Double] = []
            var offered = 0.0
            for c in counts {
                let t = totals(c, queues: queues, intervals: intervals)
                let o = t[Tally.offered]
                offered += o
                let answered = t[Tally.answered]
                sl.append(o > 0 ? t[Tally.answeredWithin] / o : .nan)
                asa.append(answered > 0 ? t[Tally.answeredWaitSum] / answered : .nan)
                let resolved = o - t[Tally.unanswered]
                wait.append(resolved > 0 ? t[Tally.waitSum] / resolved : .nan)
                abandon.append(o > 0 ? t[Tally.abandoned] / o : .nan)
                exceeds.append(o > 0 ? (t[Tally.waitExceeds] + t[Tally.unanswered]) / o : .nan)
                zero.append(o > 0 ? t[zeroLimitIndex] / o : .nan)
                let cap = intervals.reduce(0) { $0 + capacity[$1] }
                let used = intervals.reduce(0) { $0 + c.busy[$1] }
                occupancy.append(withOccupancy && cap > 0 ? used / cap : .nan)
            }
            return SimulatedMetrics(
                serviceLevel: Estimate.of(sl, confidence: confidence),
                averageSpeedOfAnswer: Estimate.of(asa, confidence: confidence),
                meanWait: Estimate.of(wait, confidence: confidence),
                abandonment: Estimate.of(abandon, confidence: confidence),
                probabilityWaitExceeds: Estimate.of(exceeds, confidence: confidence),
                probabilityOfferedWaitExceedsZeroLimit: Estimate.of(zero, confidence: confidence),
                occupancy: Estimate.of(occupancy, confidence: confidence),
                offeredCalls: offered / Double(max(1, counts.count)))
        }

        let allQueues = Array(0..<queueCount)
        let allIntervals = Array(0..<n)
        let intervals = allIntervals.map { metrics(queues: allQueues, intervals: [$0], withOccupancy: true) }
        let queues = allQueues.map { metrics(queues: [$0], intervals: allIntervals, withOccupancy: false) }
        let overall = metrics(queues: allQueues, intervals: allIntervals, withOccupancy: true)

        // Award: a test call lands at a uniformly random moment of the opening hours (after warm-up).
        let weights = (0..<n).map { max(0, starts[$0 + 1] - max(starts[$0], scenario.warmUp)) }
        let totalWeight = weights.reduce(0, +)
        let zero = counts.map { c -> Double in
            var p = 0.0
            for k in 0..<n where weights[k] > 0 {
                let t = totals(c, queues: allQueues, intervals: [k])
                // An interval without calls in this replication tells nothing: an idle centre answers at once.
                if t[Tally.offered] > 0 { p += weights[k] * t[zeroLimitIndex] / t[Tally.offered] }
            }
            return p / totalWeight
        }
        return SimulationReport(
            intervals: intervals, queues: queues, overall: overall,
            award: AwardExposure(zero: Estimate(zero, confidence: confidence), rules: award),
            replications: counts.count, simulatedCalls: counts.reduce(0) { $0 + $1.calls },
            confidenceLevel: confidence, usedFastPath: fast)
    }
}

/// One slot per replication, each written by exactly one worker: a lock only guards the array itself.
final class ResultSlots: @unchecked Sendable {
    private var slots: [ReplicationCounts?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ result: ReplicationCounts, at index: Int) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func results() -> [ReplicationCounts] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

/// Counts finished replications and reports the fraction done.
final class ProgressTracker: @unchecked Sendable {
    private let total: Int
    private var done = 0
    private let lock = NSLock()
    private let callback: (@Sendable (Double) -> Void)?

    init(total: Int, callback: (@Sendable (Double) -> Void)?) {
        self.total = total
        self.callback = callback
    }

    func advance() {
        guard let callback else { return }
        lock.lock()
        done += 1
        let fraction = Double(done) / Double(total)
        lock.unlock()
        callback(fraction)
    }
}
