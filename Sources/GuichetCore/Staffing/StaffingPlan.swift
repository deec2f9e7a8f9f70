import Foundation

/// How to turn a forecast into agents: the service target, shrinkage and what one FTE means.
public struct StaffingPolicy: Sendable, Hashable, Codable {
    /// The criterion every interval must meet.
    public var target: ServiceLevelTarget
    /// Fraction of paid time agents are not on the phones (breaks, training, absence), in [0, 1).
    public var shrinkage: Double
    /// Paid hours of one full-time equivalent per week (35 h: the French legal working week).
    public var fteHoursPerWeek: Double
    /// Paid hours of one full-time equivalent per day, for the daily FTE figure.
    public var fteHoursPerDay: Double
    /// Agents kept on the phones in an open interval even when it expects no call.
    public var minimumAgents: Int
    /// Optional cap on P(abandon), used only with Erlang A (when the forecast gives a patience).
    public var maxAbandonment: Double?

    public init(
        target: ServiceLevelTarget, shrinkage: Double = 0, fteHoursPerWeek: Double = 35, fteHoursPerDay: Double = 7,
        minimumAgents: Int = 1, maxAbandonment: Double? = nil
    ) {
        self.target = target
        self.shrinkage = shrinkage
        self.fteHoursPerWeek = fteHoursPerWeek
        self.fteHoursPerDay = fteHoursPerDay
        self.minimumAgents = minimumAgents
        self.maxAbandonment = maxAbandonment
    }

    func validate() throws(StaffingError) {
        try target.validate()
        guard shrinkage.isFinite, shrinkage >= 0, shrinkage < 1 else {
            throw .invalidParameter(name: "shrinkage", value: shrinkage, expected: "a fraction in [0, 1)")
        }
        try Check.positive(fteHoursPerWeek, "FTE hours per week")
        try Check.positive(fteHoursPerDay, "FTE hours per day")
        try Check.agents(minimumAgents, "minimum agents")
        if let maxAbandonment { try Check.openUnit(maxAbandonment, "maximum abandonment") }
    }

    /// The wait threshold the plan reports service level at: the target's own, or 30 s for an ASA target.
    var reportThreshold: Double {
        switch target {
        case let .serviceLevel(_, within): return within
        case .averageSpeedOfAnswer: return 30
        case let .maxProbabilityWaitExceeds(seconds, _): return seconds
        }
    }
}

/// Staffing of one interval of one day.
public struct IntervalStaffing: Sendable, Hashable, Codable {
    /// Interval start (local time).
    public let start: ClockTime
    /// Length in minutes (the last interval of a day may be shorter).
    public let minutes: Int
    /// Calls forecast in the interval.
    public let calls: Double
    /// Offered load in Erlangs (calls × AHT / interval length).
    public let offeredLoad: Double
    /// Agents needed on the phones to meet the target.
    public let agents: Int
    /// Agents to schedule once shrinkage is added: ⌈agents / (1 − shrinkage)⌉.
    public let scheduledAgents: Int
    /// Expected service level at the report threshold with `agents` (abandons count as misses).
    public let serviceLevel: Double
    /// Expected P(wait > report threshold).
    public let probabilityWaitExceeds: Double
    /// Expected P(offered wait > 60 s): a caller who never hangs up — a mystery shopper — rings over a minute.
    public let probabilityOfferedWaitExceeds60s: Double
    /// Expected average speed of answer (s): Erlang C mean wait, or Erlang A mean wait of answered calls.
    public let averageSpeedOfAnswer: Double
    /// Expected agent occupancy.
    public let occupancy: Double
    /// Expected P(abandon) (0 with Erlang C).
    public let abandonment: Double
}

/// Staffing of one day (a weekday of the normal week, or a named peak day).
public struct DayStaffing: Sendable, Hashable, Codable {
    public let name: String
    public let weekday: Weekday
    public let calls: Double
    public let intervals: [IntervalStaffing]
    /// Scheduled agent-hours (shrinkage included).
    public let agentHours: Double
    /// `agentHours / fteHoursPerDay`.
    public let fte: Double
    /// Service level over the day, weighted by calls.
    public let serviceLevel: Double
    /// The most agents scheduled at once.
    public let peakScheduledAgents: Int
}

