import Foundation

/// The Erlang C model (M/M/c): Poisson arrivals, exponential handling, `agents` identical agents, one FIFO
/// queue, callers who never hang up.
///
/// Time is in seconds. The offered load a = λ·AHT (Erlangs) must be below `agents` for a queue to settle; when it
/// is not, `outcome` says `.unstable` instead of returning NaN or infinity.
///
/// Formulas (Erlang 1917; Cooper, *Introduction to Queueing Theory*, 1981, §3.4):
/// P(wait) = C(c, a) = B / (1 − ρ(1 − B)) with B the Erlang B recursion and ρ = a/c,
/// P(wait > t) = C·e^{−(c−a)t/AHT}, ASA = C·AHT/(c − a), occupancy = ρ.
public struct ErlangC: Sendable, Hashable, Codable {
    /// Calls offered per second (λ).
    public let arrivalRate: Double
    /// Mean handling time in seconds (1/μ): talk + hold + after-call work.
    public let averageHandlingTime: Double
    /// Number of agents answering (c).
    public let agents: Int

    /// Validates and stores the model; `agents` from 1 to `QueueingLimits.maxAgents`.
    public init(arrivalRate: Double, averageHandlingTime: Double, agents: Int) throws(StaffingError) {
        try Check.nonNegative(arrivalRate, "arrival rate (calls/s)")
        try Check.positive(averageHandlingTime, "average handling time (s)")
        try Check.agents(agents)
        let load = arrivalRate * averageHandlingTime
        guard load <= QueueingLimits.maxOfferedLoad else {
            throw .invalidParameter(
                name: "offered load (Erlangs)", value: load, expected: "at most \(QueueingLimits.maxOfferedLoad)")
        }
        self.arrivalRate = arrivalRate
        self.averageHandlingTime = averageHandlingTime
        self.agents = agents
    }

    /// Offered load a = λ·AHT in Erlangs: the average number of agents the calls keep busy.
    public var offeredLoad: Double { arrivalRate * averageHandlingTime }

    /// A queue settles only when the load is below the number of agents.
    public var isStable: Bool { offeredLoad < Double(agents) }

    /// The model's answer: its metrics, or `.unstable` when the queue would grow without bound.
    public var outcome: Outcome {
        guard isStable else { return .unstable(offeredLoad: offeredLoad, agents: agents) }
        let c = Double(agents)
        let a = offeredLoad
        let pWait = a == 0 ? 0 : QueueingMath.erlangC(servers: agents, load: a)
        return .stable(Metrics(
            probabilityOfWaiting: pWait,
            averageSpeedOfAnswer: pWait * averageHandlingTime / (c - a),
            occupancy: a / c,
            queueDecayRate: (c - a) / averageHandlingTime))
    }

    /// Either the steady-state metrics or the statement that there is no steady state.
    public enum Outcome: Sendable, Hashable {
        case stable(Metrics)
        /// Load ≥ agents: waits grow without bound; staff at least ⌊load⌋ + 1 agents.
        case unstable(offeredLoad: Double, agents: Int)

        /// The metrics when stable, nil when not.
        public var metrics: Metrics? {
            if case let .stable(metrics) = self { return metrics }
            return nil
        }
    }

    /// Steady-state performance of a stable Erlang C queue.
    public struct Metrics: Sendable, Hashable, Codable {
        /// P(wait > 0): the Erlang C formula C(c, a).
        public let probabilityOfWaiting: Double
        /// Average speed of answer (mean wait over all calls), seconds.
        public let averageSpeedOfAnswer: Double
        /// Fraction of time agents are busy, ρ = a/c.
        public let occupancy: Double
        /// (c − a)/AHT: the exponential rate at which P(wait > t) decays.
        public let queueDecayRate: Double

        /// P(wait > t) = C·e^{−(c−a)t/AHT}.
        public func probabilityWaitExceeds(_ seconds: Double) throws(StaffingError) -> Double {
            try Check.nonNegative(seconds, "wait threshold (s)")
            return probabilityOfWaiting * exp(-queueDecayRate * seconds)
        }

        /// Service level: fraction of calls answered within `seconds`, 1 − P(wait > t).
        public func serviceLevel(within seconds: Double) throws(StaffingError) -> Double {
            try 1 - probabilityWaitExceeds(seconds)
        }

        /// Whether these metrics satisfy `target`.
        public func meets(_ target: ServiceLevelTarget) throws(StaffingError) -> Bool {
            try target.validate()
            switch target {
            case let .serviceLevel(fraction, within):
                return try serviceLevel(within: within) >= fraction
            case let .averageSpeedOfAnswer(seconds):
                return averageSpeedOfAnswer <= seconds
            case let .maxProbabilityWaitExceeds(seconds, probability):
                return try probabilityWaitExceeds(seconds) <= probability
            }
        }
    }

    /// The fewest agents whose Erlang C metrics meet `target` (at least ⌊load⌋ + 1, and at least 1).
    ///
    /// Every target is monotone in the number of agents, so the search brackets by doubling then bisects:
    /// O(c log c) work even for thousands of agents.
    public static func agentsNeeded(
        arrivalRate: Double, averageHandlingTime: Double, target: ServiceLevelTarget,
        maxAgents: Int = QueueingLimits.maxAgents
    ) throws(StaffingError) -> Int {
        try target.validate()
        let probe = try ErlangC(arrivalRate: arrivalRate, averageHandlingTime: averageHandlingTime, agents: 1)
        let lowest = max(1, Int(probe.offeredLoad.rounded(.down)) + 1)
        func ok(_ c: Int) throws(StaffingError) -> Bool {
            let model = try ErlangC(arrivalRate: arrivalRate, averageHandlingTime: averageHandlingTime, agents: c)
            guard let metrics = model.outcome.metrics else { return false }
            return try metrics.meets(target)
        }
        return try Staffing.smallest(from: lowest, limit: maxAgents, target: target, satisfying: ok)
    }
}

/// Shared search for the smallest agent count meeting a monotone criterion.
enum Staffing {
    static func smallest(
        from lowest: Int, limit: Int, target: ServiceLevelTarget,
        satisfying ok: (Int) throws(StaffingError) -> Bool
    ) throws(StaffingError) -> Int {
        guard lowest <= limit else { throw .targetUnreachable(target: target.description, limit: limit) }
        if try ok(lowest) { return lowest }
        var bad = lowest
        var step = max(1, lowest / 8)
        var good = lowest
        while true {
            good = min(limit, bad + step)
            if try ok(good) { break }
            if good == limit { throw .targetUnreachable(target: target.description, limit: limit) }
            bad = good
            step *= 2
        }
        while good - bad > 1 {
            let mid = bad + (good - bad) / 2
            if try ok(mid) { good = mid } else { bad = mid }
        }
        return good
    }
}
