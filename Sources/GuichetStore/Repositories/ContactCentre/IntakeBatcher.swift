import Fluent
import Foundation
import NIOCore
import NIOPosix
import SQLKit

/// Group commit for contacts entering: whatever arrives while a transaction is being written waits for
/// the next one, and goes in with the others — customers, contacts, log lines and messages written a few
/// statements per table, one ACD round per organisation, one commit. Under load a transaction carries
/// many contacts, so the database's per-commit cost (the WAL flush) and the dispatch lock are paid once
/// for all of them; alone, a contact is written at once, as before.
///
/// Nothing is answered before its transaction has committed. If a group fails as a whole (a unique index
/// hit because another instance created the same customer at the same moment, a lost connection), each of
/// its contacts is taken again on its own, so one contact's problem is reported to that contact only.
///
/// The batcher runs on an event loop that serves no HTTP request: on PostgreSQL its writer connection's, so
/// handing a group to the writer and taking its results back cost no thread hop; on SQLite one of its own.
/// (As a default actor it ran on the HTTP event loops — Swift's global executor is NIO's — and each step of a
/// group's cycle queued behind the requests those loops were parsing.)
public actor IntakeBatcher {
    /// Told, after each commit, which organisations changed (to refresh live pages once per group).
    public typealias Committed = @Sendable (_ organisations: Set<UUID>) async -> Void

    private let loop: any EventLoop
    /// The loop's group when the batcher has no writer connection to share one with (shut down with it).
    private let ownLoop: MultiThreadedEventLoopGroup?
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }

    private let database: any Database
    /// PostgreSQL: the writers' own connections, one per writer, those not in use; none: groups are written
    /// on the pool's connections.
    private var idleConnections: [IntakeConnection]
    private let ownConnections: Bool
    private let largestGroup: Int
    private let writers: Int
    private let priority: TaskPriority
    private let committed: Committed
    private var waiting: [(item: PendingIntake, reply: CheckedContinuation<IntakeOutcome, any Error>)] = []
    private var writing = 0
    static let largestGroupBytes = 4 * 1_048_576
    /// Groups written and contacts in them since start (the tests read them to see that grouping happens).
    public private(set) var groups = 0
    public private(set) var contacts = 0

    /// `writers` groups may be written at once (each on its own connection; on SQLite they take turns anyway);
    /// with `connections`, one writer per connection.
    public init(
        database: any Database, connections: [IntakeConnection] = [], largestGroup: Int = 256, writers: Int = 1,
        priority: TaskPriority = .high, committed: @escaping Committed
    ) {
        if let first = connections.first {
            loop = first.eventLoop
            ownLoop = nil
        } else {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            loop = group.next()
            ownLoop = group
        }
        self.database = database
        self.idleConnections = connections
        self.ownConnections = !connections.isEmpty
        self.largestGroup = max(1, largestGroup)
        // One connection carries one group at a time.
        self.writers = connections.isEmpty ? max(1, writers) : connections.count
        self.priority = priority
        self.committed = committed
    }

    /// Stops the batcher's own event loop, if it has one (application shutdown, once intake has stopped).
    public nonisolated func shutdown() async {
        try? await ownLoop?.shutdownGracefully()
    }

    /// Records the contact, offers it if an agent has room, and returns once that is committed.
    public func intake(_ item: PendingIntake) async throws -> IntakeOutcome {
        try await withCheckedThrowingContinuation { reply in
            waiting.append((item, reply))
            if writing < writers {
                writing += 1
                Task(priority: priority) { await self.drain() }
            }
        }
    }

    private func drain() async {
        let connection = ownConnections ? idleConnections.popLast() : nil
        repeat {
            await writeGroups(on: connection)
            // Out of work: the connection's dispatch locks go; a group arriving meanwhile is taken after.
            await connection?.release()
        } while !waiting.isEmpty
        if let connection { idleConnections.append(connection) }
        writing -= 1
    }

    private func writeGroups(on connection: IntakeConnection?) async {
        while !waiting.isEmpty {
            // At most `largestGroup` contacts and about 4 MiB of message text per statement.
            var size = 0
            var bytes = 0
            for entry in waiting.prefix(largestGroup) {
                bytes += entry.item.contact.message?.body.utf8.count ?? 0
                if size > 0, bytes > Self.largestGroupBytes { break }
                size += 1
            }
            let group = Array(waiting.prefix(size))
            waiting.removeFirst(group.count)
            let items = group.map(\.item)
            let results =
                if let connection { await connection.write(items) } else {
                    await Self.write(items, on: .pool(database))
                }
            for (entry, result) in zip(group, results) { entry.reply.resume(with: result) }
            groups += 1
            contacts += group.count
            var changed: Set<UUID> = []
            for (entry, result) in zip(group, results) {
                if case .success = result { changed.insert(entry.item.organisation) }
            }
            // Told off the writing loop: the next group need not wait for the notification's round trip.
            if !changed.isEmpty {
                let committed = committed
                Task { await committed(changed) }
            }
        }
    }

    /// Where a group is written: a connection of the pool per transaction, or the writer's own connection.
    enum Target {
        case pool(any Database)
        case connection(any SQLDatabase)

        func transaction<T: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
        {
            switch self {
            case .pool(let database): try await ContactCentreStore.transaction(on: database, work)
            case .connection(let sql): try await ContactCentreStore.transaction(onConnection: sql, work)
            }
        }
    }

    /// One transaction for the group; if it fails as a whole, one per contact. Then the ACD rounds the
    /// group asked for (an agent had room for one of its contacts).
    static func write(_ items: [PendingIntake], on target: Target) async -> [Result<IntakeOutcome, any Error>] {
        let written: IntakeWriter.Written
        do {
            written = try await transaction(items, on: target)
        } catch {
            guard items.count > 1 else {
                guard ContactCentreStore.isUniqueViolation(error) else { return [.failure(error)] }
                // Another instance created the same customer identity or channel id meanwhile: once more,
                // which finds theirs (a channel id taken is then refused as a conflict).
                do {
                    return await roundsAfterCommit(try await transaction(items, on: target), on: target)
                } catch { return [.failure(error)] }
            }
            var results: [Result<IntakeOutcome, any Error>] = []
            for item in items {
                results.append(contentsOf: await write([item], on: target))
            }
            return results
        }
        return await roundsAfterCommit(written, on: target)
    }

    private static func transaction(_ items: [PendingIntake], on target: Target) async throws -> IntakeWriter.Written {
        try await target.transaction { db in try await IntakeWriter.write(items, dispatch: true, on: db) }
    }

    /// The contacts are committed and queued whatever happens here: a round that fails leaves them
    /// unassigned in the reply, and the dispatch tick (every second, every instance) offers them.
    static func roundsAfterCommit(
        _ written: IntakeWriter.Written, on target: Target
    ) async -> [Result<IntakeOutcome, any Error>] {
        guard !written.roundsAfterCommit.isEmpty else { return written.results }
        var assignments: [UUID: AssignmentRecord] = [:]
        for organisation in written.roundsAfterCommit {
            let made = try? await target.transaction { db in
                try await ContactCentreStore.dispatch(db, organisation: organisation, now: written.now)
            }
            for assignment in made ?? [] { assignments[assignment.contactID] = assignment }
        }
        return written.results.map { result in
            result.map { outcome in
                var outcome = outcome
                outcome.assignment = assignments[outcome.contact.id] ?? outcome.assignment
                return outcome
            }
        }
    }
}
