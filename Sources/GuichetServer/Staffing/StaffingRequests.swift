import Foundation
import GuichetCore
import Vapor

// What callers send to the staffing surfaces (API bodies, CLI flags and forecast files, the web form).
//
// These types mirror the JSON formats of docs/STAFFING.md but keep every field as the caller wrote it (strings for
// days and times, optionals for defaults), so that mapping them to the domain types can point at the exact field
// that is wrong (`/forecast/openingHours/0/open`) instead of failing somewhere inside a decoder.

/// A service target as JSON: exactly one of the three members, as `ServiceLevelTarget` is documented in
/// docs/STAFFING.md — `{"serviceLevel": {"fraction": 0.8, "within": 30}}`, `{"averageSpeedOfAnswer": {"seconds":
/// 20}}` or `{"maxProbabilityWaitExceeds": {"seconds": 30, "probability": 0.05}}`.
public struct TargetDTO: Content, Sendable, Equatable, DocumentedSchema {
    public struct ServiceLevel: Codable, Sendable, Equatable {
        public var fraction: Double
        public var within: Double
        public init(fraction: Double, within: Double) {
            self.fraction = fraction
            self.within = within
        }
    }
    public struct AverageSpeedOfAnswer: Codable, Sendable, Equatable {
        public var seconds: Double
        public init(seconds: Double) { self.seconds = seconds }
    }
    public struct MaxProbabilityWaitExceeds: Codable, Sendable, Equatable {
        public var seconds: Double
        public var probability: Double
        public init(seconds: Double, probability: Double) {
            self.seconds = seconds
            self.probability = probability
        }
    }

    public var serviceLevel: ServiceLevel?
    public var averageSpeedOfAnswer: AverageSpeedOfAnswer?
    public var maxProbabilityWaitExceeds: MaxProbabilityWaitExceeds?

    public init(
        serviceLevel: ServiceLevel? = nil, averageSpeedOfAnswer: AverageSpeedOfAnswer? = nil,
        maxProbabilityWaitExceeds: MaxProbabilityWaitExceeds? = nil
    ) {
        self.serviceLevel = serviceLevel
        self.averageSpeedOfAnswer = averageSpeedOfAnswer
        self.maxProbabilityWaitExceeds = maxProbabilityWaitExceeds
    }

    /// 80 % of calls answered within 30 s: the industry's default, used when a request gives no target.
    public static let standard = TargetDTO(serviceLevel: .init(fraction: 0.8, within: 30))

    /// The domain target; problems are reported under `pointer`.
    func target(at pointer: String, into problems: inout Problems) -> ServiceLevelTarget? {
        let given = [serviceLevel != nil, averageSpeedOfAnswer != nil, maxProbabilityWaitExceeds != nil]
            .filter { $0 }.count
        guard given == 1 else {
            problems.add(
                pointer,
                "give exactly one of serviceLevel, averageSpeedOfAnswer, maxProbabilityWaitExceeds (\(given) given)")
            return nil
        }
        if let serviceLevel {
            let ok = problems.openUnit(serviceLevel.fraction, at: pointer + "/serviceLevel/fraction")
                && problems.nonNegative(serviceLevel.within, at: pointer + "/serviceLevel/within", max: 86_400)
            return ok ? .serviceLevel(fraction: serviceLevel.fraction, within: serviceLevel.within) : nil
        }
        if let averageSpeedOfAnswer {
            let ok = problems.positive(
                averageSpeedOfAnswer.seconds, at: pointer + "/averageSpeedOfAnswer/seconds", max: 86_400)
            return ok ? .averageSpeedOfAnswer(seconds: averageSpeedOfAnswer.seconds) : nil
        }
        if let target = maxProbabilityWaitExceeds {
            let ok = problems.nonNegative(target.seconds, at: pointer + "/maxProbabilityWaitExceeds/seconds", max: 86_400)
                && problems.openUnit(target.probability, at: pointer + "/maxProbabilityWaitExceeds/probability")
            return ok ? .maxProbabilityWaitExceeds(seconds: target.seconds, probability: target.probability) : nil
        }
        return nil
    }

