import Foundation
import GuichetCore
import Vapor

// What the staffing surfaces answer: the same types for the API's JSON, `--format json` on the command line,
// the text tables and the web page. Built from the domain results by explicit mapping, so the domain types can
// change without changing the published format.

/// An estimate over replications: mean and its confidence interval.
public struct EstimateDTO: Content, Sendable, Equatable, DocumentedSchema {
    public var mean: Double
    public var lower: Double
    public var upper: Double

    init(mean: Double, lower: Double, upper: Double) {
        self.mean = mean
        self.lower = lower
        self.upper = upper
    }

    init(_ estimate: Estimate) {
        mean = estimate.mean
        lower = estimate.lower
        upper = estimate.upper
    }

    init?(_ estimate: Estimate?) {
        guard let estimate else { return nil }
        self.init(estimate)
    }

    static var schema: JSONValue {
        Schema.object(["mean": Schema.number, "lower": Schema.number, "upper": Schema.number],
                      required: ["mean", "lower", "upper"])
    }
}

/// The answer of the Erlang C or Erlang A model for one staffing.
public struct ErlangResultDTO: Content, Sendable, Equatable, DocumentedSchema {
    /// "erlangC" or "erlangA".
    public var model: String
    public var callsPerHour: Double
    public var averageHandlingTime: Double
    public var averagePatience: Double?
    /// λ·AHT in Erlangs.
    public var offeredLoad: Double
    /// The staffing these metrics describe: the caller's, or the fewest meeting the target.
    public var agents: Int
    /// The fewest agents meeting `target` (present when a target was given or `agents` omitted).
    public var agentsNeeded: Int?
    /// The target, in words ("80 % answered within 30 s").
    public var target: String?
    /// Whether `agents` meets the target.
    public var targetMet: Bool?
    /// The "t" of the service level and of P(wait > t): the target's threshold, or 30 s.
    public var threshold: Double
    public var probabilityOfWaiting: Double
    /// Answered within `threshold` / offered (abandons count as misses).
    public var serviceLevel: Double
    public var probabilityWaitExceeds: Double
    /// Erlang C: mean wait of all calls; Erlang A: mean wait of answered calls (s).
    public var averageSpeedOfAnswer: Double
    public var occupancy: Double
    /// Erlang A only.
    public var probabilityOfAbandonment: Double?
    /// Erlang A only: mean wait over all offered calls (s).
    public var meanWait: Double?
    /// P(a caller who never hangs up waits > 60 s): the award's ring limit.
    public var probabilityOfferedWaitExceeds60s: Double

    static var schema: JSONValue {
        let p: JSONValue = ["type": "number", "minimum": 0, "maximum": 1]
        return Schema.object(
            [
                "model": Schema.enumeration(["erlangC", "erlangA"]), "callsPerHour": Schema.number,
                "averageHandlingTime": Schema.number, "averagePatience": Schema.nullable(Schema.number),
                "offeredLoad": Schema.number, "agents": Schema.integer, "agentsNeeded": Schema.nullable(Schema.integer),
                "target": Schema.nullable(Schema.string), "targetMet": Schema.nullable(Schema.boolean),
                "threshold": Schema.number, "probabilityOfWaiting": p, "serviceLevel": p,
                "probabilityWaitExceeds": p, "averageSpeedOfAnswer": Schema.number, "occupancy": p,
                "probabilityOfAbandonment": Schema.nullable(p), "meanWait": Schema.nullable(Schema.number),
                "probabilityOfferedWaitExceeds60s": p,
            ],
            required: [
                "model", "callsPerHour", "averageHandlingTime", "offeredLoad", "agents", "threshold",
                "probabilityOfWaiting", "serviceLevel", "probabilityWaitExceeds", "averageSpeedOfAnswer", "occupancy",
                "probabilityOfferedWaitExceeds60s",
            ])
    }
}

/// The award's view of a staffing: how likely a mystery call scores 0 and what it costs.
public struct AwardExposureDTO: Content, Sendable, Equatable, DocumentedSchema {
    /// P(a phone test scores 0), with its interval when simulated.
    public var zeroProbability: EstimateDTO
    /// Out of `phoneTests` calls (140).
    public var expectedZeroedCalls: Double
    /// Points lost on the phone mark out of 20.
    public var expectedMarkLoss: Double
    public var phoneTests: Int
    /// The ringing (or take-in-charge) time beyond which a call scores 0 (s).
    public var zeroLimit: Double

    init(_ exposure: AwardExposure) {
        zeroProbability = EstimateDTO(exposure.zeroProbability)
        expectedZeroedCalls = exposure.expectedZeroedCalls
        expectedMarkLoss = exposure.expectedMarkLoss
        phoneTests = exposure.rules.phoneTests
        zeroLimit = exposure.rules.zeroLimit
    }

