import Foundation

/// A mean over independent replications with its confidence interval (Student t).
public struct Estimate: Sendable, Hashable, Codable {
    public let mean: Double
    /// Half the width of the confidence interval (0 with fewer than 2 replications).
    public let halfWidth: Double
    /// Replications that had something to measure (e.g. an interval with no call has no service level).
    public let replications: Int

    public var lower: Double { mean - halfWidth }
    public var upper: Double { mean + halfWidth }

    /// Whether `value` lies inside the interval.
    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }

    /// The estimate from the finite values, or nil when there is none (e.g. no call in an interval).
    static func of(_ values: [Double], confidence: Double) -> Estimate? {
        values.contains { $0.isFinite } ? Estimate(values, confidence: confidence) : nil
    }

    init(_ values: [Double], confidence: Double) {
        let usable = values.filter { $0.isFinite }
        replications = usable.count
        guard !usable.isEmpty else {
            mean = 0
            halfWidth = 0
            return
        }
        let m = usable.reduce(0, +) / Double(usable.count)
        mean = m
        guard usable.count > 1 else {
            halfWidth = 0
            return
        }
        let variance = usable.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(usable.count - 1)
        halfWidth = Self.studentQuantile(0.5 + confidence / 2, degrees: usable.count - 1)
            * (variance / Double(usable.count)).squareRoot()
    }

    /// Student t quantile: exact for 1 and 2 degrees of freedom, otherwise the Cornish–Fisher expansion around
    /// the normal quantile (Abramowitz & Stegun 26.7.5), within 1e-3 relative from 3 degrees of freedom.
    static func studentQuantile(_ p: Double, degrees nu: Int) -> Double {
        if nu == 1 { return tan(Double.pi * (p - 0.5)) }
        if nu == 2 { return (2 * p - 1) / (2 * p * (1 - p)).squareRoot() }
        let z = normalQuantile(p)
        let v = Double(nu)
        let z2 = z * z
        let g1 = (z2 + 1) * z / 4
        let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
        let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
        let g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
        return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)
    }

    /// Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low { return -normalQuantile(1 - p) }
        let q = p - 0.5
        let r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