/// The result of planning a forecast: every open day of a normal week, each peak day, and weekly totals.
public struct StaffingPlan: Sendable, Hashable, Codable {
    public let forecast: Forecast
    public let policy: StaffingPolicy
    /// "erlangC", or "erlangA" when the forecast gives a patience.
    public let model: String
    /// Open days of a normal week, in week order.
    public let days: [DayStaffing]
    /// Named peak days, each staffed as a day of its own (not part of the weekly totals).
    public let peakDays: [DayStaffing]
    /// Calls in a normal week.
    public let weeklyCalls: Double
    /// Scheduled agent-hours in a normal week.
    public let weeklyAgentHours: Double
    /// `weeklyAgentHours / fteHoursPerWeek`: the headcount of full-time agents a normal week needs.
    public let weeklyFTE: Double
    /// Service level over the normal week, weighted by calls.
    public let weeklyServiceLevel: Double

    /// Plans `forecast` under `policy`: the fewest agents meeting the target in every interval.
    public init(forecast: Forecast, policy: StaffingPolicy) throws(StaffingError) {
        try forecast.validate()
        try policy.validate()
        self.forecast = forecast
        self.policy = policy
        model = forecast.averagePatience == nil ? "erlangC" : "erlangA"
        let openDays = try forecast.openDays()
        let perDay: [Weekday: Double]
        switch forecast.volume {
        case let .perDay(calls):
            perDay = Dictionary(uniqueKeysWithValues: openDays.map { ($0, calls) })
        case let .perWeek(calls):
            let weights = openDays.map { forecast.dayWeights?[$0] ?? (forecast.dayWeights == nil ? 1 : 0) }
            let total = weights.reduce(0, +)
            guard total > 0 else { throw .invalidForecast("day weights are all zero") }
            perDay = Dictionary(uniqueKeysWithValues: zip(openDays, weights.map { calls * $0 / total }))
        }
        var days: [DayStaffing] = []
        for day in openDays {
            days.append(try Self.staffDay(
                name: day.rawValue.capitalized, weekday: day, calls: perDay[day] ?? 0,
                weights: forecast.intradayWeights, forecast: forecast, policy: policy))
        }
        var peaks: [DayStaffing] = []
        for peak in forecast.peakDays {
            peaks.append(try Self.staffDay(
                name: peak.name, weekday: peak.weekday ?? openDays[0], calls: peak.calls,
                weights: peak.intradayWeights ?? forecast.intradayWeights, forecast: forecast, policy: policy))
        }
        self.days = days
        peakDays = peaks
        weeklyCalls = days.reduce(0) { $0 + $1.calls }
        weeklyAgentHours = days.reduce(0) { $0 + $1.agentHours }
        weeklyFTE = weeklyAgentHours / policy.fteHoursPerWeek
        weeklyServiceLevel = weeklyCalls > 0
            ? days.reduce(0) { $0 + $1.serviceLevel * $1.calls } / weeklyCalls : 1
    }

    /// Interval boundaries of `day`: starts at opening, `intervalMinutes` long, the last one cut at closing.
    static func intervals(open: ClockTime, close: ClockTime, length: Int) -> [(start: Int, minutes: Int)] {
        stride(from: open.minutes, to: close.minutes, by: length).map { ($0, min(length, close.minutes - $0)) }
    }

