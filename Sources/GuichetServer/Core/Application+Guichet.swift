import Fluent
import FluentPostgresDriver
import GuichetCore
import GuichetStore
import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// What Guichet keeps per application: its configuration and its metrics registry.
public final class GuichetContext: Sendable {
    public let configuration: GuichetConfiguration
    public let metrics: PrometheusCollectorRegistry
    /// Contact-centre changes, pushed to live pages across instances.
    let changeFeed: ChangeFeed
    let routingCache = RoutingCache()
    /// Inbound mail of one conversation is threaded one message at a time (see `MailIntake`).
    let mailThreads = KeyedLocks()
    /// API callers recently authenticated, so a busy client costs no database read per request.
    let principals: PrincipalCache
    private let batcher = NIOLockedValueBox<IntakeBatcher?>(nil)
    private let intakeConnections = NIOLockedValueBox<([IntakeConnection], SQLiteIntakeConnection?)>(([], nil))

    init(configuration: GuichetConfiguration, logger: Logger) {
        self.configuration = configuration
        self.metrics = PrometheusCollectorRegistry()
        var postgres: SQLPostgresConfiguration?
        if case .postgres(let url) = configuration.database { postgres = try? SQLPostgresConfiguration(url: url) }
        let principals = PrincipalCache()
        self.principals = principals
        self.changeFeed = ChangeFeed(postgres: postgres, logger: logger) { principals.flush() }
    }

    /// Where every channel's new contacts are written, grouped per transaction (created on first use,
    /// once the databases are configured).
    func intakeBatcher(_ application: Application) -> IntakeBatcher {
        batcher.withLockedValue { batcher in
            if let batcher { return batcher }
            let database = application.db
            let feed = changeFeed
            var connections: [IntakeConnection] = []
            var roundConnection: IntakeConnection?
            if case .postgres(let url) = configuration.database, let postgres = try? SQLPostgresConfiguration(url: url)
            {
                // One writer: measured best (docs/PERFORMANCE.md); a second one splits the groups and adds work.
                connections = [IntakeConnection(configuration: postgres, logger: application.logger)]
                // The rounds the writer's groups ask for, beside it on a connection and loop of their own.
                roundConnection = IntakeConnection(configuration: postgres, logger: application.logger)
            }
            // SQLite: the writer's own connection too, on a loop of its own (docs/ARCHITECTURE.md).
            let sqlite = application.sqliteFile.map {
                SQLiteIntakeConnection(file: $0, threadPool: application.threadPool, logger: application.logger)
            }
            let made = IntakeBatcher(
                database: database, connections: connections, roundConnection: roundConnection, sqlite: sqlite
            ) { organisations in
                for organisation in organisations { await feed.publish(organisation, on: database) }
            }
            batcher = made
            intakeConnections.withLockedValue { $0 = (connections + (roundConnection.map { [$0] } ?? []), sqlite) }
            return made
        }
    }

    var maxBodyBytes: Int { configuration.maxBodyBytes }

    /// Closes the intake writer's connection and its event loop, if intake ever ran (application shutdown).
    func shutdownIntake() async {
        let (connections, sqlite) = intakeConnections.withLockedValue { $0 }
        for connection in connections { await connection.shutdown() }
        await sqlite?.shutdown()
    }
}

/// Closes what the application opened on first use and that outlives requests.
struct GuichetShutdown: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await application.guichet.shutdownIntake()
    }
}

extension Application {
    private struct GuichetKey: StorageKey {
        typealias Value = GuichetContext
    }

    /// Guichet's per-application context; set by `configure`.
    public var guichet: GuichetContext {
        get {
            guard let context = storage[GuichetKey.self] else {
                fatalError("GuichetServer.configure(_:_:) was not called on this application")
            }
            return context
        }
        set { storage[GuichetKey.self] = newValue }
    }
}

extension Request {
    /// Repositories bound to this request's database.
    var accounts: AccountRepository {
        AccountRepository(database: db, passwordCost: application.guichet.configuration.passwordCost)
    }
    var tokens: TokenRepository { TokenRepository(database: db) }
    var sessions: SessionRepository { SessionRepository(database: db) }
    var loginFailures: LoginFailureRepository { LoginFailureRepository(database: db) }
    /// After a token was revoked or a role granted or removed: every instance forgets its authenticated callers.
    func accountsChanged() async {
        await application.guichet.changeFeed.publishAccountsChanged(on: db)
    }
    /// The clock, read in one place so tests can reason about "now".
    var now: Date { Date() }
}
