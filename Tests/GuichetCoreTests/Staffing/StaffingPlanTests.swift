import Foundation
import Testing
@testable import GuichetCore

@Suite("StaffingPlan")
struct StaffingPlanTests {
    /// The documented example of docs/STAFFING.md: the reference operation (6,000 calls/week, Monday–Saturday
    /// 08:30–19:30, a 2,000-call peak day, AHT 4 min), 30 % shrinkage, 35 h FTE.
    @Test("reference case at 80 % in 30 s: 9 agents (13 scheduled) per interval, 16 (23) on the peak day")
    func referenceEightyThirty() throws {
        let plan = try StaffingPlan(
            forecast: .reference,
            policy: StaffingPolicy(target: .serviceLevel(fraction: 0.8, within: 30), shrinkage: 0.3))
        #expect(plan.days.map(\.weekday) == [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday])
        let monday = plan.days[0]
        #expect(monday.intervals.count == 22)  // 11 h in 30-minute intervals
        #expect(abs(monday.calls - 1000) < 1e-9)
        #expect(monday.intervals.allSatisfy { $0.agents == 9 && $0.scheduledAgents == 13 })
        #expect(abs(monday.serviceLevel - 0.857868) < 1e-6)
        #expect(monday.agentHours == 143)  // 13 agents × 11 h
        let peak = try #require(plan.peakDays.first)
        #expect(peak.intervals.allSatisfy { $0.agents == 16 && $0.scheduledAgents == 23 })
        #expect(abs(peak.serviceLevel - 0.865718) < 1e-6)
        #expect(peak.agentHours == 253)
        #expect(plan.weeklyAgentHours == 858)
        #expect(abs(plan.weeklyFTE - 858.0 / 35) < 1e-12)  // 24.5 full-time agents
    }

    @Test("reference case with 'no one waits more than 30 s' as P(wait > 30 s) ≤ 5 %: 11 (16) and 18 (26)")
    func referenceStrict() throws {
        let plan = try StaffingPlan(
            forecast: .reference,
            policy: StaffingPolicy(target: .maxProbabilityWaitExceeds(seconds: 30, probability: 0.05),
                                   shrinkage: 0.3))
        #expect(plan.days[0].intervals.allSatisfy { $0.agents == 11 && $0.scheduledAgents == 16 })
        #expect(plan.peakDays[0].intervals.allSatisfy { $0.agents == 18 && $0.scheduledAgents == 26 })
        #expect(plan.days[0].intervals.allSatisfy { $0.probabilityWaitExceeds <= 0.05 })
        #expect(abs(plan.weeklyFTE - 1056.0 / 35) < 1e-12)
    }

    @Test("a profile moves agents to the busy intervals and the week keeps its volume")
    func profiles() throws {
        var forecast = Forecast.reference
        forecast.intervalMinutes = 60
        forecast.intradayWeights = [1, 2, 3, 3, 2, 1, 1, 2, 3, 2, 1]
        forecast.dayWeights = [.monday: 2, .tuesday: 1, .wednesday: 1, .thursday: 1, .friday: 1, .saturday: 0.5]
        let plan = try StaffingPlan(forecast: forecast,
                                    policy: StaffingPolicy(target: .serviceLevel(fraction: 0.8, within: 30)))
        #expect(abs(plan.weeklyCalls - 6000) < 1e-9)
        #expect(abs(plan.days[0].calls - 6000 * 2 / 6.5) < 1e-9)
        let monday = plan.days[0].intervals
        #expect(monday[2].agents > monday[0].agents)
        #expect(monday.allSatisfy { $0.serviceLevel >= 0.8 })
        #expect(plan.days[0].peakScheduledAgents == monday.map(\.scheduledAgents).max())
    }

    @Test("with a patience the plan uses Erlang A and reports abandonment")
    func erlangA() throws {
        var forecast = Forecast.reference
        forecast.averagePatience = 180
        let plan = try StaffingPlan(forecast: forecast,
                                    policy: StaffingPolicy(target: .serviceLevel(fraction: 0.8, within: 30)))
        #expect(plan.model == "erlangA")
        #expect(plan.days[0].intervals[0].abandonment > 0)
        #expect(plan.days[0].intervals[0].agents <= 9)
    }

    @Test("the forecast round-trips through the documented JSON format")
    func json() throws {
        let text = """
            {
              "volume": {"perWeek": 6000},
              "openingHours": [{"days": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
                                "open": "08:30", "close": "19:30"}],
              "intervalMinutes": 30,
              "peakDays": [{"name": "Peak day", "calls": 2000}],
              "averageHandlingTime": 240
            }
            """
        let decoded = try JSONDecoder().decode(Forecast.self, from: Data(text.utf8))
        #expect(decoded == .reference)
        let again = try JSONDecoder().decode(Forecast.self, from: JSONEncoder().encode(decoded))
        #expect(again == decoded)
        let policy = try JSONDecoder().decode(StaffingPolicy.self, from: Data("""
            {"target": {"serviceLevel": {"fraction": 0.8, "within": 30}}, "shrinkage": 0.3,
             "fteHoursPerWeek": 35, "fteHoursPerDay": 7, "minimumAgents": 1}
            """.utf8))
        #expect(policy.target == .serviceLevel(fraction: 0.8, within: 30))
    }

    @Test("inconsistent forecasts are refused with a message")
    func invalid() throws {
        let target = StaffingPolicy(target: .serviceLevel(fraction: 0.8, within: 30))
        var forecast = Forecast.reference
        forecast.intradayWeights = [1, 2, 3]
        #expect(throws: StaffingError.self) { try StaffingPlan(forecast: forecast, policy: target) }
        forecast = .reference
        forecast.intervalMinutes = 20
        #expect(throws: StaffingError.self) { try StaffingPlan(forecast: forecast, policy: target) }
        forecast = .reference
        forecast.openingHours[0].close = try ClockTime("08:00")
        #expect(throws: StaffingError.self) { try StaffingPlan(forecast: forecast, policy: target) }
        #expect(throws: StaffingError.self) { try ClockTime("8h30") }
        var policy = target
        policy.shrinkage = 1
        #expect(throws: StaffingError.self) { try StaffingPlan(forecast: .reference, policy: policy) }
    }
}
