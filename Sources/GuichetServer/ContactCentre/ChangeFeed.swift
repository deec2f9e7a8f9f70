import FluentPostgresDriver
import Foundation
import GuichetStore
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import SQLKit
import Vapor

/// Tells every Guichet instance that an organisation's contact centre changed (a contact queued, offered,
/// answered…), so live pages and agent desktops refresh at once.
///
/// On PostgreSQL a change is a `NOTIFY guichet_contact_centre, '<organisation id>'`: each instance keeps one
/// connection `LISTEN`ing and fans the notification out to its own WebSocket subscribers — whichever
/// instance made the change. On SQLite (one instance) the change is fanned out directly.
final class ChangeFeed: Sendable {
    static let channel = "guichet_contact_centre"

    private struct State {
        var subscribers: [UUID: [UUID: AsyncStream<String>.Continuation]] = [:]
        var listener: Task<Void, Never>?
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())
    private let postgres: SQLPostgresConfiguration?
    private let logger: Logger
    private let onAccountsChanged: @Sendable () -> Void

    init(postgres: SQLPostgresConfiguration?, logger: Logger, onAccountsChanged: @escaping @Sendable () -> Void = {}) {
        self.postgres = postgres
        self.logger = logger
        self.onAccountsChanged = onAccountsChanged
    }

    /// Announces a change of `organisation`; `detail` travels with it ("live", "chat:<contact>").
    func publish(_ organisation: UUID, detail: String = "live", on database: any Database) async {
        let payload = "\(organisation.uuidString)|\(detail)"
        guard postgres != nil, let sql = database as? any SQLDatabase else {
            deliver(payload)
            return
        }
        do {
            try await sql.raw("SELECT pg_notify(\(bind: Self.channel), \(bind: payload))").run()
        } catch {
            // The change itself is committed; a page misses one refresh and catches up at the next tick.
            logger.warning("could not notify other instances: \(String(reflecting: error))")
            deliver(payload)
        }
    }

    /// Changes of one organisation, as their detail strings, until the stream is dropped.
    func subscribe(_ organisation: UUID, eventLoop: any EventLoop) -> AsyncStream<String> {
        start(eventLoop: eventLoop)
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(16))
        state.withLockedValue { $0.subscribers[organisation, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { $0.subscribers[organisation]?[id] = nil }
        }
        return stream
    }

    var subscriberCount: Int { state.withLockedValue { $0.subscribers.values.map(\.count).reduce(0, +) } }

    /// Announces that accounts changed (a token revoked, a role granted or removed), so every instance
    /// forgets the callers it had authenticated (`PrincipalCache`).
    func publishAccountsChanged(on database: any Database) async {
        onAccountsChanged()
        guard postgres != nil, let sql = database as? any SQLDatabase else { return }
        do {
            try await sql.raw("SELECT pg_notify(\(bind: Self.channel), \(bind: Self.accountsPayload))").run()
        } catch {
            logger.warning("could not tell other instances that accounts changed: \(String(reflecting: error))")
        }
    }

    static let accountsPayload = "accounts|changed"

    private func deliver(_ payload: String) {
        if payload == Self.accountsPayload {
            onAccountsChanged()
            return
        }
        let parts = payload.split(separator: "|", maxSplits: 1)
        guard let first = parts.first, let organisation = UUID(uuidString: String(first)) else { return }
        let detail = parts.count > 1 ? String(parts[1]) : "live"
        let targets = state.withLockedValue { Array(($0.subscribers[organisation] ?? [:]).values) }
        for continuation in targets { continuation.yield(detail) }
    }

    /// Starts listening on PostgreSQL, reconnecting after a failure.
    func start(eventLoop: any EventLoop) {
        guard let postgres else { return }
        let starting = state.withLockedValue { state -> Bool in
            guard state.listener == nil, !state.stopped else { return false }
            state.listener = Task {}
            return true
        }
        guard starting else { return }
        let logger = logger
        let task = Task { [weak self] in
            var delay: UInt64 = 250_000_000
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(
                        on: eventLoop, configuration: postgres.coreConfiguration, id: 1, logger: logger
                    ).get()
                    delay = 250_000_000
                    do {
                        try await connection.listen(on: Self.channel) { notifications in
                            for try await notification in notifications {
                                self?.deliver(notification.payload)
                            }
                        }
                    } catch {
                        if !Task.isCancelled { logger.warning("change feed lost: \(String(reflecting: error))") }
                    }
                    try? await connection.close()
                } catch {
                    if !Task.isCancelled { logger.warning("change feed cannot connect: \(String(reflecting: error))") }
                }
                try? await Task.sleep(nanoseconds: delay)
                delay = min(delay * 2, 5_000_000_000)
            }
        }
        state.withLockedValue { $0.listener = task }
    }

    func stop() {
        let task = state.withLockedValue { state -> Task<Void, Never>? in
            let task = state.listener
            state.listener = nil
            state.stopped = true
            for continuation in state.subscribers.values.flatMap(\.values) { continuation.finish() }
            state.subscribers = [:]
            return task
        }
        task?.cancel()
    }
}
