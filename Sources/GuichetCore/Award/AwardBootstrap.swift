import Dispatch
import Foundation

/// How to resample.
public struct BootstrapOptions: Codable, Sendable, Hashable {
    public var resamples: Int
    public var seed: UInt64
    public var confidence: Double
    /// Spread the work over the machine's cores. The result is the same either way.
    public var parallel: Bool

    public init(resamples: Int = 10_000, seed: UInt64 = 1, confidence: Double = 0.95, parallel: Bool = true) {
        self.resamples = resamples
        self.seed = seed
        self.confidence = confidence
        self.parallel = parallel
    }
}

/// Stratified bootstrap of company marks: tests are resampled with replacement *within* each channel,
/// so every resample keeps the protocol's 140/50/15/10/10 mix.
///
/// Resamples are cut into fixed blocks of `blockSize`; block `j` of a company draws from
/// `SeededGenerator(seed: seed ^ hash(companyID), stream: j)`. Blocks run on any core in any order,
/// and a company's result depends only on the seed, its own tests and the block size — not on the
/// number of cores nor on the other companies.
public enum AwardBootstrap {
    public static let blockSize = 250

    /// One company's test marks.
    public struct Sample: Sendable {
        public var companyID: String
        /// Marks grouped by channel (the strata).
        var strata: [[Double]]
        /// Coefficient applied to each stratum's resampled sum so that Σ coefficient·sum is the company mark.
        var coefficients: [Double]

        public init(companyID: String, marks: [TestMark], weights: [Channel: Double]?) {
            let byChannel = Dictionary(grouping: marks, by: \.channel)
            let channels = byChannel.keys.sorted()
            self.init(
                companyID: companyID, strata: channels.map { byChannel[$0]!.map(\.mark) },
                weights: weights.map { w in channels.map { w[$0] ?? 0 } })
        }

        /// `weights[i]` is the weight of stratum `i`; `nil` means the plain mean of all marks.
        public init(companyID: String, strata: [[Double]], weights: [Double]?) {
            self.companyID = companyID
            self.strata = strata.filter { !$0.isEmpty }
            let total = Double(self.strata.reduce(0) { $0 + $1.count })
            if let weights {
                let kept = zip(strata, weights).filter { !$0.0.isEmpty }.map(\.1)
                let sum = kept.reduce(0, +)
                coefficients = zip(self.strata, kept).map { stratum, w in sum > 0 ? w / sum / Double(stratum.count) : 0
                }
            } else {
                coefficients = self.strata.map { _ in 1 / total }
            }
            pairSums = self.strata.map { stratum in
                guard stratum.count <= Self.maxPairedStratum else { return [] }
                return stratum.flatMap { first in stratum.map { first + $0 } }
            }
        }

        /// For each stratum of n marks, the n² sums x[i] + x[j]: drawing one of them uniformly is drawing two
        /// tests independently, with one index and one load instead of two. Empty for strata too large to
        /// keep their table in cache.
        var pairSums: [[Double]]

        static let maxPairedStratum = 180
    }

    /// The resampled marks of each company, `options.resamples` values each, in the order of `samples`.
    public static func resample(_ samples: [Sample], options: BootstrapOptions) -> [[Double]] {
        let count = max(options.resamples, 1)
        let blocks = (count + blockSize - 1) / blockSize
        var flat = [Double](repeating: 0, count: samples.count * count)
        flat.withUnsafeMutableBufferPointer { buffer in
            // Each work item writes a disjoint range of the buffer, so sharing it across threads is safe.
            let out = SharedBuffer(buffer: buffer)
            let run: @Sendable (Int) -> Void = { item in
                let company = item / blocks
                let block = item % blocks
                let range = (block * blockSize)..<min(count, (block + 1) * blockSize)
                fill(
                    out.buffer, offset: company * count, range: range, sample: samples[company], seed: options.seed,
                    block: block)
            }
            if options.parallel {
                DispatchQueue.concurrentPerform(iterations: samples.count * blocks, execute: run)
            } else {
                for item in 0..<(samples.count * blocks) { run(item) }
            }
        }
        return samples.indices.map { Array(flat[($0 * count)..<(($0 + 1) * count)]) }
    }

    private struct SharedBuffer: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Double>
    }

    private static func fill(
        _ out: UnsafeMutableBufferPointer<Double>, offset: Int, range: Range<Int>, sample: Sample, seed: UInt64,
        block: Int
    ) {
        var rng = SeededGenerator(seed: seed ^ stableHash(sample.companyID), stream: UInt64(block))
        for b in range {
            var mark = 0.0
            for (index, (stratum, coefficient)) in zip(sample.strata, sample.coefficients).enumerated() {
                let n = UInt64(stratum.count)
                var sum0 = 0.0
                var sum1 = 0.0
                // Indices by multiply-shift (Lemire) on 32-bit halves of a random word: two per word, with a
                // bias in a test's chance of being drawn below m / 2^32 (5e-6 for the 140² pairs of the
                // phone stratum), far below the Monte-Carlo error.
                let pairs = sample.pairSums[index]
                if !pairs.isEmpty {
                    let m = UInt64(pairs.count)
                    pairs.withUnsafeBufferPointer { p in
                        var drawn = 0
                        while drawn + 3 < stratum.count {
                            let r = rng.next()
                            sum0 += p[Int(((r & 0xFFFF_FFFF) &* m) >> 32)]
                            sum1 += p[Int(((r >> 32) &* m) >> 32)]
                            drawn += 4
                        }
                        if drawn + 1 < stratum.count {
                            sum0 += p[Int(((rng.next() >> 32) &* m) >> 32)]
                            drawn += 2
                        }
                        if drawn < stratum.count {
                            sum1 += stratum[Int(((rng.next() >> 32) &* n) >> 32)]
                        }
                    }
                } else {
                    stratum.withUnsafeBufferPointer { x in
                        var i = 0
                        while i + 1 < x.count {
                            let r = rng.next()
                            sum0 += x[Int(((r & 0xFFFF_FFFF) &* n) >> 32)]
                            sum1 += x[Int(((r >> 32) &* n) >> 32)]
                            i += 2
                        }
                        if i < x.count { sum0 += x[Int(((rng.next() >> 32) &* n) >> 32)] }
                    }
                }
                mark += coefficient * (sum0 + sum1)
            }
            out[offset + b] = mark
        }
    }

    /// Percentile with linear interpolation between order statistics (numpy's default method).
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = p * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }

    /// The central `confidence` interval of resampled marks, and the share strictly above `passMark`.
    public static func interval(of values: [Double], confidence: Double, passMark: Double) -> MarkInterval {
        let sorted = values.sorted()
        let tail = (1 - confidence) / 2
        return MarkInterval(
            lower: percentile(sorted, tail), upper: percentile(sorted, 1 - tail), confidence: confidence,
            resamples: values.count,
            probabilityAbovePassMark: Double(values.filter { $0 > passMark }.count) / Double(max(values.count, 1)))
    }
}
