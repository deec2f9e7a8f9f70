import Foundation
import GuichetCore
import Vapor

/// The staffing questions the CLI, the API and the web page ask, answered once: read the request, check every
/// field (reporting each bad one with its JSON Pointer), call the core, map the result to the published format.
///
/// Everything throws `ValidationFailure` for bad input — never NaN, never a hang — so the server answers 422
/// with pointers and the CLI prints the message and exits non-zero.
public enum StaffingService {
    // MARK: Erlang C and Erlang A

    /// Erlang C for one staffing, or the fewest agents meeting the target when `agents` is omitted.
    public static func erlangC(_ request: ErlangRequest) throws -> ErlangResultDTO {
        try erlang(request, withPatience: false)
    }

    /// Erlang A (callers hang up after an exponential patience of mean `averagePatience`).
    public static func erlangA(_ request: ErlangRequest) throws -> ErlangResultDTO {
        try erlang(request, withPatience: true)
    }

    private static func erlang(_ request: ErlangRequest, withPatience: Bool) throws -> ErlangResultDTO {
        var problems = Problems()
        // A billion calls an hour is no contact centre: most likely a unit mistake (calls per second given twice).
        _ = problems.nonNegative(request.callsPerHour, at: "/callsPerHour", max: 1e9)
        _ = problems.positive(request.averageHandlingTime, at: "/averageHandlingTime", max: 86_400)
        if withPatience {
            if let patience = request.averagePatience {
                _ = problems.positive(patience, at: "/averagePatience", max: 864_000)
            } else {
                problems.add("/averagePatience", "required by Erlang A (mean seconds before a caller hangs up)")
            }
            if let cap = request.maxAbandonment { _ = problems.openUnit(cap, at: "/maxAbandonment") }
        } else {
            if request.averagePatience != nil {
                problems.add("/averagePatience", "Erlang C has no abandonment: use Erlang A for a patience")
            }
            if request.maxAbandonment != nil {
                problems.add("/maxAbandonment", "Erlang C has no abandonment: use Erlang A")
            }
        }
        if let agents = request.agents, !(1...QueueingLimits.maxAgents).contains(agents) {
            problems.add("/agents", "expected 1 … \(QueueingLimits.maxAgents) agents, got \(agents)")
        }
        // Without agents the question is "how many?", which needs a target: the industry's 80/30 by default.
        let targetDTO = request.target ?? (request.agents == nil ? TargetDTO.standard : nil)
        let target = targetDTO?.target(at: "/target", into: &problems)
        try problems.throwIfAny()

        let rate = request.callsPerHour / 3600
        let aht = request.averageHandlingTime
        let threshold = target.map(reportThreshold) ?? 30
        do {
            if withPatience, let patience = request.averagePatience {
                let needed = try target.map {
                    try ErlangA.agentsNeeded(
                        arrivalRate: rate, averageHandlingTime: aht, averagePatience: patience, target: $0,
                        maxAbandonment: request.maxAbandonment)
                }
                let agents = request.agents ?? needed ?? 1
                let m = try ErlangA(
                    arrivalRate: rate, averageHandlingTime: aht, averagePatience: patience, agents: agents
                ).metrics
                return ErlangResultDTO(
                    model: "erlangA", callsPerHour: request.callsPerHour, averageHandlingTime: aht,
                    averagePatience: patience, offeredLoad: rate * aht, agents: agents, agentsNeeded: needed,
                    target: target?.description, targetMet: needed.map { agents >= $0 }, threshold: threshold,
                    probabilityOfWaiting: m.probabilityOfWaiting, serviceLevel: try m.serviceLevel(within: threshold),
                    probabilityWaitExceeds: try m.probabilityWaitExceeds(threshold),
                    averageSpeedOfAnswer: m.averageSpeedOfAnswer, occupancy: m.occupancy,
                    probabilityOfAbandonment: m.probabilityOfAbandonment, meanWait: m.meanWait,
                    probabilityOfferedWaitExceeds60s: try m.probabilityOfferedWaitExceeds(60))
            }
            let needed = try target.map {
                try ErlangC.agentsNeeded(arrivalRate: rate, averageHandlingTime: aht, target: $0)
            }
            let agents = request.agents ?? needed ?? 1
            let model = try ErlangC(arrivalRate: rate, averageHandlingTime: aht, agents: agents)
            switch model.outcome {
            case let .unstable(load, agents):
                throw ValidationFailure(
                    pointer: "/agents",
                    "unstable: an offered load of \(String(format: "%.2f", load)) Erlangs needs more than \(agents) "
                        + "agents (at least \(Int(load.rounded(.down)) + 1)); with \(agents) the queue grows without "
                        + "bound")
            case let .stable(m):
                return ErlangResultDTO(
                    model: "erlangC", callsPerHour: request.callsPerHour, averageHandlingTime: aht,
                    averagePatience: nil, offeredLoad: model.offeredLoad, agents: agents, agentsNeeded: needed,
                    target: target?.description, targetMet: needed.map { agents >= $0 }, threshold: threshold,
                    probabilityOfWaiting: m.probabilityOfWaiting, serviceLevel: try m.serviceLevel(within: threshold),
                    probabilityWaitExceeds: try m.probabilityWaitExceeds(threshold),
                    averageSpeedOfAnswer: m.averageSpeedOfAnswer, occupancy: m.occupancy,
                    probabilityOfAbandonment: nil, meanWait: nil,
                    probabilityOfferedWaitExceeds60s: try m.probabilityWaitExceeds(60))
            }
        } catch let error as StaffingError {
            throw StaffingErrors.failure(error, under: "")
        }
    }

