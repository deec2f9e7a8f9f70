import Fluent
import Foundation
import GuichetCore
import GuichetStore

/// A demo brand, provider and award organiser with a person for every role, loaded once.
///
/// Later capabilities add their own demo data here, each step idempotent.
public enum DemoData {
    public static let password = "guichet-demo"

    struct Person {
        var email: String
        var name: String
        var organisation: String
        var role: Role
    }

    static let brand = (slug: "maison-lumiere", name: "Maison Lumière")
    static let provider = (slug: "relais-conseil", name: "Relais Conseil")
    static let organiser = (slug: "trophees-demo", name: "Trophées du Service Client (démo)")

    static let people: [Person] = [
        Person(email: "admin@demo.test", name: "Claire Admin", organisation: brand.slug, role: .admin),
        Person(email: "supervisor@demo.test", name: "Hugo Superviseur", organisation: brand.slug, role: .supervisor),
        Person(email: "agent@demo.test", name: "Léa Conseillère", organisation: brand.slug, role: .agent),
        Person(email: "viewer@demo.test", name: "Marc Lecteur", organisation: brand.slug, role: .viewer),
        Person(email: "provider@demo.test", name: "Sofia Prestataire", organisation: provider.slug, role: .admin),
        Person(email: "provider-agent@demo.test", name: "Yanis Conseiller", organisation: provider.slug, role: .agent),
        Person(email: "organiser@demo.test", name: "Nadia Organisatrice", organisation: organiser.slug, role: .admin),
        Person(email: "evaluator@demo.test", name: "Paul Évaluateur", organisation: organiser.slug, role: .evaluator),
        Person(email: "shopper@demo.test", name: "Inès Cliente Mystère", organisation: organiser.slug, role: .shopper),
    ]

    /// Loads what is missing and returns how to sign in (`{base}` stands for the server's address).
    public static func load(on database: any Database, passwordCost: Int) async throws -> String {
        let brandID = try await database.transaction { database -> (Organisation, UUID?) in
            let accounts = AccountRepository(database: database, passwordCost: passwordCost)
            var organisations: [String: Organisation] = [:]
            for (slug, name, kind) in [
                (brand.slug, brand.name, OrganisationKind.brand),
                (provider.slug, provider.name, .provider),
                (organiser.slug, organiser.name, .organiser),
            ] {
                organisations[slug] =
                    if let existing = try await accounts.organisation(slug: slug) { existing } else {
                        try await accounts.createOrganisation(name: name, kind: kind, slug: slug)
                    }
            }
            try await accounts.link(provider: organisations[provider.slug]!, toBrand: organisations[brand.slug]!)
            for person in people {
                let user =
                    if let existing = try await accounts.user(email: person.email) { existing } else {
                        try await accounts.createUser(email: person.email, displayName: person.name, password: password)
                    }
                try await accounts.grant(
                    person.role, to: user.requireID(), in: organisations[person.organisation]!.requireID())
            }
            try await DemoAward.load(
                on: database, organiser: organisations[organiser.slug]!, brand: organisations[brand.slug]!)
            return (organisations[brand.slug]!, try await accounts.user(email: "agent@demo.test")?.requireID())
        }
        // The contact centre writes through its own transactions.
        try await DemoContactCentre.load(on: database, brand: brandID.0, agentUser: brandID.1)
        var lines = ["", "Demo ready — open {base}/login and sign in with any of these (password: \(password)):"]
        for person in people {
            lines.append(
                "  \(person.email.padding(toLength: 26, withPad: " ", startingAt: 0))\(person.role.rawValue) of \(person.organisation)"
            )
        }
        lines.append(
            "Award: {base}/orgs/\(organiser.slug)/award (organiser), {base}/orgs/\(brand.slug)/award (brand report),")
        lines.append("       shopper@demo.test has tests to evaluate in the 2019 edition.")
        lines.append(
            "Contact centre: {base}/orgs/\(brand.slug)/contact-centre (live queues), web form {base}/contact/\(brand.slug)/contact"
        )
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
