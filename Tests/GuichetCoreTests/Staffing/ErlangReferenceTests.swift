import Foundation
import Testing
@testable import GuichetCore

/// Compares Erlang C and Erlang A with 50-digit values from scripts/staffing/reference.py (mpmath), and with
/// pyworkforce 0.5.4 where it was able to run.
@Suite("Erlang reference values (mpmath, 50 digits)")
struct ErlangReferenceTests {
    struct Fixture: Decodable {
        let cases: [Case]
    }

    struct Case: Decodable {
        let model: String
        let name: String
        let arrivalRate: Double
        let aht: Double
        let patience: Double?
        let agents: Int
        let thresholds: [Double]
        let expected: Expected
        let pyworkforce: Peer?
        let methodGap: Double?
    }

    struct Expected: Decodable {
        let pWait: Double
        let asa: Double?
        let occupancy: Double
        let pAbandon: Double?
        let meanWait: Double?
        let asaAnswered: Double?
        let serviceLevel: [String: Double]
        let pWaitGt: [String: Double]
        let pOfferedWaitGt: [String: Double]?
    }

    struct Peer: Decodable {
        let pWait: Double
        let pAbandon: Double?
        let meanWait: Double?
        let serviceLevel: [String: Double]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/erlang_reference.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(Fixture.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()

    /// The accuracy the brief asks for; the measured worst case is reported by `worstRelativeError`.
    static let tolerance = 1e-9

    static func relative(_ value: Double, _ reference: Double) -> Double {
        reference == 0 ? abs(value) : abs(value - reference) / abs(reference)
    }

    static func key(_ t: Double) -> String { String(t) }

    @Test("the fixture covers both models, small and large (c in the thousands)")
    func coverage() {
        let cases = Self.fixture.cases
        #expect(cases.filter { $0.model == "C" }.count >= 8)
        #expect(cases.filter { $0.model == "A" }.count >= 8)
        #expect(cases.contains { $0.model == "C" && $0.agents > 9000 })
        #expect(cases.contains { $0.model == "A" && $0.agents > 5000 })
        // The two independent 50-digit methods behind each Erlang A case agree far beyond double precision.
        for c in cases where c.model == "A" { #expect((c.methodGap ?? 1) < 1e-30, "\(c.name)") }
    }

    @Test("Erlang C matches mpmath to 1e-9 relative", arguments: fixture.cases.filter { $0.model == "C" }.map(\.name))
    func erlangC(name: String) throws {
        let c = try #require(Self.fixture.cases.first { $0.name == name && $0.model == "C" })
        let model = try ErlangC(arrivalRate: c.arrivalRate, averageHandlingTime: c.aht, agents: c.agents)
        let metrics = try #require(model.outcome.metrics)
        #expect(Self.relative(metrics.probabilityOfWaiting, c.expected.pWait) < Self.tolerance)
        #expect(Self.relative(metrics.averageSpeedOfAnswer, try #require(c.expected.asa)) < Self.tolerance)
        #expect(Self.relative(metrics.occupancy, c.expected.occupancy) < Self.tolerance)
        for t in c.thresholds {
            let sl = try #require(c.expected.serviceLevel[Self.key(t)])
            let tail = try #require(c.expected.pWaitGt[Self.key(t)])
            #expect(Self.relative(try metrics.serviceLevel(within: t), sl) < Self.tolerance, "SL(\(t))")
            #expect(Self.relative(try metrics.probabilityWaitExceeds(t), tail) < Self.tolerance, "P(W>\(t))")
        }
    }

    @Test("Erlang A matches mpmath to 1e-9 relative", arguments: fixture.cases.filter { $0.model == "A" }.map(\.name))
    func erlangA(name: String) throws {
        let c = try #require(Self.fixture.cases.first { $0.name == name && $0.model == "A" })
        let metrics = try ErlangA(
            arrivalRate: c.arrivalRate, averageHandlingTime: c.aht, averagePatience: try #require(c.patience),
            agents: c.agents
        ).metrics
        let e = c.expected
        #expect(Self.relative(metrics.probabilityOfWaiting, e.pWait) < Self.tolerance)
        #expect(Self.relative(metrics.probabilityOfAbandonment, try #require(e.pAbandon)) < Self.tolerance)
        #expect(Self.relative(metrics.meanWait, try #require(e.meanWait)) < Self.tolerance)
        #expect(Self.relative(metrics.averageSpeedOfAnswer, try #require(e.asaAnswered)) < Self.tolerance)
        #expect(Self.relative(metrics.occupancy, e.occupancy) < Self.tolerance)
        for t in c.thresholds {
            let k = Self.key(t)
            let sl = try #require(e.serviceLevel[k])
            let offered = try #require(e.pOfferedWaitGt?[k])
            let tail = try #require(e.pWaitGt[k])
            #expect(Self.relative(try metrics.serviceLevel(within: t), sl) < Self.tolerance, "SL(\(t))")
            #expect(Self.relative(try metrics.probabilityOfferedWaitExceeds(t), offered) < Self.tolerance, "P(V>\(t))")
            #expect(Self.relative(try metrics.probabilityWaitExceeds(t), tail) < Self.tolerance, "P(W>\(t))")
        }
    }

    /// pyworkforce uses the same conventions once units are aligned (seconds, transactions per 3,600 s interval;
    /// its Erlang A "average_speed_of_answer" is our `meanWait`). Its Erlang A service level is computed by
    /// truncated uniformization, hence the looser tolerance.
    @Test("pyworkforce 0.5.4 agrees where it can run")
    func pyworkforce() throws {
        var compared = 0
        for c in Self.fixture.cases {
            guard let peer = c.pyworkforce else { continue }
            compared += 1
            if c.model == "C" {
                let m = try #require(try ErlangC(arrivalRate: c.arrivalRate, averageHandlingTime: c.aht,
                                                 agents: c.agents).outcome.metrics)
                #expect(Self.relative(m.probabilityOfWaiting, peer.pWait) < 1e-9, "\(c.name)")
                for (k, v) in peer.serviceLevel {
                    #expect(Self.relative(try m.serviceLevel(within: Double(k)!), v) < 1e-9, "\(c.name) SL \(k)")
                }
            } else {
                let m = try ErlangA(arrivalRate: c.arrivalRate, averageHandlingTime: c.aht,
                                    averagePatience: c.patience!, agents: c.agents).metrics
                #expect(Self.relative(m.probabilityOfWaiting, peer.pWait) < 1e-9, "\(c.name)")
                #expect(Self.relative(m.probabilityOfAbandonment, peer.pAbandon!) < 1e-9, "\(c.name)")
                #expect(Self.relative(m.meanWait, peer.meanWait!) < 1e-9, "\(c.name)")
                for (k, v) in peer.serviceLevel {
                    #expect(Self.relative(try m.serviceLevel(within: Double(k)!), v) < 1e-6, "\(c.name) SL \(k)")
                }
            }
        }
        #expect(compared >= 10)
    }

    @Test("worst relative error over the whole fixture stays below 1e-9")
    func worstRelativeError() throws {
        var worst = 0.0
        for c in Self.fixture.cases {
            for t in c.thresholds {
                let k = Self.key(t)
                if c.model == "C" {
                    let m = try #require(try ErlangC(arrivalRate: c.arrivalRate, averageHandlingTime: c.aht,
                                                     agents: c.agents).outcome.metrics)
                    worst = max(worst, Self.relative(try m.serviceLevel(within: t), c.expected.serviceLevel[k]!))
                    worst = max(worst, Self.relative(try m.probabilityWaitExceeds(t), c.expected.pWaitGt[k]!))
                } else {
                    let m = try ErlangA(arrivalRate: c.arrivalRate, averageHandlingTime: c.aht,
                                        averagePatience: c.patience!, agents: c.agents).metrics
                    worst = max(worst, Self.relative(try m.serviceLevel(within: t), c.expected.serviceLevel[k]!))
                    worst = max(worst, Self.relative(try m.probabilityWaitExceeds(t), c.expected.pWaitGt[k]!))
                }
            }
        }
        print("ErlangReferenceTests: worst relative error \(worst)")
        #expect(worst < Self.tolerance)
    }
}
