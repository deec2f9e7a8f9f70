import FluentSQLiteDriver
import Foundation

/// SQLite: the intake writer's own connection, on an event loop of its own (`IntakeConnection` is PostgreSQL's).
///
/// SQLite runs each statement on NIO's thread pool and hands its result back on the connection's event loop. On a
/// connection of the pool that loop is one of the application's, so at every statement of a group the writer waited
/// for a turn behind HTTP work (at c=32, 40–45 % of the CPU sat idle while contacts queued for the one writer); this
/// loop does nothing else, and the writer's steps run on it too (`EventLoopTaskExecutor`). Groups still go through
/// `Serialiser.sqliteWriters` with every other contact-centre transaction, and begin IMMEDIATE.
///
/// Checkpoints are not the writer's: SQLite copies the write-ahead log back into the database (and syncs the file)
/// in the commit that takes the log past 1,000 pages, and every contact of that group waited for it (7 % of the
/// CPU in perf, the syncs' waits on top). This connection never checkpoints; a second one, beside it, does every
/// `groupsPerCheckpoint` groups — first a passive checkpoint, which writers do not wait for and which copies
/// almost everything, then, in the writers' turn (`Serialiser.sqliteWriters`), a short `RESTART` one that copies
/// the rest and has the next commit write the log from its start again. Passive checkpoints alone never let the
/// log start over while groups kept coming: it grew to 780 MB in a 16-s run. Statement journals stay in memory too
/// (a multi-row INSERT in a transaction keeps one, and it spilled to a temporary file).
public actor SQLiteIntakeConnection: OwnLoopWriter {
    let loop = WriterLoop()
    private let source: SQLiteConnectionSource
    private let logger: Logger
    var connection: SQLiteConnection?
    /// The connection that checkpoints, opened on the first checkpoint.
    private var checkpointer: SQLiteConnection?
    private var checkpointing: Task<Void, Never>?
    private var groupsSinceCheckpoint = 0
    /// Checkpoints completed, for tests.
    private(set) var checkpoints = 0

    /// About SQLite's own cadence (1,000 pages of log) at the benchmark's group sizes.
    static let groupsPerCheckpoint = 16

    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.serialExecutor }

    /// `file` is the application's database file; the connection gets the driver's settings (foreign keys on).
    public init(file: String, threadPool: NIOThreadPool, logger: Logger) {
        source = SQLiteConnectionSource(configuration: .init(storage: .file(path: file)), threadPool: threadPool)
        self.logger = logger
    }

    /// The group written as `IntakeBatcher` does on the pool — one transaction, or one per contact if it fails as a
    /// whole — on this connection (opened, or opened again, as needed).
    func write(_ items: [PendingIntake]) async -> [Result<IntakeOutcome, any Error>] {
        let results = await withTaskExecutorPreference(loop.taskExecutor) { await writeOnLoop(items) }
        groupsSinceCheckpoint += 1
        if groupsSinceCheckpoint >= Self.groupsPerCheckpoint, checkpointing == nil {
            groupsSinceCheckpoint = 0
            checkpointing = Task { await checkpoint() }
        }
        return results
    }

    private func writeOnLoop(_ items: [PendingIntake]) async -> [Result<IntakeOutcome, any Error>] {
        let connection: SQLiteConnection
        do {
            connection = try await connected()
        } catch {
            return items.map { _ in .failure(error) }
        }
        return await IntakeBatcher.write(items, on: .serialised(connection))
    }

    /// Copies what the log holds into the database: what a passive checkpoint can while groups go on, then the
    /// rest in the writers' turn, so that the log starts over. A failure is logged and the connection opened again
    /// next time; until then the log only grows (the pool's connections still checkpoint as SQLite does by default).
    private func checkpoint() async {
        do {
            let sql = try await checkpointConnection().sql()
            _ = try await sql.raw("PRAGMA wal_checkpoint(PASSIVE)").all()
            _ = try await Serialiser.sqliteWriters.run { try await sql.raw("PRAGMA wal_checkpoint(RESTART)").all() }
            checkpoints += 1
        } catch {
            logger.warning("intake: SQLite checkpoint failed: \(String(reflecting: error))")
            try? await checkpointer?.close()
            checkpointer = nil
        }
        checkpointing = nil
    }

    private func checkpointConnection() async throws -> SQLiteConnection {
        if let checkpointer, !checkpointer.isClosed { return checkpointer }
        let made = try await source.makeConnection(logger: logger, on: loop.eventLoop).get()
        checkpointer = made
        return made
    }

    func open() async throws -> SQLiteConnection {
        let made = try await source.makeConnection(logger: logger, on: loop.eventLoop).get()
        return try await settingUp(made) { connection in
            _ = try await connection.sql().raw("PRAGMA wal_autocheckpoint = 0").all()
            _ = try await connection.sql().raw("PRAGMA temp_store = MEMORY").all()
        }
    }

    /// Closes the connections (after a checkpoint under way) and stops the event loop (application shutdown; from
    /// outside that loop).
    public nonisolated func shutdown() async {
        await closeCheckpointer()
        await closeAndStop()
    }

    private func closeCheckpointer() async {
        await checkpointing?.value
        try? await checkpointer?.close()
        checkpointer = nil
    }
}
