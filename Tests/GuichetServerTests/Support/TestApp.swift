import Foundation
import GuichetStore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

/// The databases the storage and server suites run on: in-memory SQLite always, and PostgreSQL as
/// well when `DATABASE_URL` points at one (CI always sets it).
enum TestDatabase: String, Sendable, CustomTestStringConvertible, CaseIterable {
    case sqlite
    case postgres

    static var available: [TestDatabase] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static var postgresURL: URL? {
        guard let text = ProcessInfo.processInfo.environment["DATABASE_URL"], !text.isEmpty else { return nil }
        return URL(string: text)
    }

    var testDescription: String { rawValue }

    func location() throws -> DatabaseLocation {
        switch self {
        case .sqlite:
            return .sqliteMemory
        case .postgres:
            guard let url = Self.postgresURL else { throw TestSetupError("DATABASE_URL is not set") }
            // The suites drop and recreate the schema: never let them near a database on another host.
            guard let host = url.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else {
                throw TestSetupError("refusing to run tests against non-local database host \(url.host ?? "?")")
            }
            return .postgres(url)
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Serialises the PostgreSQL suites: they share one database and reset its schema.
actor PostgresGate {
    static let shared = PostgresGate()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

/// A configuration for tests: fast bcrypt, quiet logs.
func testConfiguration(_ database: TestDatabase) throws -> GuichetConfiguration {
    var configuration = GuichetConfiguration()
    configuration.database = try database.location()
    configuration.passwordCost = 4
    configuration.logLevel = .warning
    return configuration
}

/// Configures, migrates, runs `body` and shuts down an application on a fresh database.
func withTestApp(
    _ database: TestDatabase = .sqlite,
    configure: (inout GuichetConfiguration) -> Void = { _ in },
    _ body: (Application) async throws -> Void
) async throws {
    var configuration = try testConfiguration(database)
    configure(&configuration)
    if database == .postgres { await PostgresGate.shared.acquire() }
    let app = try await Application.make(.testing)
    do {
        try await GuichetApp.configure(app, configuration)
        if database == .postgres { try await resetPostgres(app) }
        try await GuichetApp.prepare(app)
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        if database == .postgres { await PostgresGate.shared.release() }
        throw error
    }
    try await app.asyncShutdown()
    if database == .postgres { await PostgresGate.shared.release() }
}

/// Empties the shared test database.
func resetPostgres(_ app: Application) async throws {
    guard let sql = app.db as? any SQLDatabase else { throw TestSetupError("not an SQL database") }
    try await sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
    try await sql.raw("CREATE SCHEMA public").run()
}

/// A browser-like client: keeps the session cookie and the last page's CSRF token.
final class Browser {
    let app: Application
    var cookie: String?
    var csrf: String?
    var acceptLanguage: String?

    init(_ app: Application, acceptLanguage: String? = nil) {
        self.app = app
        self.acceptLanguage = acceptLanguage
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, body: nil)
    }

    /// Posts a form; adds the CSRF token of the last page unless `csrf` is given explicitly.
    @discardableResult
    func post(_ path: String, _ fields: [String: String], csrf: String? = nil) async throws -> TestingHTTPResponse {
        var fields = fields
        if fields["_csrf"] == nil { fields["_csrf"] = csrf ?? self.csrf ?? "" }
        let body = fields.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        return try await send(.POST, path, body: body)
    }

    /// Signs in through the login form.
    @discardableResult
    func signIn(_ email: String, _ password: String = Fixtures.password) async throws -> TestingHTTPResponse {
        try await get("/login")
        return try await post("/login", ["email": email, "password": password, "next": "/"])
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let cookie { headers.add(name: .cookie, value: "\(WebSessionCookie.name)=\(cookie)") }
        if let acceptLanguage { headers.add(name: .acceptLanguage, value: acceptLanguage) }
        if body != nil { headers.contentType = .urlEncodedForm }
        let response = try await app.testing().sendRequest(
            method, path, headers: headers, body: body.map { ByteBuffer(string: $0) })
        if let set = response.headers.setCookie?[WebSessionCookie.name] {
            cookie = set.string.isEmpty ? nil : set.string
        }
        let html = response.body.string
        if let range = html.range(of: "name=\"_csrf\" value=\"") {
            let rest = html[range.upperBound...]
            csrf = String(rest.prefix { $0 != "\"" })
        }
        return response
    }
}

/// Calls the JSON API with a bearer token.
struct APIClient {
    let app: Application
    let token: String?

    func send(
        _ method: HTTPMethod, _ path: String, json: String? = nil, headers extra: HTTPHeaders = [:]
    ) async throws -> TestingHTTPResponse {
        var headers = extra
        if let token { headers.bearerAuthorization = .init(token: token) }
        if json != nil, headers.contentType == nil { headers.contentType = .json }
        return try await app.testing().sendRequest(
            method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func get(_ path: String) async throws -> TestingHTTPResponse { try await send(.GET, path) }
}
