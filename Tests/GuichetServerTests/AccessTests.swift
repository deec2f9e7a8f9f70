import Foundation
import GuichetCore
import GuichetStore
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

@Suite("Roles and tenant isolation")
struct AccessTests {
    @Test("A request's tenant scope makes its database only when asked, and does not keep the request alive")
    func tenantScopeFreedWithItsRequest() async throws {
        try await withTestApp { app in
            weak var gone: Request?
            do {
                let request = Request(application: app, on: app.eventLoopGroup.next())
                let id = UUID()
                request.tenant = Tenant(
                    organisation: OrganisationSummary(id: id, slug: "a", name: "A", kind: .brand), roles: [.admin],
                    scope: TenantScope(organisationID: id, lazyDatabase: AccessGuard.database(of: request)))
                let scope = try request.requireTenant().scope
                #expect(try await scope.query(Membership.self).count() == 0)
                gone = request
            }
            #expect(gone == nil, "the request, its tenant and their scope are freed together")
        }
    }

    @Test("A user of brand A cannot read brand B through any route, API or web", arguments: TestDatabase.available)
    func tenantIsolation(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let tenants = try await Fixtures.seedTenants(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "admin-a@test.fr"))
            let browser = Browser(app)
            try await browser.signIn("admin-a@test.fr")
            let bMembership = try await AccountRepository(database: app.db)
                .members(in: TenantScope(organisationID: tenants.brandB.requireID(), database: app.db)).first!

            let tenantRoutes = app.routes.all.filter { $0.path.contains(.parameter("org")) }
            #expect(tenantRoutes.count >= 5)
            for route in tenantRoutes {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        switch component {
                        case .parameter("org"): return "brand-b"
                        case .parameter: return (try? bMembership.requireID().uuidString) ?? "x"
                        default: return component.description
                        }
                    }.joined(separator: "/")
                let isAPI = route.path.first == "api"
                let response: TestingHTTPResponse
                if isAPI {
                    response = try await api.send(route.method, path, json: route.method == .GET ? nil : "{}")
                } else if route.method == .GET {
                    response = try await browser.get(path)
                } else {
                    response = try await browser.post(path, [:])
                }
                #expect(response.status == .notFound, "\(route.method) \(path) → \(response.status)")
                #expect(!response.body.string.contains("Brand B Confidential"), "\(path) leaked B's name")
                #expect(!response.body.string.contains("admin-b@test.fr"), "\(path) leaked B's people")
            }
            // B's member is still there.
            #expect(try await api.get("/api/v1/orgs/brand-a/members").status == .ok)
            let bAPI = APIClient(app: app, token: try await Fixtures.token(app, "admin-b@test.fr"))
            #expect(try await bAPI.get("/api/v1/orgs/brand-b/members").body.string.contains("admin-b@test.fr"))
        }
    }

    @Test("Each role gets what it is declared for, and 403 elsewhere in its own organisation")
    func roles() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let agent = APIClient(app: app, token: try await Fixtures.token(app, "agent-a@test.fr"))
            #expect(try await agent.get("/api/v1/orgs/brand-a").status == .ok)
            #expect(try await agent.get("/api/v1/orgs/brand-a/members").status == .forbidden)

            let supervisor = APIClient(app: app, token: try await Fixtures.token(app, "supervisor-a@test.fr"))
            #expect(try await supervisor.get("/api/v1/orgs/brand-a/members").status == .ok)
            let denied = try await supervisor.send(
                .POST, "/api/v1/orgs/brand-a/members", json: #"{"email": "agent-a@test.fr", "role": "admin"}"#)
            #expect(denied.status == .forbidden)

            let admin = APIClient(app: app, token: try await Fixtures.token(app, "admin-a@test.fr"))
            let created = try await admin.send(
                .POST, "/api/v1/orgs/brand-a/members",
                json:
                    #"{"email": "new-agent@test.fr", "role": "agent", "password": "a long password", "displayName": "Nouvel Agent"}"#
            )
            #expect(created.status == .created)
            let browser = Browser(app)
            #expect(try await browser.signIn("new-agent@test.fr", "a long password").status == .seeOther)

            let viewer = Browser(app)
            try await viewer.signIn("viewer-a@test.fr")
            let page = try await viewer.get("/orgs/brand-a")
            #expect(page.status == .ok)
            #expect(!page.body.string.contains("admin-a@test.fr"), "viewers do not see the member list")
        }
    }

    @Test("The last admin of an organisation cannot be removed")
    func lastAdmin() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let admin = APIClient(app: app, token: try await Fixtures.token(app, "admin-a@test.fr"))
            let members = try JSONDecoder().decode(
                [[String: String?]].self,
                from: Data(try await admin.get("/api/v1/orgs/brand-a/members").body.readableBytesView))
            let adminID = try #require(members.first { $0["role"] == "admin" }?["id"] ?? nil)
            let response = try await admin.send(.DELETE, "/api/v1/orgs/brand-a/members/\(adminID)")
            #expect(response.status == .unprocessableEntity)
            let agentID = try #require(members.first { $0["role"] == "agent" }?["id"] ?? nil)
            #expect(try await admin.send(.DELETE, "/api/v1/orgs/brand-a/members/\(agentID)").status == .noContent)
        }
    }

    @Test("Without a token the API answers 401 with WWW-Authenticate; a bad token is not anonymous")
    func unauthenticated() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let anonymous = APIClient(app: app, token: nil)
            let response = try await anonymous.get("/api/v1/me")
            #expect(response.status == .unauthorized)
            #expect(response.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
            #expect(try await APIClient(app: app, token: "gch_forged").get("/api/v1/orgs").status == .unauthorized)
            #expect(try await anonymous.get("/api/v1/openapi.json").status == .ok)
        }
    }
}