    /// The threshold a plan reports its service level at (as `StaffingPolicy` does): the target's own, or 30 s.
    static func reportThreshold(_ target: ServiceLevelTarget) -> Double {
        switch target {
        case let .serviceLevel(_, within): return within
        case .averageSpeedOfAnswer: return 30
        case let .maxProbabilityWaitExceeds(seconds, _): return seconds
        }
    }

    // MARK: Plans

    /// Staffs every interval of `request.forecast` under its policy.
    public static func plan(_ request: PlanRequest) throws -> PlanDTO {
        let (forecast, plan) = try makePlan(forecast: request.forecast, policy: request.policy)
        return try planDTO(plan, forecast: forecast)
    }

    /// The domain forecast and plan, with every problem pointed at `/forecast/…` or `/policy/…`.
    static func makePlan(forecast: ForecastDTO, policy: PolicyDTO?) throws -> (Forecast, StaffingPlan) {
        var problems = Problems()
        let domainForecast = forecast.forecast(at: "/forecast", into: &problems)
        let domainPolicy = (policy ?? PolicyDTO()).policy(at: "/policy", into: &problems)
        try problems.throwIfAny()
        guard let domainForecast, let domainPolicy else { throw ValidationFailure(pointer: "", "invalid request") }
        do {
            return (domainForecast, try StaffingPlan(forecast: domainForecast, policy: domainPolicy))
        } catch {
            let field = StaffingErrors.pointer(for: error, under: "")
            let policyFields = ["/target", "/shrinkage", "/minimumAgents", "/maxAbandonment"]
            let prefix = policyFields.contains(field) ? "/policy" : "/forecast"
            throw ValidationFailure(pointer: prefix + field, error.description)
        }
    }

    static func planDTO(_ plan: StaffingPlan, forecast: Forecast) throws -> PlanDTO {
        func day(_ day: DayStaffing, peak: Bool) throws -> PlannedDayDTO {
            let award = try AwardExposure.analytic(day: day, forecast: forecast)
            return PlannedDayDTO(
                name: day.name, weekday: day.weekday.rawValue, isPeakDay: peak, calls: day.calls,
                agentHours: day.agentHours, fte: day.fte, serviceLevel: day.serviceLevel,
                peakScheduledAgents: day.peakScheduledAgents, award: AwardExposureDTO(award),
                intervals: day.intervals.map(PlannedIntervalDTO.init))
        }
        return PlanDTO(
            model: plan.model, target: plan.policy.target.description, threshold: reportThreshold(plan.policy.target),
            shrinkage: plan.policy.shrinkage, weeklyCalls: plan.weeklyCalls, weeklyAgentHours: plan.weeklyAgentHours,
            weeklyFTE: plan.weeklyFTE, weeklyServiceLevel: plan.weeklyServiceLevel,
            days: try plan.days.map { try day($0, peak: false) } + plan.peakDays.map { try day($0, peak: true) })
    }

    // MARK: Simulation

