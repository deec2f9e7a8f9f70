import Fluent
import Foundation
import SQLKit
import SQLiteNIO

/// Group commit for contacts entering: whatever arrives while a transaction is being written waits for
/// the next one, and goes in with the others — customers, contacts, log lines and messages written a few
/// statements per table, one commit, then one ACD round per organisation (one statement, when nobody has room). Under load
/// a transaction carries many contacts, so the database's per-commit cost (the WAL flush) is paid once for
/// all of them; alone, a contact is written at once, as before.
///
/// Nothing is answered before its transaction has committed. If a group fails as a whole (a unique index
/// hit because another instance created the same customer at the same moment, a lost connection), each of
/// its contacts is taken again on its own, so one contact's problem is reported to that contact only.
public actor IntakeBatcher {
    /// Told, after each commit, which organisations changed (to refresh live pages once per group).
    public typealias Committed = @Sendable (_ organisations: Set<UUID>) async -> Void

    private let database: any Database
    /// PostgreSQL: the writers' own connections, one per writer, those not in use; none: groups are written
    /// on the pool's connections.
    private var idleConnections: [IntakeConnection]
    private let ownConnections: Bool
    /// SQLite: the writer's own connection, if it has one.
    private let sqlite: SQLiteIntakeConnection?
    private let largestGroup: Int
    private let writers: Int
    private let priority: TaskPriority
    private let committed: Committed
    /// PostgreSQL, with the writers' own connections: the ACD rounds groups ask for, run beside the writers.
    private let rounds: RoundScheduler
    private var waiting: [(item: PendingIntake, reply: CheckedContinuation<IntakeOutcome, any Error>)] = []
    private var writing = 0
    static let largestGroupBytes = 4 * 1_048_576
    /// Groups written and contacts in them since start (the tests read them to see that grouping happens).
    public private(set) var groups = 0
    public private(set) var contacts = 0

    /// `writers` groups may be written at once (each on its own connection; on SQLite they take turns anyway);
    /// with `connections`, one writer per connection, and the ACD rounds groups ask for on `roundConnection` (on
    /// the pool without it).
    public init(
        database: any Database, connections: [IntakeConnection] = [], roundConnection: IntakeConnection? = nil,
        sqlite: SQLiteIntakeConnection? = nil,
        largestGroup: Int = 256, writers: Int = 1, priority: TaskPriority = .high, committed: @escaping Committed
    ) {
        self.database = database
        self.sqlite = sqlite
        self.idleConnections = connections
        self.ownConnections = !connections.isEmpty
        self.largestGroup = max(1, largestGroup)
        // One connection carries one group at a time.
        self.writers = connections.isEmpty ? (sqlite == nil ? max(1, writers) : 1) : connections.count
        self.priority = priority
        self.committed = committed
        self.rounds = RoundScheduler(database: database, connection: roundConnection)
    }

    /// ACD rounds run for groups since start (each may serve several groups).
    public var roundsRun: Int { get async { await rounds.rounds } }

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
        await writeGroups(on: connection)
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
            let written =
                if let connection {
                    await connection.write(items)
                } else if let sqlite {
                    IntakeConnection.Written(results: await sqlite.write(items))
                } else {
                    IntakeConnection.Written(results: await Self.write(items, on: .pool(database)))
                }
            groups += 1
            contacts += group.count
            let replies = group.map(\.reply)
            let organisations = group.map(\.item.organisation)
            if written.rounds.isEmpty {
                Self.answer(replies, organisations, written.results, offers: [:], committed: committed)
            } else {
                // The writer goes on with the next group; this one is answered once its rounds have run.
                var answers: [AsyncStream<[UUID: AssignmentRecord]>] = []
                for organisation in written.rounds {
                    answers.append(await rounds.ask(for: organisation, now: written.now))
                }
                let committed = committed
                Task(priority: priority) {
                    var offers: [UUID: AssignmentRecord] = [:]
                    for answer in answers {
                        for await made in answer { offers.merge(made) { first, _ in first } }
                    }
                    Self.answer(replies, organisations, written.results, offers: offers, committed: committed)
                }
            }
        }
    }

    /// Answers a group's callers, with the offers its rounds made, and tells live pages (off the writing loop:
    /// the next group need not wait for the notification's round trip).
    private static func answer(
        _ replies: [CheckedContinuation<IntakeOutcome, any Error>], _ organisations: [UUID],
        _ results: [Result<IntakeOutcome, any Error>], offers: [UUID: AssignmentRecord], committed: @escaping Committed
    ) {
        var changed: Set<UUID> = []
        for ((reply, organisation), result) in zip(zip(replies, organisations), results) {
            reply.resume(
                with: result.map { outcome in
                    var outcome = outcome
                    outcome.assignment = offers[outcome.contact.id] ?? outcome.assignment
                    return outcome
                })
            if case .success = result { changed.insert(organisation) }
        }
        if !changed.isEmpty { Task { await committed(changed) } }
    }

    /// Where a group is written: a connection of the pool per transaction, or the writer's own connection —
    /// PostgreSQL's, or SQLite's (whose transactions take their turn behind `Serialiser.sqliteWriters`).
    enum Target {
        case pool(any Database)
        case connection(any SQLDatabase)
        case serialised(SQLiteConnection)

        func transaction<T: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
        {
            switch self {
            case .pool(let database): try await ContactCentreStore.transaction(on: database, work)
            case .connection(let sql): try await ContactCentreStore.transaction(onConnection: sql, work)
            case .serialised(let connection):
                try await Serialiser.sqliteWriters.run {
                    try await ContactCentreStore.transaction(onConnection: connection.sql(), immediate: true, work)
                }
            }
        }

        var sql: (any SQLDatabase)? {
            switch self {
            case .pool(let database): database as? any SQLDatabase
            case .connection(let sql): sql
            case .serialised(let connection): connection.sql()
            }
        }

        /// SQLite's connection, when the writer has one of its own.
        var sqlite: SQLiteConnection? {
            if case .serialised(let connection) = self { connection } else { nil }
        }
    }

    /// One transaction for the group; if it fails as a whole, one per contact. Then the ACD rounds the
    /// group asks for (`Written.rounds`).
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
        try await target.transaction { db in
            try await IntakeWriter.write(items, dispatch: true, on: db, sqlite: target.sqlite)
        }
    }

    /// PostgreSQL: the rounds a committed group needs, run here one after the other (`RoundScheduler` runs them
    /// beside the writer instead). The contacts are committed and queued whatever happens here: a round that
    /// fails leaves them unassigned in the reply, and the dispatch tick (every second, every instance) offers them.
    static func roundsAfterCommit(
        _ written: IntakeWriter.Written, on target: Target
    ) async -> [Result<IntakeOutcome, any Error>] {
        guard !written.rounds.isEmpty else { return written.results }
        var assignments: [UUID: AssignmentRecord] = [:]
        for organisation in written.rounds {
            let made = try? await ContactCentreStore.round(on: target, organisation: organisation, now: written.now)
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