    static var schema: JSONValue {
        Schema.object(
            [
                "zeroProbability": EstimateDTO.schema, "expectedZeroedCalls": Schema.number,
                "expectedMarkLoss": Schema.number, "phoneTests": Schema.integer, "zeroLimit": Schema.number,
            ], required: ["zeroProbability", "expectedZeroedCalls", "expectedMarkLoss", "phoneTests", "zeroLimit"])
    }
}

/// One interval of a planned day.
public struct PlannedIntervalDTO: Content, Sendable, Equatable, DocumentedSchema {
    /// "HH:MM".
    public var start: String
    public var minutes: Int
    public var calls: Double
    public var offeredLoad: Double
    /// On the phones.
    public var agents: Int
    /// With shrinkage: ⌈agents / (1 − shrinkage)⌉.
    public var scheduledAgents: Int
    public var serviceLevel: Double
    public var probabilityWaitExceeds: Double
    public var probabilityOfferedWaitExceeds60s: Double
    public var averageSpeedOfAnswer: Double
    public var occupancy: Double
    public var abandonment: Double

    init(_ interval: IntervalStaffing) {
        start = interval.start.description
        minutes = interval.minutes
        calls = interval.calls
        offeredLoad = interval.offeredLoad
        agents = interval.agents
        scheduledAgents = interval.scheduledAgents
        serviceLevel = interval.serviceLevel
        probabilityWaitExceeds = interval.probabilityWaitExceeds
        probabilityOfferedWaitExceeds60s = interval.probabilityOfferedWaitExceeds60s
        averageSpeedOfAnswer = interval.averageSpeedOfAnswer
        occupancy = interval.occupancy
        abandonment = interval.abandonment
    }

    static var schema: JSONValue {
        Schema.object(
            [
                "start": Schema.string, "minutes": Schema.integer, "calls": Schema.number,
                "offeredLoad": Schema.number, "agents": Schema.integer, "scheduledAgents": Schema.integer,
                "serviceLevel": Schema.number, "probabilityWaitExceeds": Schema.number,
                "probabilityOfferedWaitExceeds60s": Schema.number, "averageSpeedOfAnswer": Schema.number,
                "occupancy": Schema.number, "abandonment": Schema.number,
            ],
            required: [
                "start", "minutes", "calls", "offeredLoad", "agents", "scheduledAgents", "serviceLevel",
                "probabilityWaitExceeds", "probabilityOfferedWaitExceeds60s", "averageSpeedOfAnswer", "occupancy",
                "abandonment",
            ])
    }
}

/// One planned day (a weekday of the normal week or a named peak day).
public struct PlannedDayDTO: Content, Sendable, Equatable, DocumentedSchema {
    public var name: String
    public var weekday: String
    public var isPeakDay: Bool
    public var calls: Double
    /// Scheduled agent-hours (shrinkage included).
    public var agentHours: Double
    public var fte: Double
    /// Expected service level over the day, weighted by calls.
    public var serviceLevel: Double
    public var peakScheduledAgents: Int
    /// The analytic award exposure of the day.
    public var award: AwardExposureDTO
    public var intervals: [PlannedIntervalDTO]

    static var schema: JSONValue {
        Schema.object(
            [
                "name": Schema.string, "weekday": Schema.enumeration(Weekday.allCases.map(\.rawValue)),
                "isPeakDay": Schema.boolean, "calls": Schema.number, "agentHours": Schema.number,
                "fte": Schema.number, "serviceLevel": Schema.number, "peakScheduledAgents": Schema.integer,
                "award": AwardExposureDTO.schema, "intervals": Schema.array(PlannedIntervalDTO.schema),
            ],
            required: [
                "name", "weekday", "isPeakDay", "calls", "agentHours", "fte", "serviceLevel", "peakScheduledAgents",
                "award", "intervals",
            ])
    }
}

/// A staffing plan: per day and interval, and the normal week's totals.
public struct PlanDTO: Content, Sendable, Equatable, DocumentedSchema {
    /// "erlangC", or "erlangA" when the forecast gives a patience.
    public var model: String
    public var target: String
    /// The threshold the service levels are reported at (s).
    public var threshold: Double
    public var shrinkage: Double
    public var weeklyCalls: Double
    public var weeklyAgentHours: Double
    public var weeklyFTE: Double
    public var weeklyServiceLevel: Double
    /// The open days of a normal week, then the peak days.
    public var days: [PlannedDayDTO]

    static var schema: JSONValue {
        Schema.object(
            [
                "model": Schema.enumeration(["erlangC", "erlangA"]), "target": Schema.string,
                "threshold": Schema.number, "shrinkage": Schema.number, "weeklyCalls": Schema.number,
                "weeklyAgentHours": Schema.number, "weeklyFTE": Schema.number, "weeklyServiceLevel": Schema.number,
                "days": Schema.array(PlannedDayDTO.schema),
            ],
            required: [
                "model", "target", "threshold", "shrinkage", "weeklyCalls", "weeklyAgentHours", "weeklyFTE",
                "weeklyServiceLevel", "days",
            ])
    }
}

