import Foundation

/// Why a staffing or queueing computation refused its input.
///
/// Every public entry point of the staffing and simulation code validates its arguments and throws one of these
/// instead of returning NaN, crashing or looping: the CLI and the API turn the message into a 4xx answer.
public enum StaffingError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// A numeric argument is NaN, infinite, negative or otherwise outside its domain.
    case invalidParameter(name: String, value: Double, expected: String)
    /// A forecast (volumes, opening hours, profiles) is inconsistent.
    case invalidForecast(String)
    /// A simulation scenario is inconsistent (unknown queue, empty schedule…).
    case invalidScenario(String)
    /// No number of agents up to `limit` reaches the target (e.g. an ASA below what even idle agents give).
    case targetUnreachable(target: String, limit: Int)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, expected):
            return "invalid \(name) = \(value): expected \(expected)"
        case let .invalidForecast(message):
            return "invalid forecast: \(message)"
        case let .invalidScenario(message):
            return "invalid simulation scenario: \(message)"
        case let .targetUnreachable(target, limit):
            return "target \(target) cannot be reached with up to \(limit) agents"
        }
    }

    public var errorDescription: String? { description }
}

/// Argument checks shared by the queueing models, so every model words its errors the same way.
enum Check {
    static func positive(_ value: Double, _ name: String) throws(StaffingError) {
        guard value.isFinite, value > 0 else {
            throw .invalidParameter(name: name, value: value, expected: "a finite number > 0")
        }
    }

    static func nonNegative(_ value: Double, _ name: String) throws(StaffingError) {
        guard value.isFinite, value >= 0 else {
            throw .invalidParameter(name: name, value: value, expected: "a finite number ≥ 0")
        }
    }

    static func openUnit(_ value: Double, _ name: String) throws(StaffingError) {
        guard value.isFinite, value > 0, value < 1 else {
            throw .invalidParameter(name: name, value: value, expected: "a probability strictly between 0 and 1")
        }
    }

    static func agents(_ value: Int, _ name: String = "agents") throws(StaffingError) {
        guard value >= 1, value <= QueueingLimits.maxAgents else {
            throw .invalidParameter(
                name: name, value: Double(value), expected: "between 1 and \(QueueingLimits.maxAgents) agents")
        }
    }
}

/// Bounds that keep every computation finite in time and memory; far beyond any real contact centre.
public enum QueueingLimits {
    /// The largest agent count the analytic models and the staffing search accept.
    public static let maxAgents = 1_000_000
    /// The largest offered load (Erlangs) accepted: beyond it inputs are almost certainly a unit mistake.
    public static let maxOfferedLoad = 500_000.0
}
