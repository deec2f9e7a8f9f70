import Foundation
import GuichetCore
import GuichetStore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

@Suite("Operational endpoints")
struct OperationsTests {
    @Test("GET /health answers 200 with the version and the database kind", arguments: TestDatabase.available)
    func healthy(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let response = try await app.testing().sendRequest(.GET, "/health")
            #expect(response.status == .ok)
            let body = try response.content.decode([String: String].self)
            #expect(body["status"] == "ok")
            #expect(body["version"] == Guichet.version)
            #expect(body["database"] == (database == .sqlite ? "sqlite" : "postgresql"))
        }
    }

    @Test("GET /health answers 503 when the database is unreachable")
    func unreachableDatabase() async throws {
        var configuration = try testConfiguration(.sqlite)
        // Nothing listens on port 9 of loopback: every connection attempt fails at once.
        configuration.database = .postgres(URL(string: "postgres://nobody:secret@127.0.0.1:9/none")!)
        let app = try await Application.make(.testing)
        try await GuichetApp.configure(app, configuration)
        let response = try await app.testing().sendRequest(.GET, "/health")
        #expect(response.status == .serviceUnavailable)
        #expect(try response.content.decode([String: String].self)["status"] == "unavailable")
        #expect(!response.body.string.contains("secret"))
        try await app.asyncShutdown()
    }

    @Test("GET /metrics counts requests and records latency by route pattern and status")
    func metrics() async throws {
        try await withTestApp { app in
            try await app.testing().sendRequest(.GET, "/health")
            try await app.testing().sendRequest(.GET, "/api/v1/orgs/some-org")
            try await app.testing().sendRequest(.GET, "/no/such/page")
            let text = try await app.testing().sendRequest(.GET, "/metrics").body.string
            #expect(text.contains(#"guichet_http_requests_total{method="GET",route="/health",status="200"} 1"#))
            #expect(text.contains(#"route="/api/v1/orgs/:org",status="401""#))
            #expect(text.contains(#"route="unmatched",status="404""#))
            #expect(text.contains("# TYPE guichet_http_request_duration_seconds histogram"))
            #expect(
                text.contains(
                    #"guichet_http_request_duration_seconds_bucket{method="GET",route="/health",status="200",le="#))
            #expect(!text.contains("/no/such/page"), "raw paths must never become labels")
        }
    }

    @Test("The OpenAPI document lists exactly the JSON routes, with their methods")
    func openAPIMatchesRoutes() async throws {
        try await withTestApp { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            let document = try JSONDecoder().decode(JSONValue.self, from: Data(response.body.readableBytesView))
            #expect(document["openapi"] == "3.0.3")
            guard case .object(let paths)? = document["paths"] else {
                Issue.record("no paths")
                return
            }
            var documented: Set<String> = []
            for (path, operations) in paths {
                guard case .object(let byMethod) = operations else { continue }
                for method in byMethod.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            let routes = Set(
                app.routes.all.filter(OpenAPIDocument.isDocumented).map {
                    "\($0.method.rawValue) \(OpenAPIDocument.openAPIPath($0.path))"
                })
            #expect(
                documented == routes,
                "in routes only: \(routes.subtracting(documented)); in document only: \(documented.subtracting(routes))"
            )
            #expect(routes.contains("GET /api/v1/orgs/{org}/members"))
            #expect(routes.contains("GET /health"))
        }
    }

    @Test("Every route declares who may call it")
    func everyRouteDeclaresAccess() async throws {
        try await withTestApp { app in
            let undeclared = app.routes.all.filter { $0.access == nil }.map(\.description)
            #expect(undeclared.isEmpty, "routes without declared access: \(undeclared)")
            // Roles are held per organisation: a route restricted to roles must say which one.
            let unscoped = app.routes.all.filter { route in
                if case .roles = route.access, !route.path.contains(.parameter("org")) { return true }
                return false
            }.map(\.description)
            #expect(unscoped.isEmpty, "role-restricted routes without :org: \(unscoped)")
            #expect(app.routes.all.count > 15)
        }
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test("Defaults: loopback, port 8080, SQLite file in the working directory")
    func defaults() throws {
        let configuration = try GuichetConfiguration.load(environment: [:])
        #expect(configuration.hostname == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.database == .sqliteFile("guichet.sqlite"))
        #expect(configuration.maxBodyBytes == 1_048_576)
    }

    @Test("Flags override the environment")
    func flagsWin() throws {
        let configuration = try GuichetConfiguration.load(
            environment: ["GUICHET_PORT": "9000", "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/g"],
            overrides: ["GUICHET_PORT": "9100"])
        #expect(configuration.port == 9100)
        #expect(configuration.database.kind == .postgresql)
    }

    @Test("Start-up with invalid values fails listing every one of them, without leaking passwords")
    func everyInvalidValueListed() {
        do {
            _ = try GuichetConfiguration.load(environment: [
                "GUICHET_PORT": "eighty", "DATABASE_URL": "mysql://root:hunter2@db/x", "GUICHET_BCRYPT_COST": "99",
                "LOG_LEVEL": "loud", "GUICHET_MAX_BODY_BYTES": "-1",
            ])
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.problems.count == 5)
            let text = error.description
            for variable in [
                "GUICHET_PORT", "DATABASE_URL", "GUICHET_BCRYPT_COST", "LOG_LEVEL", "GUICHET_MAX_BODY_BYTES",
            ] {
                #expect(text.contains(variable))
            }
            #expect(!text.contains("hunter2"))
        }
    }

    @Test("An in-memory database leaves no file behind once the application stops")
    func memoryDatabaseLeavesNothing() async throws {
        var file = ""
        try await withTestApp(.sqlite) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let rows = try await sql.raw("PRAGMA database_list").all()
            file = try #require(rows.first.map { try $0.decode(column: "file", as: String.self) })
            #expect(FileManager.default.fileExists(atPath: file))
        }
        #expect(!file.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test("Database locations parse from URLs and paths, and print without passwords")
    func databaseLocations() throws {
        #expect(try DatabaseLocation(parsing: "sqlite:data/g.sqlite") == .sqliteFile("data/g.sqlite"))
        #expect(try DatabaseLocation(parsing: "guichet.sqlite") == .sqliteFile("guichet.sqlite"))
        #expect(try DatabaseLocation(parsing: "sqlite::memory:") == .sqliteMemory)
        let postgres = try DatabaseLocation(parsing: "postgresql://u:topsecret@127.0.0.1:5432/g")
        #expect(postgres.kind == .postgresql)
        #expect(!postgres.description.contains("topsecret"))
        #expect(throws: DatabaseLocationError.self) { try DatabaseLocation(parsing: "postgres://") }
        #expect(throws: DatabaseLocationError.self) { try DatabaseLocation(parsing: "redis://x") }
    }
}
