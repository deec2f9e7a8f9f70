import Fluent
import Foundation
import GuichetCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer
@testable import GuichetStore

@Suite("Store: accounts, sessions, migrations")
struct StoreTests {
    @Test(
        "Emails are unique whatever their case; bad emails and short passwords are refused together",
        arguments: TestDatabase.available)
    func users(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let accounts = AccountRepository(database: app.db, passwordCost: 4)
            let user = try await accounts.createUser(
                email: " Lea@Example.FR", displayName: "Léa", password: Fixtures.password)
            #expect(user.email == "lea@example.fr")
            #expect(user.passwordHash.hasPrefix("$2"))
            await #expect(throws: ValidationFailure.self) {
                try await accounts.createUser(email: "LEA@example.fr", displayName: "", password: Fixtures.password)
            }
            do {
                _ = try await accounts.createUser(email: "not-an-email", displayName: "", password: "short")
                Issue.record("expected a validation failure")
            } catch let failure as ValidationFailure {
                #expect(Set(failure.problems.map(\.pointer)) == ["/email", "/password"])
            }
            #expect(try await accounts.authenticate(email: "lea@example.fr", password: Fixtures.password) != nil)
            #expect(try await accounts.authenticate(email: "lea@example.fr", password: "wrong password") == nil)
            #expect(try await accounts.authenticate(email: "nobody@example.fr", password: Fixtures.password) == nil)
        }
    }

    @Test("Organisation identifiers derive from names and stay unique", arguments: TestDatabase.available)
    func organisations(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let accounts = AccountRepository(database: app.db, passwordCost: 4)
            let organisation = try await accounts.createOrganisation(name: "Électricité de France", kind: .brand)
            #expect(organisation.slug == "electricite-de-france")
            await #expect(throws: ValidationFailure.self) {
                try await accounts.createOrganisation(name: "Electricite de France", kind: .brand)
            }
        }
    }

    @Test("Tenant scope returns only the organisation's own rows", arguments: TestDatabase.available)
    func tenantScope(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let tenants = try await Fixtures.seedTenants(app)
            let scopeA = TenantScope(organisationID: try tenants.brandA.requireID(), database: app.db)
            let members = try await scopeA.query(Membership.self).all()
            #expect(members.count == 4)
            let bMember = try #require(
                try await TenantScope(organisationID: try tenants.brandB.requireID(), database: app.db)
                    .query(Membership.self).first())
            #expect(try await scopeA.find(Membership.self, bMember.requireID()) == nil)
        }
    }

    @Test("Expired sessions are not found and are purged", arguments: TestDatabase.available)
    func sessions(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let repository = SessionRepository(database: app.db)
            let now = Date()
            let (_, live) = try await repository.create(userID: nil, language: "en", lifetime: 3600, now: now)
            let (_, old) = try await repository.create(
                userID: nil, language: nil, lifetime: 60, now: now.addingTimeInterval(-120))
            #expect(try await repository.find(secret: live, now: now)?.language == "en")
            #expect(try await repository.find(secret: old, now: now) == nil)
            #expect(try await repository.purgeExpired(now: now) == 1)
        }
    }

    @Test(
        "Migrating twice changes nothing; the demo loads once whatever the number of starts",
        arguments: TestDatabase.available)
    func idempotentStart(database: TestDatabase) async throws {
        try await withTestApp(database, configure: { $0.demo = true }) { app in
            let users = try await User.query(on: app.db).count()
            let memberships = try await Membership.query(on: app.db).count()
            #expect(users == 9)
            #expect(Set(try await Membership.query(on: app.db).all().map(\.role)) == Set(Role.allCases))
            let instructions = try await GuichetApp.prepare(app)
            #expect(instructions?.contains("admin@demo.test") == true)
            #expect(try await User.query(on: app.db).count() == users)
            #expect(try await Membership.query(on: app.db).count() == memberships)
            let browser = Browser(app)
            #expect(try await browser.signIn("admin@demo.test", DemoData.password).status == .seeOther)
            #expect(try await browser.get("/").body.string.contains("Maison Lumière"))
        }
    }

    @Test(
        "Migration 007 drops the second organisation keys on PostgreSQL and narrows the mail-thread index; it reverts and applies again",
        arguments: TestDatabase.available)
    func trimIntakeConstraints(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            func organisationKeys() async throws -> Set<String> {
                guard database == .postgres else { return [] }
                return Set(
                    try await sql.raw(
                        """
                        SELECT conname FROM pg_constraint WHERE contype = 'f' AND conname IN \
                        ('contact_events_organisation_id_fkey', 'contact_messages_organisation_id_fkey', \
                        'customer_identities_organisation_id_fkey')
                        """
                    ).all().map { try $0.decode(column: "conname", as: String.self) })
            }
            func refIndex() async throws -> String {
                let query: SQLQueryString =
                    database == .postgres
                    ? "SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'contact_messages_ref'"
                    : "SELECT sql AS def FROM sqlite_master WHERE name = 'contact_messages_ref'"
                return try await sql.raw(query).first()?.decode(column: "def", as: String.self) ?? ""
            }
            #expect(try await organisationKeys().isEmpty)
            #expect(try await refIndex().contains("message_ref IS NOT NULL"))
            try await TrimIntakeConstraints().revert(on: app.db)
            #expect(try await organisationKeys().count == (database == .postgres ? 3 : 0))
            #expect(try await !refIndex().contains("IS NOT NULL"))
            try await TrimIntakeConstraints().prepare(on: app.db)
            #expect(try await organisationKeys().isEmpty)
            #expect(try await refIndex().contains("message_ref IS NOT NULL"))
        }
    }
}

