import Foundation

/// One queue of calls (a "file d'attente", typically one per call reason or language).
public struct SimulatedQueue: Sendable, Hashable, Codable {
    public var name: String
    /// Poisson arrival rate (calls per second) in each interval of the scenario.
    public var arrivalRates: [Double]
    public var handlingTime: Distribution
    /// Caller patience; nil means callers never hang up (Erlang C behaviour).
    public var patience: Distribution?

    public init(name: String, arrivalRates: [Double], handlingTime: Distribution, patience: Distribution? = nil) {
        self.name = name
        self.arrivalRates = arrivalRates
        self.handlingTime = handlingTime
        self.patience = patience
    }
}

/// A group of interchangeable agents with the same skills and schedule.
public struct AgentGroup: Sendable, Hashable, Codable {
    public var name: String
    /// Agents on the phones in each interval. When the count drops, agents leave as soon as they are free.
    public var agents: [Int]
    /// Queue names this group answers, highest priority first: a freed agent takes the oldest call of the
    /// first non-empty queue in this list.
    public var skills: [String]

    public init(name: String, agents: [Int], skills: [String]) {
        self.name = name
        self.agents = agents
        self.skills = skills
    }
}

/// Everything a simulation run needs: intervals, queues, agents, and the thresholds the report uses.
///
/// Calls arrive during the intervals; calls still waiting at the end are answered by the last interval's agents
/// (a centre finishes the calls it took before closing). Time is in seconds from the first interval's start.
public struct SimulationScenario: Sendable, Hashable, Codable {
    /// Length of each interval in seconds (e.g. 22 × 1,800 for 08:30–19:30 in half hours).
    public var intervalLengths: [Double]
    public var queues: [SimulatedQueue]
    public var agentGroups: [AgentGroup]
    /// The "within t" of the service level and of P(wait > t), seconds.
    public var serviceLevelThreshold: Double
    /// Calls arriving before this time are simulated but not counted (to measure a steady state).
    public var warmUp: Double

    public init(
        intervalLengths: [Double], queues: [SimulatedQueue], agentGroups: [AgentGroup],
        serviceLevelThreshold: Double = 30, warmUp: Double = 0
    ) {
        self.intervalLengths = intervalLengths
        self.queues = queues
        self.agentGroups = agentGroups
        self.serviceLevelThreshold = serviceLevelThreshold
        self.warmUp = warmUp
    }

    /// A single FIFO queue answered by one group: the common case, which runs on the fast path.
    public static func singleQueue(
        intervalLengths: [Double], arrivalRates: [Double], agents: [Int], handlingTime: Distribution,
        patience: Distribution?, serviceLevelThreshold: Double = 30, warmUp: Double = 0
    ) -> SimulationScenario {
        SimulationScenario(
            intervalLengths: intervalLengths,
            queues: [SimulatedQueue(name: "calls", arrivalRates: arrivalRates, handlingTime: handlingTime,
                                    patience: patience)],
            agentGroups: [AgentGroup(name: "agents", agents: agents, skills: ["calls"])],
            serviceLevelThreshold: serviceLevelThreshold, warmUp: warmUp)
    }

    /// The scenario of one planned day: its intervals, forecast rates and scheduled productive agents.
    public static func day(
        _ day: DayStaffing, forecast: Forecast, patience: Distribution? = nil, serviceLevelThreshold: Double = 30
    ) -> SimulationScenario {
        let lengths = day.intervals.map { Double($0.minutes * 60) }
        let rates = day.intervals.map { $0.calls / Double($0.minutes * 60) }
        let givenPatience = patience ?? forecast.averagePatience.map { Distribution.exponential(mean: $0) }
        return singleQueue(
            intervalLengths: lengths, arrivalRates: rates, agents: day.intervals.map(\.agents),
            handlingTime: .exponential(mean: forecast.averageHandlingTime), patience: givenPatience,
            serviceLevelThreshold: serviceLevelThreshold)
    }

    var totalLength: Double { intervalLengths.reduce(0, +) }

    func validate() throws(StaffingError) {
        let n = intervalLengths.count
        guard n > 0 else { throw .invalidScenario("no interval") }
        for length in intervalLengths { try Check.positive(length, "interval length (s)") }
        guard !queues.isEmpty else { throw .invalidScenario("no queue") }
        guard !agentGroups.isEmpty else { throw .invalidScenario("no agent group") }
        try Check.nonNegative(serviceLevelThreshold, "service level threshold (s)")
        try Check.nonNegative(warmUp, "warm-up (s)")
        guard warmUp < totalLength else { throw .invalidScenario("warm-up covers the whole horizon") }
        let names = Set(queues.map(\.name))
        guard names.count == queues.count else { throw .invalidScenario("two queues share a name") }
        for queue in queues {
            guard queue.arrivalRates.count == n else {
                throw .invalidScenario("queue \(queue.name) has \(queue.arrivalRates.count) rates for \(n) intervals")
            }
            for rate in queue.arrivalRates { try Check.nonNegative(rate, "arrival rate of \(queue.name) (calls/s)") }
            try queue.handlingTime.validate("handling time of \(queue.name)")
            try queue.patience?.validate("patience of \(queue.name)")
            guard agentGroups.contains(where: { $0.skills.contains(queue.name) }) else {
                throw .invalidScenario("no agent group answers queue \(queue.name)")
            }
        }
        for group in agentGroups {
            guard group.agents.count == n else {
                throw .invalidScenario(
                    "group \(group.name) has \(group.agents.count) staffing values for \(n) intervals")
            }
            guard group.agents.allSatisfy({ $0 >= 0 && $0 <= QueueingLimits.maxAgents }) else {
                throw .invalidScenario("group \(group.name) has a negative or absurd agent count")
            }
            for skill in group.skills where !names.contains(skill) {
                throw .invalidScenario("group \(group.name) answers unknown queue \(skill)")
            }
        }
        // Expected calls bound memory and time: refuse a scenario that would simulate billions of calls.
        let expected = queues.reduce(0.0) { sum, q in
            sum + zip(q.arrivalRates, intervalLengths).reduce(0.0) { $0 + $1.0 * $1.1 }
        }
        guard expected < 1e9 else { throw .invalidScenario("about \(Int(expected)) calls per replication: too many") }
    }
}

/// What each replication counts, per queue and interval of arrival (indices into a flat Double buffer).
enum Tally {
    static let offered = 0
    static let answered = 1
    static let abandoned = 2
    static let answeredWithin = 3
    static let waitSum = 4
    static let answeredWaitSum = 5
    static let waitExceeds = 6
    static let offeredWaitExceedsRing = 7
    static let offeredWaitExceedsTakeInCharge = 8
    static let answeredAfterRing = 9
    static let unanswered = 10
    static let count = 11
}

/// Raw counts of one replication: tallies[(queue·intervals + interval)·Tally.count + k], busy seconds per interval.
struct ReplicationCounts: Sendable {
    var tallies: [Double]
    var busy: [Double]
    var calls: Int
}
