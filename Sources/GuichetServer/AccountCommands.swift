import Fluent
import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// What the `guichet org|user|token` commands do, as library code the tests also call.
public enum AccountCommands {
    public static func createOrganisation(
        _ app: Application, name: String, kind: OrganisationKind, slug: String?
    )
        async throws -> OrganisationSummary
    {
        let accounts = AccountRepository(database: app.db, passwordCost: app.guichet.configuration.passwordCost)
        return try OrganisationSummary(try await accounts.createOrganisation(name: name, kind: kind, slug: slug))
    }

    public static func listOrganisations(_ app: Application) async throws -> [String] {
        try await Organisation.query(on: app.db).sort(\.$name).all().map {
            "\($0.slug)\t\($0.kind.rawValue)\t\($0.name)"
        }
    }

    public static func userExists(_ app: Application, email: String) async throws -> Bool {
        try await AccountRepository(database: app.db).user(email: email) != nil
    }

    /// Creates the person if new (then `password` is required) and grants the role.
    public static func createUser(
        _ app: Application, organisation reference: String, organisationKind: OrganisationKind?, email: String,
        name: String?, role: Role, password: String?
    ) async throws -> String {
        try await app.db.transaction { database in
            let accounts = AccountRepository(database: database, passwordCost: app.guichet.configuration.passwordCost)
            var organisation = try await accounts.organisation(slug: reference)
            if organisation == nil {
                organisation = try await accounts.organisation(slug: InputRules.slug(reference))
            }
            if organisation == nil {
                guard let organisationKind else {
                    let known = try await Organisation.query(on: database).all().map(\.slug).sorted()
                    throw ValidationFailure(
                        pointer: "--org",
                        "no organisation '\(reference)'"
                            + (known.isEmpty ? "" : " (known: \(known.joined(separator: ", ")))")
                            + "; add --org-kind brand|provider|organiser to create it")
                }
                organisation = try await accounts.createOrganisation(name: reference, kind: organisationKind)
            }
            let target = organisation!
            var created = false
            let user: User
            if let existing = try await accounts.user(email: email) {
                user = existing
            } else {
                guard let password else { throw ValidationFailure(pointer: "password", "required for a new person") }
                user = try await accounts.createUser(email: email, displayName: name ?? "", password: password)
                created = true
            }
            try await accounts.grant(role, to: user.requireID(), in: target.requireID())
            return
                "\(created ? "Created" : "Updated") \(user.email): \(role.rawValue) of \(target.name) (\(target.slug))"
        }
    }

    public static func createToken(_ app: Application, email: String, name: String) async throws -> String {
        guard let user = try await AccountRepository(database: app.db).user(email: email) else {
            throw ValidationFailure(pointer: "--email", "no user with email '\(email)'")
        }
        return try await TokenRepository(database: app.db).create(for: user.requireID(), name: name).secret
    }
}