    static func staffDay(
        name: String, weekday: Weekday, calls: Double, weights: [Double]?, forecast: Forecast, policy: StaffingPolicy
    ) throws(StaffingError) -> DayStaffing {
        guard let hours = try forecast.hours(on: weekday) else {
            throw .invalidForecast("\(name) falls on closed day \(weekday.rawValue)")
        }
        let slots = intervals(open: hours.open, close: hours.close, length: forecast.intervalMinutes)
        // Without a profile, calls spread in proportion to time, so a short last interval gets fewer calls.
        let shares = weights ?? slots.map { Double($0.minutes) }
        guard shares.count == slots.count else {
            throw .invalidForecast(
                "\(name): \(shares.count) intraday weights for \(slots.count) intervals of "
                    + "\(forecast.intervalMinutes) min "
                    + "between \(hours.open) and \(hours.close)")
        }
        let totalShare = shares.reduce(0, +)
        var result: [IntervalStaffing] = []
        for (slot, share) in zip(slots, shares) {
            let intervalCalls = calls * share / totalShare
            result.append(try staffInterval(
                start: try ClockTime(minutes: slot.start), minutes: slot.minutes, calls: intervalCalls,
                forecast: forecast, policy: policy))
        }
        let agentHours = result.reduce(0) { $0 + Double($1.scheduledAgents * $1.minutes) / 60 }
        let dayCalls = result.reduce(0) { $0 + $1.calls }
        return DayStaffing(
            name: name, weekday: weekday, calls: dayCalls, intervals: result, agentHours: agentHours,
            fte: agentHours / policy.fteHoursPerDay,
            serviceLevel: dayCalls > 0 ? result.reduce(0) { $0 + $1.serviceLevel * $1.calls } / dayCalls : 1,
            peakScheduledAgents: result.map(\.scheduledAgents).max() ?? 0)
    }

    static func staffInterval(
        start: ClockTime, minutes: Int, calls: Double, forecast: Forecast, policy: StaffingPolicy
    ) throws(StaffingError) -> IntervalStaffing {
        let rate = calls / Double(minutes * 60)
        let aht = forecast.averageHandlingTime
        let threshold = policy.reportThreshold
        let agents: Int
        let sl, tail, mystery, asa, occupancy, abandonment: Double
        if let patience = forecast.averagePatience {
            let needed = rate == 0 ? 1 : try ErlangA.agentsNeeded(
                arrivalRate: rate, averageHandlingTime: aht, averagePatience: patience, target: policy.target,
                maxAbandonment: policy.maxAbandonment)
            agents = max(needed, policy.minimumAgents)
            let m = try ErlangA(
                arrivalRate: rate, averageHandlingTime: aht, averagePatience: patience, agents: agents
            ).metrics
            sl = try m.serviceLevel(within: threshold)
            tail = try m.probabilityWaitExceeds(threshold)
            mystery = try m.probabilityOfferedWaitExceeds(60)
            asa = m.averageSpeedOfAnswer
            occupancy = m.occupancy
            abandonment = m.probabilityOfAbandonment
        } else {
            let needed = rate == 0 ? 1 : try ErlangC.agentsNeeded(
                arrivalRate: rate, averageHandlingTime: aht, target: policy.target)
            agents = max(needed, policy.minimumAgents)
            let model = try ErlangC(arrivalRate: rate, averageHandlingTime: aht, agents: agents)
            // agentsNeeded only returns stable staffing, so metrics exist.
            guard let m = model.outcome.metrics else {
                throw .targetUnreachable(target: policy.target.description, limit: agents)
            }
            sl = try m.serviceLevel(within: threshold)
            tail = try m.probabilityWaitExceeds(threshold)
            mystery = try m.probabilityWaitExceeds(60)
            asa = m.averageSpeedOfAnswer
            occupancy = m.occupancy
            abandonment = 0
        }
        // A tiny tolerance keeps 7 / (1 − 0.3) = 10.000000000000002 from becoming 11 agents.
        let scheduled = Int((Double(agents) / (1 - policy.shrinkage) - 1e-9).rounded(.up))
        return IntervalStaffing(
            start: start, minutes: minutes, calls: calls, offeredLoad: rate * aht, agents: agents,
            scheduledAgents: scheduled, serviceLevel: sl, probabilityWaitExceeds: tail,
            probabilityOfferedWaitExceeds60s: mystery, averageSpeedOfAnswer: asa, occupancy: occupancy,
            abandonment: abandonment)
    }
}
