import Foundation
import Testing
@testable import GuichetCore

@Suite("ContactCentreSimulator")
struct ContactCentreSimulatorTests {
    static let rate = 2000.0 / 39_600  // sim_bench's peak day, calls per second

    /// One long stationary interval with a warm-up, so replication means estimate steady-state values.
    static func stationary(patience: Double?, agents: Int = 16, hours: Double = 150) -> SimulationScenario {
        .singleQueue(
            intervalLengths: [hours * 3600], arrivalRates: [rate], agents: [agents],
            handlingTime: .exponential(mean: 240), patience: patience.map { .exponential(mean: $0) },
            warmUp: 5 * 3600)
    }

    @Test("fast path: Erlang C values lie inside the 99 % confidence intervals")
    func erlangC() throws {
        let report = try ContactCentreSimulator(scenario: Self.stationary(patience: nil))
            .run(replications: 24, seed: 7, confidenceLevel: 0.99)
        let m = try #require(try ErlangC(arrivalRate: Self.rate, averageHandlingTime: 240, agents: 16)
            .outcome.metrics)
        #expect(report.usedFastPath)
        #expect(report.overall.serviceLevel!.contains(try m.serviceLevel(within: 30)))
        #expect(report.overall.averageSpeedOfAnswer!.contains(m.averageSpeedOfAnswer))
        #expect(report.overall.occupancy!.contains(m.occupancy))
        #expect(report.overall.probabilityWaitExceeds!.contains(try m.probabilityWaitExceeds(30)))
        #expect(report.overall.probabilityOfferedWaitExceedsZeroLimit!.contains(try m.probabilityWaitExceeds(60)))
        #expect(report.overall.abandonment!.mean == 0)
        // The intervals are informative, not vacuous: SL known to about ±1.5 points.
        #expect(report.overall.serviceLevel!.halfWidth < 0.015)
    }

    @Test("fast path and event-list engine: Erlang A values lie inside the 99 % confidence intervals",
          arguments: [false, true])
    func erlangA(general: Bool) throws {
        let report = try ContactCentreSimulator(scenario: Self.stationary(patience: 180, agents: 14))
            .run(replications: 24, seed: 11, confidenceLevel: 0.99, forceGeneralEngine: general)
        let m = try ErlangA(arrivalRate: Self.rate, averageHandlingTime: 240, averagePatience: 180, agents: 14)
            .metrics
        #expect(report.usedFastPath == !general)
        let o = report.overall
        #expect(o.serviceLevel!.contains(try m.serviceLevel(within: 30)), "\(o.serviceLevel!)")
        #expect(o.abandonment!.contains(m.probabilityOfAbandonment), "\(o.abandonment!)")
        #expect(o.meanWait!.contains(m.meanWait), "\(o.meanWait!)")
        #expect(o.averageSpeedOfAnswer!.contains(m.averageSpeedOfAnswer), "\(o.averageSpeedOfAnswer!)")
        #expect(o.occupancy!.contains(m.occupancy), "\(o.occupancy!)")
        #expect(o.probabilityWaitExceeds!.contains(try m.probabilityWaitExceeds(30)), "\(o.probabilityWaitExceeds!)")
        #expect(o.probabilityOfferedWaitExceedsZeroLimit!.contains(try m.probabilityOfferedWaitExceeds(60)),
                "\(o.probabilityOfferedWaitExceedsZeroLimit!)")
    }

    @Test("results depend on the seed only, not on threads; another seed gives other numbers")
    func deterministic() throws {
        let simulator = try ContactCentreSimulator(scenario: Self.stationary(patience: 180, hours: 20))
        let parallel = try simulator.run(replications: 9, seed: 3)
        let sequential = try simulator.run(replications: 9, seed: 3, parallel: false)
        #expect(parallel == sequential)
        let other = try simulator.run(replications: 9, seed: 4)
        #expect(other.overall.serviceLevel!.mean != parallel.overall.serviceLevel!.mean)
    }

    @Test("progress is reported up to completion")
    func progress() throws {
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var values: [Double] = []
        }
        let seen = Seen()
        _ = try ContactCentreSimulator(scenario: Self.stationary(patience: nil, hours: 10))
            .run(replications: 6, seed: 1) { fraction in
                seen.lock.lock()
                seen.values.append(fraction)
                seen.lock.unlock()
            }
        #expect(seen.values.count == 6)
        #expect(seen.values.max() == 1)
    }

    @Test("an interval without agents makes its callers wait for the next shift")
    func staffingGap() throws {
        let scenario = SimulationScenario.singleQueue(
            intervalLengths: [1800, 1800, 1800], arrivalRates: [0.02, 0.02, 0.02], agents: [10, 0, 10],
            handlingTime: .exponential(mean: 120), patience: nil)
        for general in [false, true] {
            let report = try ContactCentreSimulator(scenario: scenario)
                .run(replications: 20, seed: 5, forceGeneralEngine: general)
            #expect(report.intervals[0].serviceLevel!.mean > 0.95)
            // Nobody answers during the gap: only calls of its last 30 s can be answered in time.
            #expect(report.intervals[1].serviceLevel!.mean < 0.05)
            #expect(report.intervals[1].averageSpeedOfAnswer!.mean > 600)
            // The next shift first clears the backlog of about 36 calls, so its own callers wait more than usual.
            #expect(report.intervals[2].serviceLevel!.mean > 0.6)
            #expect(report.intervals[2].serviceLevel!.mean < report.intervals[0].serviceLevel!.mean)
            #expect(report.overall.abandonment!.mean == 0)
        }
    }

    @Test("the fast path and the event-list engine agree on a time-varying day with log-normal handling")
    func enginesAgree() throws {
        let rates = [0.01, 0.03, 0.05, 0.04, 0.02]
        let scenario = SimulationScenario.singleQueue(
            intervalLengths: Array(repeating: 3600, count: 5), arrivalRates: rates, agents: [4, 9, 14, 11, 6],
            handlingTime: .lognormal(mean: 240, standardDeviation: 300), patience: .exponential(mean: 120))
        let simulator = try ContactCentreSimulator(scenario: scenario)
        let fast = try simulator.run(replications: 60, seed: 21, confidenceLevel: 0.99)
        let general = try simulator.run(replications: 60, seed: 22, confidenceLevel: 0.99, forceGeneralEngine: true)
        for k in 0..<5 {
            let a = fast.intervals[k].serviceLevel!
            let b = general.intervals[k].serviceLevel!
            // Two independent estimates of one quantity: their difference is within the combined half-widths.
            #expect(abs(a.mean - b.mean) < a.halfWidth + b.halfWidth, "interval \(k): \(a) vs \(b)")
            let oa = fast.intervals[k].occupancy!
            let ob = general.intervals[k].occupancy!
            #expect(abs(oa.mean - ob.mean) < oa.halfWidth + ob.halfWidth, "occupancy \(k)")
        }
    }

    @Test("priorities: a shared group serves the VIP queue first")
    func priorities() throws {
        let scenario = SimulationScenario(
            intervalLengths: [8 * 3600],
            queues: [
                SimulatedQueue(name: "vip", arrivalRates: [0.01], handlingTime: .exponential(mean: 240)),
                SimulatedQueue(name: "standard", arrivalRates: [0.025], handlingTime: .exponential(mean: 240)),
            ],
            agentGroups: [AgentGroup(name: "all", agents: [10], skills: ["vip", "standard"])])
        let report = try ContactCentreSimulator(scenario: scenario).run(replications: 20, seed: 9)
        #expect(!report.usedFastPath)
        #expect(report.queues[0].serviceLevel!.mean > report.queues[1].serviceLevel!.mean + 0.05)
        #expect(report.queues[0].averageSpeedOfAnswer!.upper < report.queues[1].averageSpeedOfAnswer!.lower)
        #expect(abs(report.overall.offeredCalls - 0.035 * 8 * 3600) < 30)
    }

    @Test("skills: a dedicated group on each queue behaves like two separate Erlang C queues")
    func dedicatedGroups() throws {
        let scenario = SimulationScenario(
            intervalLengths: [100 * 3600],
            queues: [
                SimulatedQueue(name: "fr", arrivalRates: [Self.rate], handlingTime: .exponential(mean: 240)),
                SimulatedQueue(name: "en", arrivalRates: [0.01], handlingTime: .exponential(mean: 240)),
            ],
            agentGroups: [
                AgentGroup(name: "fr", agents: [16], skills: ["fr"]),
                AgentGroup(name: "en", agents: [4], skills: ["en"]),
            ],
            warmUp: 3600)
        let report = try ContactCentreSimulator(scenario: scenario)
            .run(replications: 20, seed: 13, confidenceLevel: 0.99)
        let fr = try #require(try ErlangC(arrivalRate: Self.rate, averageHandlingTime: 240, agents: 16)
            .outcome.metrics)
        let en = try #require(try ErlangC(arrivalRate: 0.01, averageHandlingTime: 240, agents: 4).outcome.metrics)
        #expect(report.queues[0].serviceLevel!.contains(try fr.serviceLevel(within: 30)))
        #expect(report.queues[1].serviceLevel!.contains(try en.serviceLevel(within: 30)))
    }

    @Test("award view: the simulated zero probability matches the analytic one, and the mark loss follows")
    func award() throws {
        let plan = try StaffingPlan(
            forecast: .reference, policy: StaffingPolicy(target: .serviceLevel(fraction: 0.8, within: 30)))
        let day = plan.peakDays[0]
        let analytic = try AwardExposure.analytic(day: day, forecast: .reference)
        let report = try ContactCentreSimulator(scenario: .day(day, forecast: .reference))
            .run(replications: 400, seed: 17, confidenceLevel: 0.99)
        // A day starts with an empty queue, so the simulated day is slightly better than steady state.
        #expect(report.award.zeroProbability.upper > analytic.zeroProbability.mean - 0.01)
        #expect(abs(report.award.zeroProbability.mean - analytic.zeroProbability.mean) < 0.015)
        #expect(abs(analytic.zeroProbability.mean - 0.0827) < 1e-4)  // Erlang C P(wait > 60 s) with 16 agents
        #expect(abs(analytic.expectedMarkLoss - 14 * analytic.zeroProbability.mean) < 1e-12)
        #expect(abs(analytic.expectedZeroedCalls - 140 * analytic.zeroProbability.mean) < 1e-12)
        // With a greeting that answers at once, only the 4-minute limit applies: far fewer zeros.
        let greeting = try AwardExposure.analytic(
            day: day, forecast: .reference, rules: AwardRules(greetingAnswersImmediately: true))
        #expect(greeting.zeroProbability.mean < analytic.zeroProbability.mean / 10)
    }

    @Test("empirical and deterministic handling keep the load: occupancy ≈ λ·mean/c")
    func distributions() throws {
        for handling: Distribution in [.empirical(samples: [60, 120, 600]), .deterministic(value: 260)] {
            let scenario = SimulationScenario.singleQueue(
                intervalLengths: [50 * 3600], arrivalRates: [Self.rate], agents: [16], handlingTime: handling,
                patience: nil, warmUp: 3600)
            let report = try ContactCentreSimulator(scenario: scenario)
                .run(replications: 12, seed: 2, confidenceLevel: 0.99)
            let expected = Self.rate * handling.mean / 16
            #expect(report.overall.occupancy!.contains(expected), "\(handling)")
        }
    }

    @Test("inconsistent scenarios are refused")
    func invalid() {
        let ok = Self.stationary(patience: nil, hours: 1)
        var bad = ok
        bad.queues[0].arrivalRates = [0.1, 0.2]
        #expect(throws: StaffingError.self) { try ContactCentreSimulator(scenario: bad) }
        bad = ok
        bad.agentGroups[0].skills = ["nobody"]
        #expect(throws: StaffingError.self) { try ContactCentreSimulator(scenario: bad) }
        bad = ok
        bad.queues[0].handlingTime = .exponential(mean: -3)
        #expect(throws: StaffingError.self) { try ContactCentreSimulator(scenario: bad) }
        bad = ok
        bad.queues[0].arrivalRates = [1e6]
        #expect(throws: StaffingError.self) { try ContactCentreSimulator(scenario: bad) }
        #expect(throws: StaffingError.self) {
            try ContactCentreSimulator(scenario: ok).run(replications: 0, seed: 1)
        }
    }
}

