import Foundation
import GuichetCore
import GuichetStore
import Vapor

@testable import GuichetServer

/// Two brands that must never see each other, a provider serving the first, and people in each.
enum Fixtures {
    static let password = "correct horse battery"

    struct Tenants {
        var brandA: Organisation
        var brandB: Organisation
        var provider: Organisation
    }

    /// brand-a: admin-a, supervisor-a, agent-a, viewer-a; brand-b: admin-b; provider: provider-admin.
    @discardableResult
    static func seedTenants(_ app: Application) async throws -> Tenants {
        let accounts = AccountRepository(database: app.db, passwordCost: 4)
        let brandA = try await accounts.createOrganisation(name: "Brand A", kind: .brand, slug: "brand-a")
        let brandB = try await accounts.createOrganisation(name: "Brand B Confidential", kind: .brand, slug: "brand-b")
        let provider = try await accounts.createOrganisation(name: "Provider P", kind: .provider, slug: "provider-p")
        try await accounts.link(provider: provider, toBrand: brandA)
        for (email, role, organisation) in [
            ("admin-a@test.fr", Role.admin, brandA), ("supervisor-a@test.fr", .supervisor, brandA),
            ("agent-a@test.fr", .agent, brandA), ("viewer-a@test.fr", .viewer, brandA),
            ("admin-b@test.fr", .admin, brandB), ("provider-admin@test.fr", .admin, provider),
        ] {
            let user = try await accounts.createUser(email: email, displayName: email, password: password)
            try await accounts.grant(role, to: user.requireID(), in: organisation.requireID())
        }
        return Tenants(brandA: brandA, brandB: brandB, provider: provider)
    }

    /// A live API token for `email`.
    static func token(_ app: Application, _ email: String) async throws -> String {
        try await AccountCommands.createToken(app, email: email, name: "test")
    }
}
