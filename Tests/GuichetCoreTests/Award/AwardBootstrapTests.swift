import Foundation
import Testing

@testable import GuichetCore

@Suite("AwardBootstrap")
struct AwardBootstrapTests {
    private func samples() -> [AwardBootstrap.Sample] {
        var rng = SeededGenerator(seed: 3)
        return ["a", "b", "c"].map { id in
            AwardBootstrap.Sample(
                companyID: id,
                strata: [140, 50, 15, 10, 10].map { n in
                    (0..<n).map { _ in (rng.nextUnitDouble() * 20).rounded() }
                }, weights: nil)
        }
    }

    @Test("parallel and serial give identical resamples; a company ignores its neighbours")
    func independentOfCores() {
        let all = samples()
        let parallel = AwardBootstrap.resample(all, options: .init(resamples: 1_234, seed: 9, parallel: true))
        let serial = AwardBootstrap.resample(all, options: .init(resamples: 1_234, seed: 9, parallel: false))
        #expect(parallel == serial)
        let alone = AwardBootstrap.resample([all[1]], options: .init(resamples: 1_234, seed: 9))
        #expect(alone[0] == parallel[1])
        #expect(parallel[0].count == 1_234)
    }

    @Test("a constant stratum always resamples to its mean; the interval holds the observed mean")
    func interval() {
        let constant = AwardBootstrap.Sample(companyID: "k", strata: [[12, 12, 12], [12]], weights: nil)
        let values = AwardBootstrap.resample([constant], options: .init(resamples: 500))[0]
        #expect(values.allSatisfy { abs($0 - 12) < 1e-9 })
        let ci = AwardBootstrap.interval(of: values, confidence: 0.95, passMark: 12)
        #expect(ci.probabilityAbovePassMark == 0)  // strictly above 12

        let sample = samples()[0]
        let observed = sample.strata.joined().reduce(0, +) / 225
        let spread = AwardBootstrap.interval(
            of: AwardBootstrap.resample([sample], options: .init())[0], confidence: 0.95, passMark: 12)
        #expect(spread.lower < observed && observed < spread.upper)
        #expect(spread.upper - spread.lower < 2.5)  // sd ≈ 6 over 225 tests: half-width ≈ 0.8
    }

    @Test("weighted coefficients reproduce the weighted company mark")
    func weighted() {
        let sample = AwardBootstrap.Sample(companyID: "w", strata: [[10], [20]], weights: [3, 1])
        let values = AwardBootstrap.resample([sample], options: .init(resamples: 10))[0]
        #expect(values.allSatisfy { abs($0 - 12.5) < 1e-9 })
    }

    @Test("percentile interpolates like numpy")
    func percentile() {
        #expect(AwardBootstrap.percentile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(AwardBootstrap.percentile([0, 10], 0.025) == 0.25)
    }
}
