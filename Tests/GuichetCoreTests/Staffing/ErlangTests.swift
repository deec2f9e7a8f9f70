import Foundation
import Testing
@testable import GuichetCore

@Suite("Erlang C")
struct ErlangCTests {
    @Test("hand-computed cases: one agent at half load, two agents at one Erlang")
    func handComputed() throws {
        // M/M/1: P(wait) = ρ, ASA = ρ·AHT/(1 − ρ).
        let single = try #require(try ErlangC(arrivalRate: 1.0 / 480, averageHandlingTime: 240, agents: 1)
            .outcome.metrics)
        #expect(abs(single.probabilityOfWaiting - 0.5) < 1e-15)
        #expect(abs(single.averageSpeedOfAnswer - 240) < 1e-12)
        // B(2, 1) = (1/2)/(1 + 1 + 1/2) = 0.2, so C = 0.2 / (1 − 0.5·0.8) = 1/3 and ASA = AHT/3.
        let two = try #require(try ErlangC(arrivalRate: 1.0 / 240, averageHandlingTime: 240, agents: 2)
            .outcome.metrics)
        #expect(abs(two.probabilityOfWaiting - 1.0 / 3) < 1e-15)
        #expect(abs(two.averageSpeedOfAnswer - 80) < 1e-12)
        #expect(abs(try two.serviceLevel(within: 240) - (1 - exp(-1.0) / 3)) < 1e-15)
    }

    @Test("sim_bench's peak day needs 16 agents for 80 % in 30 s, and 15 are not enough")
    func simBenchStaffing() throws {
        let rate = 2000.0 / 39_600
        let needed = try ErlangC.agentsNeeded(
            arrivalRate: rate, averageHandlingTime: 240, target: .serviceLevel(fraction: 0.8, within: 30))
        #expect(needed == 16)
        let fifteen = try #require(try ErlangC(arrivalRate: rate, averageHandlingTime: 240, agents: 15)
            .outcome.metrics)
        #expect(try fifteen.serviceLevel(within: 30) < 0.8)
    }

    @Test("every kind of target gives the smallest staffing that meets it")
    func targets() throws {
        let rate = 1000.0 / 3600
        for target: ServiceLevelTarget in [
            .serviceLevel(fraction: 0.9, within: 20), .averageSpeedOfAnswer(seconds: 10),
            .maxProbabilityWaitExceeds(seconds: 30, probability: 0.01),
        ] {
            let c = try ErlangC.agentsNeeded(arrivalRate: rate, averageHandlingTime: 180, target: target)
            let enough = try ErlangC(arrivalRate: rate, averageHandlingTime: 180, agents: c).outcome.metrics
            #expect(try enough?.meets(target) == true, "\(target)")
            let fewer = try ErlangC(arrivalRate: rate, averageHandlingTime: 180, agents: c - 1).outcome.metrics
            #expect(try fewer?.meets(target) != true, "\(target)")
        }
    }

    @Test("thousands of agents: finite, fast and monotone")
    func large() throws {
        let rate = 5000.0 / 240
        let c = try ErlangC.agentsNeeded(
            arrivalRate: rate, averageHandlingTime: 240, target: .serviceLevel(fraction: 0.8, within: 20))
        #expect((5001...5100).contains(c))
        let m = try #require(try ErlangC(arrivalRate: rate, averageHandlingTime: 240, agents: c).outcome.metrics)
        #expect(m.probabilityOfWaiting.isFinite && m.probabilityOfWaiting > 0 && m.probabilityOfWaiting < 1)
    }

    @Test("load at or above the agents is reported as unstable, never NaN")
    func unstable() throws {
        let exactlyFull = try ErlangC(arrivalRate: 16.0 / 240, averageHandlingTime: 240, agents: 16)
        #expect(exactlyFull.outcome == .unstable(offeredLoad: 16, agents: 16))
        #expect(exactlyFull.outcome.metrics == nil)
        let over = try ErlangC(arrivalRate: 1, averageHandlingTime: 240, agents: 16)
        #expect(!over.isStable)
    }

    @Test("bad input throws a typed error that names the culprit")
    func badInput() {
        #expect(throws: StaffingError.self) { try ErlangC(arrivalRate: -1, averageHandlingTime: 240, agents: 3) }
        #expect(throws: StaffingError.self) { try ErlangC(arrivalRate: .nan, averageHandlingTime: 240, agents: 3) }
        #expect(throws: StaffingError.self) { try ErlangC(arrivalRate: 1, averageHandlingTime: 0, agents: 3) }
        #expect(throws: StaffingError.self) { try ErlangC(arrivalRate: 1, averageHandlingTime: .infinity, agents: 3) }
        #expect(throws: StaffingError.self) { try ErlangC(arrivalRate: 1, averageHandlingTime: 240, agents: 0) }
        #expect(throws: StaffingError.self) { try ErlangC(arrivalRate: 1e9, averageHandlingTime: 240, agents: 3) }
        for bad in [0.0, 1.0, -0.2, .nan] {
            #expect(throws: StaffingError.self) {
                try ErlangC.agentsNeeded(arrivalRate: 0.1, averageHandlingTime: 240,
                                         target: .serviceLevel(fraction: bad, within: 30))
            }
        }
        do {
            _ = try ErlangC(arrivalRate: 1, averageHandlingTime: 240, agents: 0)
        } catch {
            #expect(error.description.contains("agents"))
        }
    }

    @Test("an ASA target below what the model can give is refused, not searched forever")
    func unreachable() {
        #expect(throws: StaffingError.self) {
            try ErlangC.agentsNeeded(arrivalRate: 100, averageHandlingTime: 240,
                                     target: .serviceLevel(fraction: 0.99, within: 0), maxAgents: 24_100)
        }
    }
}