/// Simulated performance over a set of calls; a member is null when nothing could be measured (no call).
public struct SimulatedMetricsDTO: Content, Sendable, Equatable, DocumentedSchema {
    public var offeredCalls: Double
    public var serviceLevel: EstimateDTO?
    public var averageSpeedOfAnswer: EstimateDTO?
    public var meanWait: EstimateDTO?
    public var abandonment: EstimateDTO?
    public var probabilityWaitExceeds: EstimateDTO?
    /// P(offered wait > the award's zero limit).
    public var probabilityOfferedWaitExceedsZeroLimit: EstimateDTO?
    public var occupancy: EstimateDTO?

    init(_ metrics: SimulatedMetrics) {
        offeredCalls = metrics.offeredCalls
        serviceLevel = EstimateDTO(metrics.serviceLevel)
        averageSpeedOfAnswer = EstimateDTO(metrics.averageSpeedOfAnswer)
        meanWait = EstimateDTO(metrics.meanWait)
        abandonment = EstimateDTO(metrics.abandonment)
        probabilityWaitExceeds = EstimateDTO(metrics.probabilityWaitExceeds)
        probabilityOfferedWaitExceedsZeroLimit = EstimateDTO(metrics.probabilityOfferedWaitExceedsZeroLimit)
        occupancy = EstimateDTO(metrics.occupancy)
    }

    static var schema: JSONValue {
        let estimate = Schema.nullable(EstimateDTO.schema)
        return Schema.object(
            [
                "offeredCalls": Schema.number, "serviceLevel": estimate, "averageSpeedOfAnswer": estimate,
                "meanWait": estimate, "abandonment": estimate, "probabilityWaitExceeds": estimate,
                "probabilityOfferedWaitExceedsZeroLimit": estimate, "occupancy": estimate,
            ], required: ["offeredCalls"])
    }
}

/// One simulated interval beside what the analytic model expected.
public struct SimulatedIntervalDTO: Content, Sendable, Equatable, DocumentedSchema {
    /// "HH:MM" for a planned day; "+HH:MM" from the start for a scenario.
    public var start: String
    public var agents: Int
    /// The analytic service level (absent for a scenario file).
    public var expectedServiceLevel: Double?
    public var simulated: SimulatedMetricsDTO

    static var schema: JSONValue {
        Schema.object(
            [
                "start": Schema.string, "agents": Schema.integer,
                "expectedServiceLevel": Schema.nullable(Schema.number), "simulated": SimulatedMetricsDTO.schema,
            ], required: ["start", "agents", "simulated"])
    }
}

/// One simulated day (or scenario).
public struct SimulatedDayDTO: Content, Sendable, Equatable, DocumentedSchema {
    public var name: String
    public var threshold: Double
    public var simulatedCalls: Int
    public var usedFastPath: Bool
    /// The analytic service level of the day (absent for a scenario file).
    public var expectedServiceLevel: Double?
    public var overall: SimulatedMetricsDTO
    public var award: AwardExposureDTO
    /// The analytic award exposure (absent for a scenario file).
    public var expectedAward: AwardExposureDTO?
    public var intervals: [SimulatedIntervalDTO]

    static var schema: JSONValue {
        Schema.object(
            [
                "name": Schema.string, "threshold": Schema.number, "simulatedCalls": Schema.integer,
                "usedFastPath": Schema.boolean, "expectedServiceLevel": Schema.nullable(Schema.number),
                "overall": SimulatedMetricsDTO.schema, "award": AwardExposureDTO.schema,
                "expectedAward": Schema.nullable(AwardExposureDTO.schema),
                "intervals": Schema.array(SimulatedIntervalDTO.schema),
            ], required: ["name", "threshold", "simulatedCalls", "usedFastPath", "overall", "award", "intervals"])
    }
}

/// A simulation run: every simulated day, the seed and the replications that reproduce it.
public struct SimulationDTO: Content, Sendable, Equatable, DocumentedSchema {
    public var replications: Int
    public var seed: UInt64
    public var confidenceLevel: Double
    public var agentDelta: Int
    public var days: [SimulatedDayDTO]

    static var schema: JSONValue {
        Schema.object(
            [
                "replications": Schema.integer, "seed": Schema.integer, "confidenceLevel": Schema.number,
                "agentDelta": Schema.integer, "days": Schema.array(SimulatedDayDTO.schema),
            ], required: ["replications", "seed", "confidenceLevel", "agentDelta", "days"])
    }
}
