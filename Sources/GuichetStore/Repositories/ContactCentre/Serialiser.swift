import Foundation

/// Lets one task at a time through, in arrival order. SQLite has a single writer: the contact centre's
/// write transactions queue here (in one process) instead of failing with SQLITE_BUSY when two
/// connections try to upgrade to writing at once. PostgreSQL does not need it: row locks order writers.
actor Serialiser {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    static let sqliteWriters = Serialiser()

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty {
                busy = false
            } else {
                waiting.removeFirst().resume()
            }
        }
        return try await work()
    }
}