    static var schema: JSONValue {
        let fraction: JSONValue = ["type": "number", "exclusiveMinimum": true, "minimum": 0,
                                   "exclusiveMaximum": true, "maximum": 1]
        let seconds: JSONValue = ["type": "number", "minimum": 0]
        return [
            "type": "object",
            "description": "Exactly one member.",
            "properties": [
                "serviceLevel": Schema.object(["fraction": fraction, "within": seconds], required: ["fraction", "within"]),
                "averageSpeedOfAnswer": Schema.object(["seconds": seconds], required: ["seconds"]),
                "maxProbabilityWaitExceeds": Schema.object(
                    ["seconds": seconds, "probability": fraction], required: ["seconds", "probability"]),
            ],
            "additionalProperties": false,
        ]
    }
}

/// `POST /api/v1/staffing/erlang-c` and `/erlang-a`, and the `guichet staffing erlang-c|erlang-a` flags.
///
/// Rates are in calls per **hour** (what a forecast says), times in seconds. Without `agents`, the answer is the
/// fewest agents meeting `target` (default 80 % within 30 s); with `agents`, the metrics of that staffing (and,
/// when a target is given, whether it is met and how many agents it needs).
public struct ErlangRequest: Content, Sendable, Equatable {
    public var callsPerHour: Double
    /// Average handling time in seconds (talk + hold + after-call work).
    public var averageHandlingTime: Double
    /// Mean caller patience in seconds: required by Erlang A, refused by Erlang C.
    public var averagePatience: Double?
    public var agents: Int?
    public var target: TargetDTO?
    /// Erlang A only: also cap P(abandon) when searching for agents.
    public var maxAbandonment: Double?

    public init(
        callsPerHour: Double, averageHandlingTime: Double, averagePatience: Double? = nil, agents: Int? = nil,
        target: TargetDTO? = nil, maxAbandonment: Double? = nil
    ) {
        self.callsPerHour = callsPerHour
        self.averageHandlingTime = averageHandlingTime
        self.averagePatience = averagePatience
        self.agents = agents
        self.target = target
        self.maxAbandonment = maxAbandonment
    }

    static func schema(patience: Bool) -> JSONValue {
        var properties: [String: JSONValue] = [
            "callsPerHour": ["type": "number", "minimum": 0, "description": "Calls offered per hour"],
            "averageHandlingTime": ["type": "number", "exclusiveMinimum": true, "minimum": 0,
                                    "description": "Seconds"],
            "agents": ["type": "integer", "minimum": 1,
                       "description": "Agents on the phones; omit to get the fewest meeting the target"],
            "target": TargetDTO.schema,
        ]
        var required = ["callsPerHour", "averageHandlingTime"]
        if patience {
            properties["averagePatience"] = ["type": "number", "exclusiveMinimum": true, "minimum": 0,
                                             "description": "Mean patience in seconds (exponential)"]
            properties["maxAbandonment"] = ["type": "number", "exclusiveMinimum": true, "minimum": 0,
                                            "exclusiveMaximum": true, "maximum": 1]
            required.append("averagePatience")
        }
        return Schema.object(properties, required: required)
    }
}

/// A forecast as written in a forecast file (docs/STAFFING.md, "Forecast JSON").
public struct ForecastDTO: Content, Sendable, Equatable {
    public struct Volume: Codable, Sendable, Equatable {
        public var perWeek: Double?
        public var perDay: Double?
        public init(perWeek: Double? = nil, perDay: Double? = nil) {
            self.perWeek = perWeek
            self.perDay = perDay
        }
    }
    public struct Hours: Codable, Sendable, Equatable {
        public var days: [String]
        public var open: String
        public var close: String
        public init(days: [String], open: String, close: String) {
            self.days = days
            self.open = open
            self.close = close
        }
    }
    public struct Peak: Codable, Sendable, Equatable {
        public var name: String
        public var calls: Double
        public var weekday: String?
        public var intradayWeights: [Double]?
        public init(name: String, calls: Double, weekday: String? = nil, intradayWeights: [Double]? = nil) {
            self.name = name
            self.calls = calls
            self.weekday = weekday
            self.intradayWeights = intradayWeights
        }
    }

