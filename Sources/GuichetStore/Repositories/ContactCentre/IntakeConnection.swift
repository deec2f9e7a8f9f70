import FluentPostgresDriver
import Foundation
import SQLKit

/// PostgreSQL: the intake writer's own connection, on an event loop of its own (and, a second one, the connection
/// its ACD rounds run on: `RoundScheduler`).
///
/// The writer is the one path every contact waits for, a few statements per group. On the application's
/// event loops each of its steps would queue behind the HTTP work of every other request; here the
/// connection's replies resume the writer on the thread that received them, which does nothing else —
/// the actor's own steps, and the nonisolated ones it calls (the writer's, PostgresNIO's) through a task
/// executor on the same loop.
public actor IntakeConnection: OwnLoopWriter {
    let loop = WriterLoop()
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    var connection: PostgresConnection?
    /// ACD rounds run on this connection since start (tests read it).
    private(set) var rounds = 0

    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.serialExecutor }

    public init(configuration: SQLPostgresConfiguration, logger: Logger) {
        self.configuration = configuration.coreConfiguration
        self.logger = logger
    }

    /// What writing a group gave: one result per contact, and the organisations that took contacts — the caller
    /// has their ACD rounds run (`RoundScheduler`), then answers.
    struct Written {
        var results: [Result<IntakeOutcome, any Error>]
        var rounds: [UUID] = []
        var now = Date()
    }

    /// The group written as `IntakeBatcher` does, on this connection (opened, or opened again, as needed).
    ///
    /// Nonisolated async functions run on the global executor, which `guichet serve` makes the application's
    /// event loops: without the preference, every statement's reply would wait there for a turn, behind HTTP
    /// work, before the writer's next step (measured: a group's lookup took 2.0–2.2 ms from sending to its rows,
    /// of which PostgreSQL executes 0.1; with it 1.1–1.3 ms).
    func write(_ items: [PendingIntake]) async -> Written {
        await withTaskExecutorPreference(loop.taskExecutor) { await writeOnLoop(items) }
    }

    private func writeOnLoop(_ items: [PendingIntake]) async -> Written {
        let connection: PostgresConnection
        do {
            connection = try await connected()
        } catch {
            return Written(results: items.map { _ in .failure(error) })
        }
        do {
            if let written = try await IntakeWriter.writeWithoutTransaction(items, on: connection, logger: logger) {
                // Committed; the caller has the rounds run on other connections.
                return Written(results: written.results, rounds: written.rounds, now: written.now)
            }
        } catch let error as PSQLError where error.code == .server {
            // PostgreSQL refused a statement (another instance took the same identity at the same moment…), so
            // nothing of it was kept: written in a transaction below, which reports a lasting problem per contact.
        } catch {
            // The connection failed: whether the group committed is unknown, so it is not written a second time.
            return Written(results: items.map { _ in .failure(error) })
        }
        do {
            return Written(results: await IntakeBatcher.write(items, on: .connection(try await connected().sql())))
        } catch {
            return Written(results: items.map { _ in .failure(error) })
        }
    }

    /// An ACD round of `organisation` on this connection (`RoundScheduler`'s, when it has a connection of its own).
    ///
    /// On the pool, each of a round's statements waited for a turn on the application's event loops, behind HTTP
    /// work, before the next was sent; while agents' places fill, a round that offers is eight of them, and every
    /// contact of the groups that asked for it waits for it before its 201.
    func round(organisation: UUID, now: Date) async throws -> [AssignmentRecord] {
        rounds += 1
        return try await withTaskExecutorPreference(loop.taskExecutor) {
            let connection = try await connected()
            let logger = logger
            return try await ContactCentreStore.round(
                on: .connection(connection.sql()), organisation: organisation, now: now,
                prepared: { try await $0.rows(on: connection, logger: logger) })
        }
    }

    /// Opens the connection with sequential scans planned only where nothing else can read a table.
    ///
    /// Every statement this connection runs reaches rows by their keys, and so do the foreign-key checks its inserts
    /// fire. PostgreSQL plans those checks once per connection and keeps the plan until the table is analysed again:
    /// planned just after autovacuum analysed a young `customers` table of a few hundred rows, each check became a
    /// sequential scan, and stayed one while the table grew — 49 million rows read in one 10-s run, PostgreSQL's CPU
    /// per contact 1.43 ms instead of 0.37, throughput down to a third (the "collapse" of earlier benchmarks, two
    /// runs in six on a fresh database). Keyed reads never need the scan; this keeps the planner from choosing it.
    func open() async throws -> PostgresConnection {
        let made = try await PostgresConnection.connect(
            on: loop.eventLoop, configuration: configuration, id: 0, logger: logger
        ).get()
        return try await settingUp(made) { try await $0.query("SET enable_seqscan = off", logger: logger) }
    }

    /// Closes the connection and stops the event loop (application shutdown; from outside that loop).
    public nonisolated func shutdown() async {
        await closeAndStop()
    }
}
