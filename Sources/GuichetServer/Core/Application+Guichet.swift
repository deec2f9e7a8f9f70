import Fluent
import FluentPostgresDriver
import GuichetCore
import GuichetStore
import Prometheus
import Vapor

/// What Guichet keeps per application: its configuration and its metrics registry.
public final class GuichetContext: Sendable {
    public let configuration: GuichetConfiguration
    public let metrics: PrometheusCollectorRegistry
    /// Contact-centre changes, pushed to live pages across instances.
    let changeFeed: ChangeFeed
    let routingCache = RoutingCache()

    init(configuration: GuichetConfiguration, logger: Logger) {
        self.configuration = configuration
        self.metrics = PrometheusCollectorRegistry()
        var postgres: SQLPostgresConfiguration?
        if case .postgres(let url) = configuration.database { postgres = try? SQLPostgresConfiguration(url: url) }
        self.changeFeed = ChangeFeed(postgres: postgres, logger: logger)
    }

    var maxBodyBytes: Int { configuration.maxBodyBytes }
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
    /// The clock, read in one place so tests can reason about "now".
    var now: Date { Date() }
}