@Suite("Command-line account bootstrap")
struct AccountCommandTests {
    @Test("user create bootstraps the first admin, creating the organisation when its kind is given")
    func bootstrap() async throws {
        try await withTestApp { app in
            await #expect(throws: ValidationFailure.self) {
                try await AccountCommands.createUser(
                    app, organisation: "Nouvelle Marque", organisationKind: nil, email: "boss@test.fr", name: nil,
                    role: .admin, password: Fixtures.password)
            }
            let summary = try await AccountCommands.createUser(
                app, organisation: "Nouvelle Marque", organisationKind: .brand, email: "boss@test.fr", name: "Boss",
                role: .admin, password: Fixtures.password)
            #expect(summary.contains("Created boss@test.fr: admin of Nouvelle Marque (nouvelle-marque)"))
            let again = try await AccountCommands.createUser(
                app, organisation: "nouvelle-marque", organisationKind: nil, email: "boss@test.fr", name: nil,
                role: .supervisor, password: nil)
            #expect(again.hasPrefix("Updated"))
            let browser = Browser(app)
            #expect(try await browser.signIn("boss@test.fr").status == .seeOther)
        }
    }
}

@Suite("Several instances on one PostgreSQL")
struct MultiInstanceTests {
    @Test(
        "Two instances see each other's writes and share sessions",
        .enabled(if: TestDatabase.postgresURL != nil, "needs DATABASE_URL"))
    func twoInstances() async throws {
        try await withTestApp(.postgres) { first in
            try await Fixtures.seedTenants(first)
            let second = try await Application.make(.testing)
            do {
                try await GuichetApp.configure(second, try testConfiguration(.postgres))
                try await GuichetApp.prepare(second)  // a second start migrates nothing and fails nothing

                let token = try await Fixtures.token(first, "admin-a@test.fr")
                let created = try await APIClient(app: first, token: token).send(
                    .POST, "/api/v1/orgs/brand-a/members",
                    json: #"{"email": "via-first@test.fr", "role": "agent", "password": "a long password"}"#)
                #expect(created.status == .created)
                let seen = try await APIClient(app: second, token: token).get("/api/v1/orgs/brand-a/members")
                #expect(seen.body.string.contains("via-first@test.fr"))

                let browser = Browser(first)
                try await browser.signIn("admin-a@test.fr")
                let elsewhere = Browser(second)
                elsewhere.cookie = browser.cookie
                #expect(try await elsewhere.get("/").body.string.contains("admin-a@test.fr"))
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
        }
    }
}
