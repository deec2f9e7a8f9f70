import Foundation
import Testing

@testable import GuichetCore

@Suite("Award bootstrap distribution")
struct AwardBootstrapDistributionTests {
    /// Resampling n marks with replacement: the resampled mean has the sample mean as expectation and
    /// variance σ²/n (σ² with divisor n). Checked for strata drawn by pairs (n ≤ 180) and one by one.
    @Test("Resampled means have the textbook mean and variance, paired draws or not", arguments: [10, 15, 140, 200])
    func moments(n: Int) {
        var generator = SeededGenerator(seed: UInt64(n))
        let marks = (0..<n).map { _ in (generator.nextUnitDouble() * 20 * 4).rounded() / 4 }
        let mean = marks.reduce(0, +) / Double(n)
        let variance = marks.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        let resamples = 40_000
        let sample = AwardBootstrap.Sample(companyID: "c", strata: [marks], weights: nil)
        #expect(sample.pairSums[0].isEmpty == (n > AwardBootstrap.Sample.maxPairedStratum))
        let values = AwardBootstrap.resample([sample], options: BootstrapOptions(resamples: resamples, seed: 9))[0]
        let observedMean = values.reduce(0, +) / Double(resamples)
        let observedVariance =
            values.map { ($0 - observedMean) * ($0 - observedMean) }.reduce(0, +)
            / Double(resamples - 1)
        let expectedVariance = variance / Double(n)
        // 4 standard errors of each estimate.
        #expect(abs(observedMean - mean) < 4 * (expectedVariance / Double(resamples)).squareRoot())
        #expect(abs(observedVariance / expectedVariance - 1) < 4 * (2 / Double(resamples - 1)).squareRoot())
    }

    @Test("Resamples through the pair table stay within the marks and vary widely")
    func pairedResamplesVary() {
        // Distinct powers of two: resamples drawing different tests give different means.
        let marks = (0..<10).map { pow(2.0, Double($0)) / 1024 }
        let sample = AwardBootstrap.Sample(companyID: "c", strata: [marks], weights: [1])
        let values = AwardBootstrap.resample([sample], options: BootstrapOptions(resamples: 2_000, seed: 3))[0]
        let means = Set(values.map { ($0 * 10 * 1024).rounded() })
        #expect(means.count > 1_000, "resamples vary widely")
        #expect(values.allSatisfy { $0 >= marks.min()! - 1e-12 && $0 <= marks.max()! + 1e-12 })
    }
}