@Suite("API tokens")
struct TokenTests {
    @Test("Create, list, use and revoke a token; only its hash is stored", arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            try await Fixtures.seedTenants(app)
            let bootstrap = APIClient(app: app, token: try await Fixtures.token(app, "agent-a@test.fr"))
            let created = try await bootstrap.send(.POST, "/api/v1/tokens", json: #"{"name": "reporting script"}"#)
            #expect(created.status == .created)
            struct Created: Decodable {
                struct Token: Decodable {
                    var id: UUID
                    var name: String
                    var prefix: String
                }
                var token: Token
                var secret: String
            }
            let body = try JSONDecoder().decode(Created.self, from: Data(created.body.readableBytesView))
            #expect(body.secret.hasPrefix("gch_"))
            #expect(body.secret.hasPrefix(body.token.prefix))

            let stored = try await APIToken.query(on: app.db).all()
            #expect(!stored.contains { $0.tokenHash == body.secret || $0.tokenHash.contains(body.secret) })

            let client = APIClient(app: app, token: body.secret)
            let me = try await client.get("/api/v1/me")
            #expect(me.status == .ok)
            #expect(me.body.string.contains("agent-a@test.fr"))
            let list = try await client.get("/api/v1/tokens")
            #expect(list.body.string.contains("reporting script"))
            #expect(!list.body.string.contains(body.secret))

            #expect(try await client.send(.DELETE, "/api/v1/tokens/\(body.token.id)").status == .noContent)
            #expect(try await client.get("/api/v1/me").status == .unauthorized)
            #expect(try await bootstrap.get("/api/v1/tokens").body.string.contains("revokedAt"))
        }
    }

    @Test("A person cannot revoke someone else's token")
    func ownTokensOnly() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let a = APIClient(app: app, token: try await Fixtures.token(app, "admin-a@test.fr"))
            _ = try await Fixtures.token(app, "admin-b@test.fr")
            let bToken = try #require(
                try await APIToken.query(on: app.db).with(\.$user).all().first { $0.user.email == "admin-b@test.fr" })
            #expect(try await a.send(.DELETE, "/api/v1/tokens/\(bToken.requireID())").status == .notFound)
        }
    }

    @Test("The tokens page shows a new secret once and never caches it")
    func tokensPage() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let browser = Browser(app)
            try await browser.signIn("admin-a@test.fr")
            try await browser.get("/account/tokens")
            let created = try await browser.post("/account/tokens", ["name": "tableau"])
            #expect(created.status == .created)
            #expect(created.body.string.contains("id=\"new-token\">gch_"))
            #expect(created.headers.cacheControl?.noStore == true)
            let again = try await browser.get("/account/tokens")
            #expect(!again.body.string.contains("new-token"))
            #expect(again.body.string.contains("tableau"))
        }
    }
}
