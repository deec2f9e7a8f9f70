import Foundation

/// The Erlang A model (M/M/c+M, Palm 1943): Erlang C plus callers who hang up after an exponential patience
/// of mean `averagePatience` seconds. Always stable: abandonment keeps the queue finite even when overloaded.
///
/// Method (documented in docs/STAFFING.md): with s = cμ/θ and x = λ/θ, the stationary probability of k callers
/// waiting is ∝ u_k = Π_{j≤k} x/(s+j). Summing this birth–death chain directly — positive terms only, rescaled by
/// powers of two, stopped by a rigorous geometric tail bound — gives P(wait), P(abandon) and the waits. The
/// waiting-time tail uses the incomplete-gamma form of Garnett, Mandelbaum & Reiman (2002) and Zeltyn &
/// Mandelbaum (2005), P(V > t | wait) = P(s, x e^{−θt}) / P(s, x), rewritten as the same series:
/// P(V > t | wait) = e^{−cμt + x(1−e^{−θt})} · M(x e^{−θt}) / M(x), with M(x) = Σ u_k(x).
public struct ErlangA: Sendable, Hashable, Codable {
    /// Calls offered per second (λ).
    public let arrivalRate: Double
    /// Mean handling time in seconds (1/μ).
    public let averageHandlingTime: Double
    /// Mean patience in seconds (1/θ): how long a caller waits before hanging up, on average.
    public let averagePatience: Double
    /// Number of agents answering (c).
    public let agents: Int

    /// Validates and stores the model; `agents` from 1 to `QueueingLimits.maxAgents`.
    public init(
        arrivalRate: Double, averageHandlingTime: Double, averagePatience: Double, agents: Int
    ) throws(StaffingError) {
        try Check.nonNegative(arrivalRate, "arrival rate (calls/s)")
        try Check.positive(averageHandlingTime, "average handling time (s)")
        try Check.positive(averagePatience, "average patience (s)")
        try Check.agents(agents)
        let load = arrivalRate * averageHandlingTime
        guard load <= QueueingLimits.maxOfferedLoad else {
            throw .invalidParameter(
                name: "offered load (Erlangs)", value: load, expected: "at most \(QueueingLimits.maxOfferedLoad)")
        }
        let s = Double(agents) * averagePatience / averageHandlingTime
        let x = arrivalRate * averagePatience
        guard QueueingMath.estimatedTerms(s: s, x: x) < Double(QueueingMath.maxTerms) else {
            throw .invalidParameter(
                name: "average patience (s)", value: averagePatience,
                expected: "a patience that is not millions of times the handling time (use Erlang C instead)")
        }
        self.arrivalRate = arrivalRate
        self.averageHandlingTime = averageHandlingTime
        self.averagePatience = averagePatience
        self.agents = agents
    }

    /// Offered load a = λ·AHT in Erlangs.
    public var offeredLoad: Double { arrivalRate * averageHandlingTime }

    /// Steady-state metrics (always defined: the M/M/c+M queue is stable for any load).
    public var metrics: Metrics {
        let c = Double(agents)
        let theta = 1 / averagePatience
        let s = c * averagePatience / averageHandlingTime
        let x = arrivalRate * averagePatience
        guard arrivalRate > 0 else {
            return Metrics(
                probabilityOfWaiting: 0, probabilityOfAbandonment: 0, meanWait: 0, averageSpeedOfAnswer: 0,
                occupancy: 0, servedGivenWait: 1, s: s, x: x, theta: theta, logSeries: 0)
        }
        let sums = QueueingMath.waitingSums(s: s, x: x, moments: true)
        // P(wait) = T·B/(1 + T·B): T = (x/s)·M(x) is the waiting mass relative to a^{c−1}/(c−1)!, and
        // B = B(c−1, a) = (a^{c−1}/(c−1)!)/Σ_{j<c} a^j/j! turns it into a probability (the E term of
        // Zeltyn–Mandelbaum is 1/B). Combined in log space so neither overflows.
        let b = QueueingMath.erlangB(servers: agents - 1, load: offeredLoad)
        let pWait = b == 0 ? 0 : QueueingMath.logistic(log(x / s) + sums.logTotal + log(b))
        let pAbandon = pWait * sums.abandonGivenWait
        let pServed = 1 - pAbandon
        let servedWait = pWait * sums.servedWaitGivenWait / theta
        return Metrics(
            probabilityOfWaiting: pWait,
            probabilityOfAbandonment: pAbandon,
            // Little's law plus "abandonment rate = θ·E[queue]" give E[wait] = P(abandon)/θ exactly.
            meanWait: pAbandon / theta,
            averageSpeedOfAnswer: pServed > 0 ? servedWait / pServed : 0,
            occupancy: min(1, arrivalRate * pServed * averageHandlingTime / c),
            servedGivenWait: sums.servedGivenWait,
            s: s, x: x, theta: theta, logSeries: sums.logTotal)
    }

