import Foundation

/// What "well staffed" means for one interval: the criterion the staffing search must meet.
///
/// The source operation (DOMAIN.md §2) wants "no customer waits more than 30 seconds"; no finite staffing makes
/// that certain with random arrivals, so it is expressed as `maxProbabilityWaitExceeds(seconds: 30, probability:)`.
/// The industry's "80 % answered in 30 s" is `serviceLevel(fraction: 0.8, within: 30)`.
public enum ServiceLevelTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// At least `fraction` of offered calls answered within `within` seconds (abandons count as misses).
    case serviceLevel(fraction: Double, within: Double)
    /// Average speed of answer at most `seconds` (mean wait; in Erlang A, mean wait over all offered calls).
    case averageSpeedOfAnswer(seconds: Double)
    /// P(wait > `seconds`) at most `probability` (in Erlang A the wait of abandoning callers counts too).
    case maxProbabilityWaitExceeds(seconds: Double, probability: Double)

    /// Throws if the target is outside its domain (fractions and probabilities strictly inside (0, 1)).
    public func validate() throws(StaffingError) {
        switch self {
        case let .serviceLevel(fraction, within):
            try Check.openUnit(fraction, "service level fraction")
            try Check.nonNegative(within, "service level threshold (s)")
        case let .averageSpeedOfAnswer(seconds):
            try Check.positive(seconds, "target ASA (s)")
        case let .maxProbabilityWaitExceeds(seconds, probability):
            try Check.nonNegative(seconds, "wait threshold (s)")
            try Check.openUnit(probability, "maximum probability of waiting longer")
        }
    }

    public var description: String {
        switch self {
        case let .serviceLevel(fraction, within):
            return "\(Self.percent(fraction)) answered within \(Self.seconds(within))"
        case let .averageSpeedOfAnswer(seconds):
            return "ASA ≤ \(Self.seconds(seconds))"
        case let .maxProbabilityWaitExceeds(seconds, probability):
            return "P(wait > \(Self.seconds(seconds))) ≤ \(Self.percent(probability))"
        }
    }

    private static func percent(_ p: Double) -> String {
        let value = p * 100
        return value == value.rounded() ? "\(Int(value)) %" : String(format: "%.2f %%", value)
    }

    private static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
    }
}