    /// Plans the forecast, then simulates the chosen days with that staffing (shifted by `agentDelta`).
    ///
    /// - Parameters:
    ///   - limits: the most work the caller may ask for (the API's are about a second of one core).
    ///   - progress: the fraction done, called from worker threads.
    public static func simulate(
        _ request: SimulateRequest, limits: SimulationLimits, parallel: Bool = true,
        progress: (@Sendable (Double) -> Void)? = nil
    ) throws -> SimulationDTO {
        let (forecast, plan) = try makePlan(forecast: request.forecast, policy: request.policy)
        var problems = Problems()
        let replications = request.replications ?? 200
        if !(2...limits.maxReplications).contains(replications) {
            problems.add("/replications", "expected 2 … \(limits.maxReplications), got \(replications)")
        }
        let delta = request.agentDelta ?? 0
        if abs(delta) > 10_000 { problems.add("/agentDelta", "expected −10,000 … 10,000, got \(delta)") }
        let all = plan.days + plan.peakDays
        var chosen: [DayStaffing] = []
        if let names = request.days {
            if names.isEmpty { problems.add("/days", "name at least one day, or leave it out to simulate all") }
            for (i, name) in names.enumerated() {
                if let day = all.first(where: { $0.name.lowercased() == name.lowercased() }) {
                    chosen.append(day)
                } else {
                    problems.add(
                        "/days/\(i)",
                        "no day named \"\(name)\" in the plan (\(all.map(\.name).joined(separator: ", ")))")
                }
            }
        } else {
            chosen = all
        }
        try problems.throwIfAny()
        let expectedCalls = chosen.reduce(0) { $0 + $1.calls } * Double(replications)
        guard expectedCalls <= limits.maxSimulatedCalls else {
            throw ValidationFailure(
                pointer: "/replications",
                "\(replications) replications of \(chosen.count) day(s) would simulate about "
                    + "\(Int(expectedCalls)) calls, above the limit of \(Int(limits.maxSimulatedCalls)): "
                    + "ask for fewer replications or days (or use the command line)")
        }

        let rules = AwardRules(greetingAnswersImmediately: request.greetingAnswersImmediately ?? false)
        let threshold = reportThreshold(plan.policy.target)
        let seed = request.seed ?? 1
        var days: [SimulatedDayDTO] = []
        for (index, day) in chosen.enumerated() {
            var scenario = SimulationScenario.day(day, forecast: forecast, serviceLevelThreshold: threshold)
            let agents = day.intervals.map { max(0, $0.agents + delta) }
            scenario.agentGroups[0].agents = agents
            let count = Double(chosen.count)
            let dayProgress: (@Sendable (Double) -> Void)? = progress.map { callback in
                { @Sendable fraction in callback((Double(index) + fraction) / count) }
            }
            let report: SimulationReport
            do {
                report = try ContactCentreSimulator(scenario: scenario).run(
                    replications: replications, seed: seed, award: rules, parallel: parallel, progress: dayProgress)
            } catch {
                throw StaffingErrors.failure(error, under: "")
            }
            let expected = try day.intervals.enumerated().map { k, interval in
                try analytic(interval: interval, agents: agents[k], forecast: forecast, threshold: threshold,
                             rules: rules)
            }
            let intervals = day.intervals.enumerated().map { k, interval in
                SimulatedIntervalDTO(
                    start: interval.start.description, agents: agents[k],
                    expectedServiceLevel: expected[k].serviceLevel, simulated: SimulatedMetricsDTO(report.intervals[k]))
            }
            // Expected values are weighted like the simulator's: service level by calls, award zeros by time.
            let calls = day.intervals.map(\.calls)
            let totalCalls = calls.reduce(0, +)
            let slKnown = expected.allSatisfy { $0.serviceLevel != nil }
            let expectedSL = slKnown && totalCalls > 0
                ? zip(expected, calls).reduce(0) { $0 + $1.0.serviceLevel! * $1.1 } / totalCalls : nil
            let lengths = day.intervals.map { Double($0.minutes) }
            let zero = zip(expected, lengths).reduce(0) { $0 + $1.0.zero * $1.1 } / lengths.reduce(0, +)
            days.append(SimulatedDayDTO(
                name: day.name, threshold: threshold, simulatedCalls: report.simulatedCalls,
                usedFastPath: report.usedFastPath, expectedServiceLevel: expectedSL,
                overall: SimulatedMetricsDTO(report.overall), award: AwardExposureDTO(report.award),
                expectedAward: AwardExposureDTO(zeroProbability: zero, rules: rules), intervals: intervals))
        }
        return SimulationDTO(
            replications: replications, seed: seed, confidenceLevel: 0.95, agentDelta: delta, days: days)
    }