    /// Steady-state performance of an Erlang A queue.
    public struct Metrics: Sendable, Hashable, Codable {
        /// P(wait > 0): the caller finds every agent busy.
        public let probabilityOfWaiting: Double
        /// P(abandon): the caller hangs up before being answered.
        public let probabilityOfAbandonment: Double
        /// Mean time in queue over all offered calls (answered or abandoned), seconds. Equals P(abandon)·patience.
        public let meanWait: Double
        /// Average speed of answer: mean wait of answered calls only, seconds.
        public let averageSpeedOfAnswer: Double
        /// Fraction of time agents are busy: λ·(1 − P(abandon))·AHT / c.
        public let occupancy: Double

        // Series parameters kept to answer tail questions for any threshold.
        let servedGivenWait: Double
        let s: Double
        let x: Double
        let theta: Double
        let logSeries: Double

        /// P(V > t | wait), V the offered wait (the wait of a caller who would never hang up).
        private func offeredWaitTailGivenWait(_ t: Double) -> Double {
            guard t > 0 else { return 1 }
            let xt = x * exp(-theta * t)
            let tail = QueueingMath.waitingSums(s: s, x: xt, moments: false)
            let logValue = -s * theta * t - x * expm1(-theta * t) + tail.logTotal - logSeries
            return min(1, exp(logValue))
        }

        /// P(offered wait > t): how likely a caller who never hangs up — a mystery shopper — waits more than t.
        public func probabilityOfferedWaitExceeds(_ seconds: Double) throws(StaffingError) -> Double {
            try Check.nonNegative(seconds, "wait threshold (s)")
            return probabilityOfWaiting * offeredWaitTailGivenWait(seconds)
        }

        /// P(wait > t) where a caller who hangs up after more than t also counts: P(V > t)·e^{−θt}.
        public func probabilityWaitExceeds(_ seconds: Double) throws(StaffingError) -> Double {
            try probabilityOfferedWaitExceeds(seconds) * exp(-theta * seconds)
        }

        /// Service level: fraction of offered calls answered within `seconds`; abandons count as misses.
        ///
        /// = P(no wait) + P(wait)·[P(served | wait) − P(served after t | wait)], where
        /// P(served after t | wait) = s/(s+1)·e^{−(s+1)θt + x(1−e^{−θt})}·M_{s+1}(x e^{−θt}) / M_s(x).
        public func serviceLevel(within seconds: Double) throws(StaffingError) -> Double {
            try Check.nonNegative(seconds, "service level threshold (s)")
            guard probabilityOfWaiting > 0 else { return 1 }
            var servedLate = servedGivenWait
            if seconds > 0 {
                let xt = x * exp(-theta * seconds)
                let shifted = QueueingMath.waitingSums(s: s + 1, x: xt, moments: false)
                let logValue = log(s / (s + 1)) - (s + 1) * theta * seconds - x * expm1(-theta * seconds)
                    + shifted.logTotal - logSeries
                servedLate = exp(logValue)
            }
            let servedInTime = max(0, servedGivenWait - servedLate)
            return min(1, 1 - probabilityOfWaiting + probabilityOfWaiting * servedInTime)
        }

        /// Whether these metrics satisfy `target` (ASA targets use the mean wait over all offered calls).
        public func meets(_ target: ServiceLevelTarget) throws(StaffingError) -> Bool {
            try target.validate()
            switch target {
            case let .serviceLevel(fraction, within):
                return try serviceLevel(within: within) >= fraction
            case let .averageSpeedOfAnswer(seconds):
                return meanWait <= seconds
            case let .maxProbabilityWaitExceeds(seconds, probability):
                return try probabilityWaitExceeds(seconds) <= probability
            }
        }
    }

    /// The fewest agents whose Erlang A metrics meet `target`, optionally also capping P(abandon).
    public static func agentsNeeded(
        arrivalRate: Double, averageHandlingTime: Double, averagePatience: Double, target: ServiceLevelTarget,
        maxAbandonment: Double? = nil, maxAgents: Int = QueueingLimits.maxAgents
    ) throws(StaffingError) -> Int {
        try target.validate()
        if let maxAbandonment { try Check.openUnit(maxAbandonment, "maximum abandonment") }
        func ok(_ c: Int) throws(StaffingError) -> Bool {
            let metrics = try ErlangA(
                arrivalRate: arrivalRate, averageHandlingTime: averageHandlingTime,
                averagePatience: averagePatience, agents: c
            ).metrics
            if let maxAbandonment, metrics.probabilityOfAbandonment > maxAbandonment { return false }
            return try metrics.meets(target)
        }
        // Abandonment helps, so fewer agents than the load may suffice; start the bracket below it.
        let load = arrivalRate * averageHandlingTime
        let lowest = max(1, Int((load * 0.5).rounded(.down)))
        if lowest > 1, try ok(lowest) {
            return try Staffing.smallest(from: 1, limit: lowest, target: target, satisfying: ok)
        }
        return try Staffing.smallest(from: lowest, limit: maxAgents, target: target, satisfying: ok)
    }
}
