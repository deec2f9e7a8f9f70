import Fluent
import Foundation
import GuichetCore
import GuichetStore
import Logging
import Vapor

/// Builds and runs the Guichet application. The `guichet` executable and the tests both come here.
public enum GuichetApp {
    /// Configures `app` from `configuration`: database, middleware, routes. Does not migrate.
    public static func configure(_ app: Application, _ configuration: GuichetConfiguration) async throws {
        app.guichet = GuichetContext(configuration: configuration, logger: app.logger)
        app.logger.logLevel = configuration.logLevel
        app.http.server.configuration.hostname = configuration.hostname
        app.http.server.configuration.port = configuration.port
        app.routes.defaultMaxBodySize = ByteCount(value: configuration.maxBodyBytes)
        try configuration.database.register(on: app)
        try await configuration.database.prepare(app.db)
        GuichetDatabase.registerMigrations(on: app)
        app.lifecycle.use(GuichetShutdown())

        // Metrics outermost so they see the status the error middleware produced.
        app.middleware = Middlewares()
        app.middleware.use(MetricsMiddleware(registry: app.guichet.metrics))
        app.middleware.use(RouteLoggingMiddleware(logLevel: .debug))
        app.middleware.use(
            GuichetErrorMiddleware { request, status, detail in
                let context = PageContext(renderingErrorFor: request)
                return HTMLResponse(
                    markup: ErrorPage.render(status: status, detail: detail, context: context), status: status
                ).response()
            })
        registerRoutes(app)
    }

    /// Migrates, and loads the demo when asked. Returns the demo's sign-in instructions, if loaded.
    @discardableResult
    public static func prepare(_ app: Application) async throws -> String? {
        try await GuichetDatabase.migrate(app)
        guard app.guichet.configuration.demo else { return nil }
        return try await DemoData.load(on: app.db, passwordCost: app.guichet.configuration.passwordCost)
    }

    /// `guichet serve`: configure, migrate, optionally load the demo, and serve until interrupted.
    public static func serve(_ configuration: GuichetConfiguration) async throws {
        let app = try await Application.make(Environment(name: "production", arguments: ["guichet"]))
        do {
            try await configure(app, configuration)
            if let instructions = try await prepare(app) {
                let base = "http://\(configuration.hostname):\(configuration.port)"
                // Written unbuffered, so it shows at once even when stdout is a pipe or a file.
                FileHandle.standardOutput.write(
                    Data((instructions.replacingOccurrences(of: "{base}", with: base) + "\n").utf8))
            }
            app.lifecycle.use(DispatchTicker())
            app.lifecycle.use(MailListenerLifecycle())
            app.logger.notice(
                "Guichet \(Guichet.version) on \(configuration.database.kind.rawValue): \(configuration.database)")
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// Runs `body` with a configured, migrated application that is not serving HTTP (CLI commands).
    public static func withApplication<T: Sendable>(
        _ configuration: GuichetConfiguration, _ body: @Sendable (Application) async throws -> T
    ) async throws -> T {
        let app = try await Application.make(Environment(name: "production", arguments: ["guichet"]))
        do {
            try await configure(app, configuration)
            try await GuichetDatabase.migrate(app)
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