    /// The analytic service level (nil when Erlang C has no steady state) and P(a test call scores 0) of one
    /// interval staffed with `agents`.
    static func analytic(
        interval: IntervalStaffing, agents: Int, forecast: Forecast, threshold: Double, rules: AwardRules
    ) throws -> (serviceLevel: Double?, zero: Double) {
        let rate = interval.calls / Double(interval.minutes * 60)
        guard agents > 0 else { return (rate > 0 ? 0 : 1, rate > 0 ? 1 : 0) }
        do {
            if let patience = forecast.averagePatience {
                let m = try ErlangA(
                    arrivalRate: rate, averageHandlingTime: forecast.averageHandlingTime, averagePatience: patience,
                    agents: agents
                ).metrics
                return (try m.serviceLevel(within: threshold), try m.probabilityOfferedWaitExceeds(rules.zeroLimit))
            }
            let model = try ErlangC(arrivalRate: rate, averageHandlingTime: forecast.averageHandlingTime, agents: agents)
            guard let m = model.outcome.metrics else { return (nil, 1) }
            return (try m.serviceLevel(within: threshold), try m.probabilityWaitExceeds(rules.zeroLimit))
        } catch {
            throw StaffingErrors.failure(error, under: "")
        }
    }

    /// Simulates a scenario file (several queues, skills, distributions) as it is.
    public static func simulate(
        scenario: SimulationScenario, name: String, replications: Int, seed: UInt64, award: AwardRules = AwardRules(),
        parallel: Bool = true, progress: (@Sendable (Double) -> Void)? = nil
    ) throws -> SimulationDTO {
        guard replications >= 2 else {
            throw ValidationFailure(pointer: "/replications", "expected at least 2, got \(replications)")
        }
        do {
            let report = try ContactCentreSimulator(scenario: scenario).run(
                replications: replications, seed: seed, award: award, parallel: parallel, progress: progress)
            var start = 0.0
            var intervals: [SimulatedIntervalDTO] = []
            for (k, length) in scenario.intervalLengths.enumerated() {
                let minutes = Int(start / 60)
                intervals.append(SimulatedIntervalDTO(
                    start: String(format: "+%02d:%02d", minutes / 60, minutes % 60),
                    agents: scenario.agentGroups.reduce(0) { $0 + $1.agents[k] }, expectedServiceLevel: nil,
                    simulated: SimulatedMetricsDTO(report.intervals[k])))
                start += length
            }
            let day = SimulatedDayDTO(
                name: name, threshold: scenario.serviceLevelThreshold, simulatedCalls: report.simulatedCalls,
                usedFastPath: report.usedFastPath, expectedServiceLevel: nil,
                overall: SimulatedMetricsDTO(report.overall), award: AwardExposureDTO(report.award),
                expectedAward: nil, intervals: intervals)
            return SimulationDTO(
                replications: replications, seed: seed, confidenceLevel: report.confidenceLevel, agentDelta: 0,
                days: [day])
        } catch {
            throw StaffingErrors.failure(error, under: "")
        }
    }

    // MARK: Files

    /// Reads a JSON file (a forecast, a scenario), explaining a malformed one with the path of the bad field.
    public static func decodeFile<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StaffingInputError("\(path): cannot be read (\((error as NSError).localizedDescription))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            let problem = GuichetErrorMiddleware.describe(error)
            let details = problem.problems.isEmpty
                ? problem.detail : problem.problems.map { "\($0.pointer): \($0.detail)" }.joined(separator: "; ")
            throw StaffingInputError("\(path): \(details)")
        } catch let error as StaffingError {
            throw StaffingInputError("\(path): \(error.description)")
        }
    }
}

/// A command-line input that cannot be used (unreadable or malformed file), with a message for people.
public struct StaffingInputError: Error, Sendable, CustomStringConvertible, LocalizedError {
    public var description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}

extension AwardExposureDTO {
    /// The analytic exposure: no interval (a formula has no Monte-Carlo error).
    init(zeroProbability p: Double, rules: AwardRules) {
        zeroProbability = EstimateDTO(mean: p, lower: p, upper: p)
        expectedZeroedCalls = p * Double(rules.phoneTests)
        expectedMarkLoss = p * rules.expectedMark
        phoneTests = rules.phoneTests
        zeroLimit = rules.zeroLimit
    }
}
