import Foundation
import GuichetCore

/// What `guichet staffing …` and `guichet simulate` need beyond `StaffingService`: building requests from flags
/// and explaining a refused input in terms of the flags and files the user typed (`--agents` rather than
/// `/agents`). Kept here, not in the executable, so it is tested like the rest.
public enum StaffingCommandLine {
    /// The target chosen by at most one of `--target-sl`, `--target-asa`, `--max-wait-probability`
    /// (all measured at `--within` seconds); nil when none is given.
    public static func target(
        serviceLevel: Double?, averageSpeedOfAnswer: Double?, maxWaitProbability: Double?, within: Double
    ) throws -> TargetDTO? {
        let given = [serviceLevel != nil, averageSpeedOfAnswer != nil, maxWaitProbability != nil].filter { $0 }.count
        guard given <= 1 else {
            throw ValidationFailure(pointer: "/target", "give only one of --target-sl, --target-asa, --max-wait-probability")
        }
        if let serviceLevel { return TargetDTO(serviceLevel: .init(fraction: serviceLevel, within: within)) }
        if let averageSpeedOfAnswer { return TargetDTO(averageSpeedOfAnswer: .init(seconds: averageSpeedOfAnswer)) }
        if let maxWaitProbability {
            return TargetDTO(maxProbabilityWaitExceeds: .init(seconds: within, probability: maxWaitProbability))
        }
        // --within alone still means something: 80 % within that many seconds.
        return within == 30 ? nil : TargetDTO(serviceLevel: .init(fraction: 0.8, within: within))
    }

    /// Flags of the command line, by the JSON Pointer of the request field they fill.
    static let flags: [(pointer: String, flag: String)] = [
        ("/callsPerHour", "--rate"), ("/averageHandlingTime", "--aht"), ("/averagePatience", "--patience"),
        ("/agents", "--agents"), ("/maxAbandonment", "--max-abandonment"),
        ("/target/serviceLevel/fraction", "--target-sl"), ("/target/serviceLevel/within", "--within"),
        ("/target/averageSpeedOfAnswer/seconds", "--target-asa"),
        ("/target/maxProbabilityWaitExceeds/probability", "--max-wait-probability"),
        ("/target/maxProbabilityWaitExceeds/seconds", "--within"), ("/target", "--target-sl/--target-asa"),
        ("/policy/target/serviceLevel/fraction", "--target-sl"), ("/policy/target/serviceLevel/within", "--within"),
        ("/policy/target/averageSpeedOfAnswer/seconds", "--target-asa"),
        ("/policy/target/maxProbabilityWaitExceeds/probability", "--max-wait-probability"),
        ("/policy/target/maxProbabilityWaitExceeds/seconds", "--within"), ("/policy/target", "the target"),
        ("/policy/shrinkage", "--shrinkage"), ("/policy/fteHoursPerWeek", "--fte-hours-per-week"),
        ("/policy/fteHoursPerDay", "--fte-hours-per-day"), ("/policy/minimumAgents", "--minimum-agents"),
        ("/policy/maxAbandonment", "--max-abandonment"), ("/replications", "--replications"),
        ("/agentDelta", "--agent-delta"), ("/days", "--day"),
    ]

    /// A message for people: each problem named by its flag, or by its place in `file` for a forecast field.
    public static func message(for error: any Error, file: String? = nil) -> String {
        guard let failure = error as? ValidationFailure else {
            return String(describing: error)
        }
        return failure.problems.map { problem in
            "\(place(problem.pointer, file: file)): \(problem.detail)"
        }.joined(separator: "\n")
    }

    static func place(_ pointer: String, file: String?) -> String {
        if let exact = flags.first(where: { $0.pointer == pointer }) { return exact.flag }
        if pointer.hasPrefix("/days/") { return "--day" }
        if pointer.hasPrefix("/forecast") {
            let inside = String(pointer.dropFirst("/forecast".count))
            return "\(file ?? "forecast") at \(inside.isEmpty ? "/" : inside)"
        }
        return pointer.isEmpty ? "input" : pointer
    }
}

/// A progress bar on standard error for long runs: `simulating [##########··········] 50 %`.
///
/// `update` is called from the simulator's worker threads; it redraws only when the whole percentage changes.
public final class TerminalProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var shown = -1

    public init(label: String) { self.label = label }

    /// True when standard error is a terminal (a bar in a log file or a pipe is noise).
    public static var standardErrorIsTerminal: Bool { isatty(2) != 0 }

    public func update(_ fraction: Double) {
        let percent = max(0, min(100, Int(fraction * 100)))
        lock.lock()
        defer { lock.unlock() }
        guard percent > shown else { return }
        shown = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "·", count: 30 - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent) %".utf8))
    }

    /// Clears the bar's line.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        if (0...100).contains(shown) { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        shown = 101  // cleared: later calls (a second `finish`, a late worker) draw nothing
    }
}