@Suite("Random variates")
struct RandomVariateTests {
    @Test("the ziggurat exponential has mean 1, variance 1 and the right tail")
    func exponential() {
        var rng = SeededGenerator(seed: 42)
        let n = 1_000_000
        var sum = 0.0, squares = 0.0, beyond3 = 0, beyond8 = 0
        for _ in 0..<n {
            let x = Ziggurat.exponential(&rng)
            sum += x
            squares += x * x
            if x > 3 { beyond3 += 1 }
            if x > 8 { beyond8 += 1 }
        }
        let mean = sum / Double(n)
        #expect(abs(mean - 1) < 0.005)
        #expect(abs(squares / Double(n) - mean * mean - 1) < 0.01)
        #expect(abs(Double(beyond3) / Double(n) - exp(-3)) < 0.001)
        // Beyond the ziggurat's base (x > 7.7) the tail algorithm takes over.
        #expect(abs(Double(beyond8) / Double(n) - exp(-8)) < 0.0002)
    }

    @Test("log-normal durations have the mean and spread they were given")
    func lognormal() {
        var rng = SeededGenerator(seed: 1)
        let sampler = Distribution.lognormal(mean: 240, standardDeviation: 180).sampler
        let n = 400_000
        var sum = 0.0, squares = 0.0
        for _ in 0..<n {
            let x = sampler.draw(&rng)
            sum += x
            squares += x * x
        }
        let mean = sum / Double(n)
        #expect(abs(mean - 240) < 2)
        #expect(abs((squares / Double(n) - mean * mean).squareRoot() - 180) < 4)
    }

    @Test("Student t quantiles match tables")
    func student() {
        #expect(abs(Estimate.studentQuantile(0.975, degrees: 1) - 12.706) < 1e-3)
        #expect(abs(Estimate.studentQuantile(0.975, degrees: 2) - 4.303) < 1e-3)
        #expect(abs(Estimate.studentQuantile(0.975, degrees: 5) - 2.571) < 3e-3)
        #expect(abs(Estimate.studentQuantile(0.995, degrees: 23) - 2.807) < 2e-3)
        #expect(abs(Estimate.studentQuantile(0.975, degrees: 1000) - 1.962) < 1e-3)
    }
}