@Suite("Erlang A")
struct ErlangATests {
    /// With patience equal to AHT every caller leaves the system at rate μ whatever they do, so the number present
    /// is Poisson(a) (an M/M/∞ queue): with one agent, P(wait) = 1 − e^{−a} and P(abandon) = (a − 1 + e^{−a})/a.
    @Test("patience equal to AHT reduces to a Poisson count (hand-computed)")
    func poissonCase() throws {
        let a = 1.5
        let m = try ErlangA(arrivalRate: a / 200, averageHandlingTime: 200, averagePatience: 200, agents: 1).metrics
        #expect(abs(m.probabilityOfWaiting - (1 - exp(-a))) < 1e-14)
        #expect(abs(m.probabilityOfAbandonment - (a - 1 + exp(-a)) / a) < 1e-14)
        #expect(abs(m.meanWait - m.probabilityOfAbandonment * 200) < 1e-12)
    }

    @Test("very patient callers behave like Erlang C")
    func erlangCLimit() throws {
        let rate = 2000.0 / 39_600
        let c = try #require(try ErlangC(arrivalRate: rate, averageHandlingTime: 240, agents: 16).outcome.metrics)
        let a = try ErlangA(arrivalRate: rate, averageHandlingTime: 240, averagePatience: 1e7, agents: 16).metrics
        #expect(abs(a.probabilityOfWaiting - c.probabilityOfWaiting) < 1e-4)
        #expect(abs(try a.serviceLevel(within: 30) - c.serviceLevel(within: 30)) < 1e-4)
        #expect(a.probabilityOfAbandonment < 1e-5)
    }

    @Test("overload stays finite: abandonment absorbs the excess")
    func overload() throws {
        // Twice the calls the agents can take: about half must hang up.
        let m = try ErlangA(arrivalRate: 32.0 / 240, averageHandlingTime: 240, averagePatience: 180, agents: 16)
            .metrics
        #expect(m.probabilityOfWaiting > 0.99)
        #expect(m.probabilityOfAbandonment > 0.45 && m.probabilityOfAbandonment < 0.55)
        #expect(m.occupancy > 0.99 && m.occupancy <= 1)
        // Huge overload with thousands of agents: the series is rescaled, not overflowed.
        let huge = try ErlangA(arrivalRate: 50, averageHandlingTime: 240, averagePatience: 600, agents: 2000).metrics
        #expect(huge.probabilityOfAbandonment.isFinite && huge.probabilityOfAbandonment > 0.8)
    }

    @Test("the served and abandoned shares add up and the tail questions are consistent")
    func consistency() throws {
        let m = try ErlangA(arrivalRate: 2000.0 / 39_600, averageHandlingTime: 240, averagePatience: 180, agents: 14)
            .metrics
        // Answered within a very long time + abandoned = all calls.
        #expect(abs(try m.serviceLevel(within: 1e6) + m.probabilityOfAbandonment - 1) < 1e-12)
        #expect(abs(try m.serviceLevel(within: 0) - (1 - m.probabilityOfWaiting)) < 1e-12)
        // The mystery shopper never hangs up, so waits longer than a real caller does.
        #expect(try m.probabilityOfferedWaitExceeds(60) > m.probabilityWaitExceeds(60))
        #expect(try m.serviceLevel(within: 20) < m.serviceLevel(within: 30))
    }

    @Test("staffing with patience needs no more agents than without, and a cap on abandonment can add some")
    func staffing() throws {
        let rate = 2000.0 / 39_600
        let target = ServiceLevelTarget.serviceLevel(fraction: 0.8, within: 30)
        let a = try ErlangA.agentsNeeded(arrivalRate: rate, averageHandlingTime: 240, averagePatience: 180,
                                         target: target)
        let c = try ErlangC.agentsNeeded(arrivalRate: rate, averageHandlingTime: 240, target: target)
        #expect(a <= c)
        let capped = try ErlangA.agentsNeeded(arrivalRate: rate, averageHandlingTime: 240, averagePatience: 180,
                                              target: target, maxAbandonment: 0.001)
        #expect(capped > a)
        let m = try ErlangA(arrivalRate: rate, averageHandlingTime: 240, averagePatience: 180, agents: capped).metrics
        #expect(m.probabilityOfAbandonment <= 0.001)
    }

    @Test("bad input throws")
    func badInput() {
        #expect(throws: StaffingError.self) {
            try ErlangA(arrivalRate: 1, averageHandlingTime: 240, averagePatience: 0, agents: 3)
        }
        #expect(throws: StaffingError.self) {
            try ErlangA(arrivalRate: 1, averageHandlingTime: 240, averagePatience: -.infinity, agents: 3)
        }
        #expect(throws: StaffingError.self) {
            try ErlangA(arrivalRate: 1, averageHandlingTime: 240, averagePatience: 60, agents: -2)
        }
        #expect(throws: StaffingError.self) {
            try ErlangA(arrivalRate: 10, averageHandlingTime: 1, averagePatience: 1e12, agents: 3)
        }
        #expect(throws: StaffingError.self) {
            try ErlangA(arrivalRate: 0.1, averageHandlingTime: 240, averagePatience: 60, agents: 3)
                .metrics.serviceLevel(within: -1)
        }
    }
}
