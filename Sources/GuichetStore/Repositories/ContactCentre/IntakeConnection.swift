import FluentPostgresDriver
import Foundation
import SQLKit

/// PostgreSQL: the intake writer's own connection, on an event loop of its own.
///
/// The writer is the one path every contact waits for, a few statements per group. On the application's
/// event loops each of its steps would queue behind the HTTP work of every other request; here the
/// connection's replies resume the writer on the thread that received them, which does nothing else.
/// Between groups the connection holds the groups' dispatch locks shared (see
/// `IntakeWriter.writeWithoutTransaction`); they are released when the writer runs out of work, and with the
/// connection if it is lost.
public actor IntakeConnection {
    private let group: MultiThreadedEventLoopGroup
    /// The loop the connection's replies arrive on (the batcher runs there too).
    nonisolated let eventLoop: any EventLoop
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private var connection: PostgresConnection?
    /// Organisations whose dispatch locks the connection holds (shared, session level).
    private var held: [UUID] = []

    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    public init(configuration: SQLPostgresConfiguration, logger: Logger) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        eventLoop = group.next()
        self.configuration = configuration.coreConfiguration
        self.logger = logger
    }

    /// The group written as `IntakeBatcher` does, on this connection (opened, or opened again, as needed).
    func write(_ items: [PendingIntake]) async -> [Result<IntakeOutcome, any Error>] {
        let sql: any SQLDatabase
        do {
            sql = try await connected().sql()
        } catch {
            return items.map { _ in .failure(error) }
        }
        let organisations = Array(Set(items.map(\.organisation)))
        do {
            let releasing = !held.isEmpty
            held = organisations  // what the connection may hold from here on, whatever happens below
            if var written = try await IntakeWriter.writeWithoutTransaction(items, on: sql, releasingLocks: releasing) {
                // Where an offering round already waits for the lock (an agent just freed room), it will offer
                // these contacts once the lock is released: running another would only queue behind it.
                var rounds: [UUID] = []
                // (The group is committed: from here nothing may send it to the transaction path below.)
                for organisation in written.roundsAfterCommit
                where await (try? ContactCentreStore.roundWaiting(sql, organisation: organisation)) != true {
                    rounds.append(organisation)
                }
                written.roundsAfterCommit = rounds
                if !written.roundsAfterCommit.isEmpty {
                    // The round takes the lock alone: another writer doing the same must not find this one's
                    // shared hold in its way (nor this one, theirs).
                    await release()
                }
                return await IntakeBatcher.roundsAfterCommit(written, on: .connection(sql))
            }
        } catch let error as PSQLError where error.code == .server {
            // PostgreSQL refused a statement (another instance took the same identity at the same moment…), so
            // nothing of it was kept: written in a transaction below, which reports a lasting problem per contact.
        } catch {
            // The connection failed: whether the group committed is unknown, so it is not written a second time.
            await release()
            return items.map { _ in .failure(error) }
        }
        await release()
        do {
            return await IntakeBatcher.write(items, on: .connection(try await connected().sql()))
        } catch {
            return items.map { _ in .failure(error) }
        }
    }

    /// Releases the dispatch locks held. Should that fail while the connection stays open, the connection is
    /// closed: a lock left held would stop every offering round of its organisations.
    func release() async {
        guard !held.isEmpty, let connection else { return }
        held = []
        do {
            try await ContactCentreStore.releaseSessionDispatchLocks(connection.sql())
        } catch {
            try? await connection.close()
            self.connection = nil
        }
    }

    private func connected() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        held = []
        let made = try await PostgresConnection.connect(
            on: eventLoop, configuration: configuration, id: 0, logger: logger
        ).get()
        connection = made
        return made
    }

    /// Closes the connection and stops the event loop (application shutdown; from outside that loop).
    public nonisolated func shutdown() async {
        await close()
        try? await group.shutdownGracefully()
    }

    private func close() async {
        try? await connection?.close()
        connection = nil
        held = []
    }
}
