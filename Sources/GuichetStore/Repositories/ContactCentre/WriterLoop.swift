import FluentPostgresDriver
import FluentSQLiteDriver

/// The event loop an intake writer has to itself (`IntakeConnection`, `SQLiteIntakeConnection`): its connection's
/// replies arrive there, its actor runs there, and `taskExecutor` runs its nonisolated steps there too.
final class WriterLoop: Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let eventLoop: any EventLoop
    let taskExecutor: EventLoopTaskExecutor

    init() {
        eventLoop = group.next()
        taskExecutor = EventLoopTaskExecutor(eventLoop: eventLoop)
    }

    var serialExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    /// Stops the loop (from outside it).
    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}

/// Runs the jobs of the tasks that prefer it on one event loop, as that loop's tasks.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}

/// A database connection an intake writer keeps for itself.
protocol WriterConnection: Sendable {
    var isClosed: Bool { get }
    func close() async throws
}

extension PostgresConnection: WriterConnection {}
extension SQLiteConnection: WriterConnection {}

/// An intake writer's own connection on its `WriterLoop`: opened on first use, opened again once closed, closed
/// with the loop at shutdown.
protocol OwnLoopWriter: Actor {
    associatedtype Connection: WriterConnection
    nonisolated var loop: WriterLoop { get }
    var connection: Connection? { get set }
    /// A new connection on `loop.eventLoop`.
    func open() async throws -> Connection
}

extension OwnLoopWriter {
    /// The connection, opened (or opened again) as needed.
    func connected() async throws -> Connection {
        if let connection, !connection.isClosed { return connection }
        let made = try await open()
        connection = made
        return made
    }

    /// `made` once `setUp` has run on it (session settings); closed, and the error thrown, if that fails.
    func settingUp(_ made: Connection, _ setUp: (Connection) async throws -> Void) async throws -> Connection {
        do {
            try await setUp(made)
        } catch {
            try? await made.close()
            throw error
        }
        return made
    }

    /// Closes the connection, then stops the loop (application shutdown; from outside that loop).
    nonisolated func closeAndStop() async {
        await closeConnection()
        await loop.shutdown()
    }

    private func closeConnection() async {
        try? await connection?.close()
        connection = nil
    }
}
