import Foundation

/// Numerical kernels shared by Erlang C and Erlang A. Internal: the public models validate inputs first.
enum QueueingMath {
    /// Erlang B blocking probability B(c, a) by the forward recursion B(k) = a·B(k−1) / (k + a·B(k−1)).
    ///
    /// Every step is a ratio of positive numbers, so the relative error grows by about 2 ulp per server: about
    /// 1e-12 at c = 10,000, with no factorial and no overflow. For c ≫ a the value underflows gracefully to 0.
    @inlinable
    static func erlangB(servers: Int, load a: Double) -> Double {
        var b = 1.0
        var k = 1
        while k <= servers {
            let ab = a * b
            b = ab / (Double(k) + ab)
            k += 1
        }
        return b
    }

    /// Erlang C probability of waiting from B(c, a), for a < c: C = B / (1 − ρ(1 − B)).
    @inlinable
    static func erlangC(servers c: Int, load a: Double) -> Double {
        let b = erlangB(servers: c, load: a)
        let rho = a / Double(c)
        return b / (1 - rho * (1 - b))
    }

    /// Sums of the birth–death chain of M/M/c+M beyond c busy agents.
    ///
    /// With s = cμ/θ and x = λ/θ, the unnormalised probability of k callers waiting is proportional to
    /// u_k = Π_{j=1..k} x / (s + j) (u_0 = 1); Σ u_k is Kummer's M(1; s+1; x), the series behind the
    /// incomplete-gamma form of Garnett–Mandelbaum–Reiman. All weights are positive, so nothing cancels.
    struct WaitingSums {
        /// log Σ u_k.
        var logTotal: Double
        /// Σ u_k·(k+1)/(s+k+1) / Σ u_k: a caller who finds k waiting abandons with probability (k+1)/(s+k+1).
        var abandonGivenWait: Double
        /// Σ u_k·s/(s+k+1) / Σ u_k: the complement, summed separately so that neither is a difference.
        var servedGivenWait: Double
        /// Σ u_k·s/(s+k+1)·H_k / Σ u_k with H_k = Σ_{j=1..k+1} 1/(s+j): E[wait·1{served} | wait]·θ.
        var servedWaitGivenWait: Double
        /// Σ k·u_k / Σ u_k: mean number waiting, given at least one agent-slot is full (a cross-check).
        var meanWaitingGivenWait: Double
    }

    /// Terms are rescaled by an exact power of two whenever they grow past this, so heavy overload (terms like
    /// e^{x−s}) never overflows; the scale is carried in log space.
    private static let rescaleThreshold = 0x1.0p600
    private static let rescaleFactor = 0x1.0p-600
    private static let log2Pow600 = 600 * M_LN2

    /// Hard cap on terms (≈ 50 ms); beyond it the parameters are outside any contact centre (see `Check`).
    static let maxTerms = 20_000_000

    /// Sums the chain (see `WaitingSums`). `moments == false` computes only `logTotal` (for tail probabilities).
    ///
    /// The loop stops once past the mode (k > x − s) with the geometric bound on the remaining tail
    /// term·r/(1−r) below 1e-17 of the total, where r = x/(s+k+1) only decreases from there on.
    static func waitingSums(s: Double, x: Double, moments: Bool) -> WaitingSums {
        var term = 1.0
        var total = 1.0
        var abandon = 1.0 / (s + 1)
        var served = s / (s + 1)
        var harmonic = 1.0 / (s + 1)
        var servedWait = served * harmonic
        var mean = 0.0
        var logScale = 0.0
        var k = 0
        while k < maxTerms {
            k += 1
            let d = s + Double(k)
            term *= x / d
            let kk = Double(k)
            total += term
            if moments {
                let next = d + 1
                harmonic += 1 / next
                let pServed = s / next
                abandon += term * (kk + 1) / next
                served += term * pServed
                servedWait += term * pServed * harmonic
                mean += term * kk
            }
            if term > rescaleThreshold {
                term *= rescaleFactor
                total *= rescaleFactor
                abandon *= rescaleFactor
                served *= rescaleFactor
                servedWait *= rescaleFactor
                mean *= rescaleFactor
                logScale += log2Pow600
            }
            let r = x / (d + 1)
            if r < 1 {
                let tailBound = term * r / (1 - r)
                // The mean's weights grow like k, so its tail needs a factor ~k more margin.
                if tailBound * (moments ? (kk + 1 / (1 - r)) : 1) < 1e-17 * total { break }
            }
        }
        return WaitingSums(
            logTotal: logScale + log(total),
            abandonGivenWait: abandon / total,
            servedGivenWait: served / total,
            servedWaitGivenWait: servedWait / total,
            meanWaitingGivenWait: mean / total)
    }

    /// An upper estimate of the number of terms `waitingSums` needs, to refuse absurd inputs before looping.
    static func estimatedTerms(s: Double, x: Double) -> Double {
        let toMode = max(0, x - s)
        let rho = x / s
        // Past the mode the terms fall like a Gaussian of width √x, or geometrically with ratio ρ if faster.
        let gaussian = 10 * (x + s).squareRoot() + 50
        let geometric = rho < 1 ? 45 / -log(rho) : .infinity
        return toMode + min(gaussian, geometric)
    }

    /// log(1 / (1 + e^{−z})) computed without overflow: the logistic combination used for P(wait).
    @inlinable
    static func logistic(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}