    public var volume: Volume
    public var openingHours: [Hours]
    /// 15, 30 or 60 (default 30).
    public var intervalMinutes: Int?
    public var dayWeights: [String: Double]?
    public var intradayWeights: [Double]?
    public var peakDays: [Peak]?
    public var averageHandlingTime: Double
    public var averagePatience: Double?

    public init(
        volume: Volume, openingHours: [Hours], intervalMinutes: Int? = nil, dayWeights: [String: Double]? = nil,
        intradayWeights: [Double]? = nil, peakDays: [Peak]? = nil, averageHandlingTime: Double,
        averagePatience: Double? = nil
    ) {
        self.volume = volume
        self.openingHours = openingHours
        self.intervalMinutes = intervalMinutes
        self.dayWeights = dayWeights
        self.intradayWeights = intradayWeights
        self.peakDays = peakDays
        self.averageHandlingTime = averageHandlingTime
        self.averagePatience = averagePatience
    }

    /// The source's reference operation (`Forecast.reference`): 6,000 calls a week, Monday–Saturday 08:30–19:30,
    /// half-hours, a 2,000-call peak day, AHT 240 s.
    public static let reference = ForecastDTO(
        volume: .init(perWeek: 6000),
        openingHours: [.init(
            days: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"], open: "08:30", close: "19:30")],
        intervalMinutes: 30, peakDays: [.init(name: "Peak day", calls: 2000)], averageHandlingTime: 240)

    /// The domain forecast; problems are reported under `pointer` (e.g. "/forecast").
    func forecast(at pointer: String, into problems: inout Problems) -> Forecast? {
        let before = problems.count
        var volume: ForecastVolume?
        switch (self.volume.perWeek, self.volume.perDay) {
        case let (week?, nil):
            if problems.nonNegative(week, at: pointer + "/volume/perWeek", max: 1e8) { volume = .perWeek(week) }
        case let (nil, day?):
            if problems.nonNegative(day, at: pointer + "/volume/perDay", max: 1e8) { volume = .perDay(day) }
        default:
            problems.add(pointer + "/volume", "give exactly one of perWeek, perDay")
        }
        var hours: [OpeningHours] = []
        if openingHours.isEmpty { problems.add(pointer + "/openingHours", "at least one entry") }
        for (i, entry) in openingHours.enumerated() {
            let at = "\(pointer)/openingHours/\(i)"
            var days: [Weekday] = []
            for (j, name) in entry.days.enumerated() {
                if let day = Weekday(rawValue: name.lowercased()) { days.append(day) } else {
                    problems.add("\(at)/days/\(j)", "\"\(name)\" is not a day (monday … sunday)")
                }
            }
            let open = problems.clock(entry.open, at: at + "/open")
            let close = problems.clock(entry.close, at: at + "/close")
            if let open, let close {
                if open < close { hours.append(OpeningHours(days: days, open: open, close: close)) } else {
                    problems.add(at + "/close", "closes at \(close), not after opening at \(open)")
                }
            }
        }
        let interval = intervalMinutes ?? 30
        if ![15, 30, 60].contains(interval) { problems.add(pointer + "/intervalMinutes", "use 15, 30 or 60") }
        var weights: [Weekday: Double]?
        if let dayWeights {
            weights = [:]
            for (name, weight) in dayWeights.sorted(by: { $0.key < $1.key }) {
                guard let day = Weekday(rawValue: name.lowercased()) else {
                    problems.add("\(pointer)/dayWeights/\(name)", "\"\(name)\" is not a day (monday … sunday)")
                    continue
                }
                if problems.nonNegative(weight, at: "\(pointer)/dayWeights/\(name)", max: 1e6) { weights?[day] = weight }
            }
        }
        for (i, w) in (intradayWeights ?? []).enumerated() {
            _ = problems.nonNegative(w, at: "\(pointer)/intradayWeights/\(i)", max: 1e6)
        }
        var peaks: [PeakDay] = []
        for (i, peak) in (peakDays ?? []).enumerated() {
            let at = "\(pointer)/peakDays/\(i)"
            _ = problems.nonNegative(peak.calls, at: at + "/calls", max: 1e8)
            var weekday: Weekday?
            if let name = peak.weekday {
                weekday = Weekday(rawValue: name.lowercased())
                if weekday == nil { problems.add(at + "/weekday", "\"\(name)\" is not a day (monday … sunday)") }
            }
            for (j, w) in (peak.intradayWeights ?? []).enumerated() {
                _ = problems.nonNegative(w, at: "\(at)/intradayWeights/\(j)", max: 1e6)
            }
            peaks.append(PeakDay(
                name: String(peak.name.prefix(100)), calls: peak.calls, weekday: weekday,
                intradayWeights: peak.intradayWeights))
        }
        _ = problems.positive(averageHandlingTime, at: pointer + "/averageHandlingTime", max: 86_400)
        if let averagePatience { _ = problems.positive(averagePatience, at: pointer + "/averagePatience", max: 864_000) }
        guard problems.count == before, let volume else { return nil }
        let forecast = Forecast(
            volume: volume, openingHours: hours, intervalMinutes: interval, dayWeights: weights,
            intradayWeights: intradayWeights, peakDays: peaks, averageHandlingTime: averageHandlingTime,
            averagePatience: averagePatience)
        do {
            try forecast.validate()
        } catch {
            problems.add(StaffingErrors.pointer(for: error, under: pointer), error.description)
            return nil
        }
        return forecast
    }

    static var schema: JSONValue {
        let day = Schema.enumeration(Weekday.allCases.map(\.rawValue))
        let time: JSONValue = ["type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"]
        let weights = Schema.array(["type": "number", "minimum": 0])
        return Schema.object(
            [
                "volume": [
                    "type": "object", "description": "Exactly one of perWeek, perDay",
                    "properties": ["perWeek": ["type": "number", "minimum": 0],
                                   "perDay": ["type": "number", "minimum": 0]],
                    "additionalProperties": false,
                ],
                "openingHours": Schema.array(Schema.object(
                    ["days": Schema.array(day), "open": time, "close": time], required: ["days", "open", "close"])),
                "intervalMinutes": ["type": "integer", "enum": [15, 30, 60]],
                "dayWeights": ["type": "object", "additionalProperties": ["type": "number", "minimum": 0]],
                "intradayWeights": weights,
                "peakDays": Schema.array(Schema.object(
                    ["name": Schema.string, "calls": ["type": "number", "minimum": 0], "weekday": day,
                     "intradayWeights": weights], required: ["name", "calls"])),
                "averageHandlingTime": ["type": "number", "exclusiveMinimum": true, "minimum": 0,
                                        "description": "Seconds"],
                "averagePatience": ["type": "number", "exclusiveMinimum": true, "minimum": 0,
                                    "description": "Seconds; switches the plan to Erlang A"],
            ], required: ["volume", "openingHours", "averageHandlingTime"])
    }
}

/// How to staff a forecast; every field has a default (80 % in 30 s, no shrinkage, 35 h and 7 h FTE, 1 agent).
public struct PolicyDTO: Content, Sendable, Equatable {
    public var target: TargetDTO?
    /// Fraction of paid time off the phones, in [0, 1).
    public var shrinkage: Double?
    public var fteHoursPerWeek: Double?
    public var fteHoursPerDay: Double?
    public var minimumAgents: Int?
    public var maxAbandonment: Double?

    public init(
        target: TargetDTO? = nil, shrinkage: Double? = nil, fteHoursPerWeek: Double? = nil,
        fteHoursPerDay: Double? = nil, minimumAgents: Int? = nil, maxAbandonment: Double? = nil
    ) {
        self.target = target
        self.shrinkage = shrinkage
        self.fteHoursPerWeek = fteHoursPerWeek
        self.fteHoursPerDay = fteHoursPerDay
        self.minimumAgents = minimumAgents
        self.maxAbandonment = maxAbandonment
    }

    func policy(at pointer: String, into problems: inout Problems) -> StaffingPolicy? {
        let before = problems.count
        let target = (self.target ?? .standard).target(at: pointer + "/target", into: &problems)
        let shrinkage = self.shrinkage ?? 0
        if !(shrinkage.isFinite && shrinkage >= 0 && shrinkage < 1) {
            problems.add(pointer + "/shrinkage", "expected a fraction in [0, 1), got \(shrinkage)")
        }
        let week = fteHoursPerWeek ?? 35
        let day = fteHoursPerDay ?? 7
        _ = problems.positive(week, at: pointer + "/fteHoursPerWeek", max: 168)
        _ = problems.positive(day, at: pointer + "/fteHoursPerDay", max: 24)
        let minimum = minimumAgents ?? 1
        if !(1...10_000).contains(minimum) { problems.add(pointer + "/minimumAgents", "expected 1 … 10,000") }
        if let maxAbandonment { _ = problems.openUnit(maxAbandonment, at: pointer + "/maxAbandonment") }
        guard problems.count == before, let target else { return nil }
        return StaffingPolicy(
            target: target, shrinkage: shrinkage, fteHoursPerWeek: week, fteHoursPerDay: day, minimumAgents: minimum,
            maxAbandonment: maxAbandonment)
    }

    static var schema: JSONValue {
        Schema.object(
            [
                "target": TargetDTO.schema,
                "shrinkage": ["type": "number", "minimum": 0, "exclusiveMaximum": true, "maximum": 1],
                "fteHoursPerWeek": ["type": "number", "exclusiveMinimum": true, "minimum": 0],
                "fteHoursPerDay": ["type": "number", "exclusiveMinimum": true, "minimum": 0],
                "minimumAgents": ["type": "integer", "minimum": 1],
                "maxAbandonment": ["type": "number", "exclusiveMinimum": true, "minimum": 0,
                                   "exclusiveMaximum": true, "maximum": 1],
            ], required: [])
    }
}

/// `POST /api/v1/staffing/plan`: a forecast and how to staff it.
public struct PlanRequest: Content, Sendable, Equatable, DocumentedSchema {
    public var forecast: ForecastDTO
    public var policy: PolicyDTO?

    public init(forecast: ForecastDTO, policy: PolicyDTO? = nil) {
        self.forecast = forecast
        self.policy = policy
    }

    static var schema: JSONValue {
        Schema.object(["forecast": ForecastDTO.schema, "policy": PolicyDTO.schema], required: ["forecast"])
    }
}

/// `POST /api/v1/staffing/simulate` and `guichet simulate FORECAST.json`: plan the forecast, then simulate the
/// planned days with that staffing (plus `agentDelta` agents in every interval, to ask "what if I staff less?").
public struct SimulateRequest: Content, Sendable, Equatable, DocumentedSchema {
    public var forecast: ForecastDTO
    public var policy: PolicyDTO?
    /// Replications per simulated day (default 200).
    public var replications: Int?
    /// Same seed, same answer (default 1).
    public var seed: UInt64?
    /// Agents added to (negative: removed from) every interval of the plan before simulating.
    public var agentDelta: Int?
    /// Names of the days to simulate ("Monday", "Peak day"); default: every day of the plan.
    public var days: [String]?
    /// True when a greeting answers at once (only the 4-minute take-in-charge limit zeroes a test call).
    public var greetingAnswersImmediately: Bool?

    public init(
        forecast: ForecastDTO, policy: PolicyDTO? = nil, replications: Int? = nil, seed: UInt64? = nil,
        agentDelta: Int? = nil, days: [String]? = nil, greetingAnswersImmediately: Bool? = nil
    ) {
        self.forecast = forecast
        self.policy = policy
        self.replications = replications
        self.seed = seed
        self.agentDelta = agentDelta
        self.days = days
        self.greetingAnswersImmediately = greetingAnswersImmediately
    }

    static var schema: JSONValue {
        Schema.object(
            [
                "forecast": ForecastDTO.schema, "policy": PolicyDTO.schema,
                "replications": ["type": "integer", "minimum": 2, "maximum": .number(Double(SimulationLimits.api.maxReplications))],
                "seed": ["type": "integer", "minimum": 0],
                "agentDelta": ["type": "integer"],
                "days": Schema.array(Schema.string),
                "greetingAnswersImmediately": Schema.boolean,
            ], required: ["forecast"])
    }
}

/// How much work one simulation request may ask for: the API and the page answer in bounded time, the CLI may
/// run for as long as its user wants.
public struct SimulationLimits: Sendable, Equatable {
    public var maxReplications: Int
    /// Replications × expected calls over all simulated days.
    public var maxSimulatedCalls: Double

    public init(maxReplications: Int, maxSimulatedCalls: Double) {
        self.maxReplications = maxReplications
        self.maxSimulatedCalls = maxSimulatedCalls
    }

    /// About a second of one core at most.
    public static let api = SimulationLimits(maxReplications: 1000, maxSimulatedCalls: 20_000_000)
    /// The command line: bounded only by the simulator's own limits.
    public static let commandLine = SimulationLimits(maxReplications: 1_000_000, maxSimulatedCalls: 1e12)
}

/// Problems found while reading an input, each with its JSON Pointer.
struct Problems {
    private(set) var list: [FieldProblem] = []
    var count: Int { list.count }

    mutating func add(_ pointer: String, _ detail: String) {
        list.append(FieldProblem(pointer: pointer, detail: detail))
    }

    /// Throws every problem at once, so a form or a request is fixed in one go.
    func throwIfAny() throws {
        if !list.isEmpty { throw ValidationFailure(list) }
    }

    mutating func positive(_ value: Double, at pointer: String, max: Double) -> Bool {
        guard value.isFinite, value > 0, value <= max else {
            add(pointer, "expected a number > 0 and ≤ \(Self.format(max)), got \(Self.format(value))")
            return false
        }
        return true
    }

    mutating func nonNegative(_ value: Double, at pointer: String, max: Double) -> Bool {
        guard value.isFinite, value >= 0, value <= max else {
            add(pointer, "expected a number ≥ 0 and ≤ \(Self.format(max)), got \(Self.format(value))")
            return false
        }
        return true
    }

    mutating func openUnit(_ value: Double, at pointer: String) -> Bool {
        guard value.isFinite, value > 0, value < 1 else {
            add(pointer, "expected a fraction strictly between 0 and 1, got \(Self.format(value))")
            return false
        }
        return true
    }

    mutating func clock(_ text: String, at pointer: String) -> ClockTime? {
        do {
            return try ClockTime(text)
        } catch {
            add(pointer, "\"\(text)\" is not a time of day HH:MM (00:00 … 24:00)")
            return nil
        }
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "∞" : "-∞" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// Maps what the core refuses (`StaffingError`) to the field of the request that caused it.
enum StaffingErrors {
    static func pointer(for error: StaffingError, under prefix: String) -> String {
        switch error {
        case let .invalidParameter(name, _, _):
            let fields: [(String, String)] = [
                ("arrival rate", "/callsPerHour"), ("average handling time", "/averageHandlingTime"),
                ("average patience", "/averagePatience"), ("offered load", "/callsPerHour"),
                ("minimum agents", "/minimumAgents"), ("agents", "/agents"), ("shrinkage", "/shrinkage"),
                ("maximum abandonment", "/maxAbandonment"), ("replications", "/replications"),
                ("calls per week", "/volume/perWeek"), ("calls per day", "/volume/perDay"),
            ]
            let field = fields.first { name.hasPrefix($0.0) }?.1 ?? ""
            return prefix + field
        case let .invalidForecast(message):
            if message.contains("intraday weights") { return prefix + "/intradayWeights" }
            if message.contains("peak day") { return prefix + "/peakDays" }
            if message.contains("weight") { return prefix + "/dayWeights" }
            if message.contains("open") || message.contains("hours") { return prefix + "/openingHours" }
            return prefix
        case .invalidScenario:
            return prefix
        case .targetUnreachable:
            return prefix + "/target"
        }
    }

    static func failure(_ error: StaffingError, under prefix: String) -> ValidationFailure {
        ValidationFailure(pointer: pointer(for: error, under: prefix), error.description)
    }
}
