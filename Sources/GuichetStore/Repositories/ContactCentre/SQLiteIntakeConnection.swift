import FluentSQLiteDriver
import Foundation

/// SQLite: the intake writer's own connection, on an event loop of its own (`IntakeConnection` is PostgreSQL's).
///
/// SQLite runs each statement on NIO's thread pool and hands its result back on the connection's event loop. On a
/// connection of the pool that loop is one of the application's, so at every statement of a group the writer waited
/// for a turn behind HTTP work (at c=32, 40–45 % of the CPU sat idle while contacts queued for the one writer); this
/// loop does nothing else, and the writer's steps run on it too (`EventLoopTaskExecutor`). Groups still go through
/// `Serialiser.sqliteWriters` with every other contact-centre transaction, and begin IMMEDIATE.
public actor SQLiteIntakeConnection: OwnLoopWriter {
    let loop = WriterLoop()
    private let source: SQLiteConnectionSource
    private let logger: Logger
    var connection: SQLiteConnection?

    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.serialExecutor }

    /// `file` is the application's database file; the connection gets the driver's settings (foreign keys on).
    public init(file: String, threadPool: NIOThreadPool, logger: Logger) {
        source = SQLiteConnectionSource(configuration: .init(storage: .file(path: file)), threadPool: threadPool)
        self.logger = logger
    }

    /// The group written as `IntakeBatcher` does on the pool — one transaction, or one per contact if it fails as a
    /// whole — on this connection (opened, or opened again, as needed).
    func write(_ items: [PendingIntake]) async -> [Result<IntakeOutcome, any Error>] {
        await withTaskExecutorPreference(loop.taskExecutor) { await writeOnLoop(items) }
    }

    private func writeOnLoop(_ items: [PendingIntake]) async -> [Result<IntakeOutcome, any Error>] {
        let sql: any SQLDatabase
        do {
            sql = try await connected().sql()
        } catch {
            return items.map { _ in .failure(error) }
        }
        return await IntakeBatcher.write(items, on: .serialised(sql))
    }

    func open() async throws -> SQLiteConnection {
        try await source.makeConnection(logger: logger, on: loop.eventLoop).get()
    }

    /// Closes the connection and stops the event loop (application shutdown; from outside that loop).
    public nonisolated func shutdown() async {
        await closeAndStop()
    }
}
