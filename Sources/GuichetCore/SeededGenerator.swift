/// A fast, seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in GuichetCore — test plans, bootstrap resampling, simulation — takes one of
/// these as a parameter, so the same seed always gives the same result on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// An independent stream for parallel work (replication `index` of a run seeded with `seed`).
    ///
    /// Streams for different indices are decorrelated by hashing `(seed, index)` through SplitMix64,
    /// so results do not depend on how work is split across cores.
    public init(seed: UInt64, stream index: UInt64) {
        var mixer = SplitMix64(state: seed ^ 0x9E37_79B9_7F4A_7C15)
        let base = mixer.next()
        var second = SplitMix64(state: base &+ index &* 0xD1B5_4A32_D192_ED03)
        self.init(seed: second.next())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// SplitMix64, used only to expand a seed into generator state.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
