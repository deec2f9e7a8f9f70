import ArgumentParser
import Foundation
import GuichetCore
import GuichetServer
import GuichetStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct OrganisationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Manage organisations.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organisation.")

        @Option(help: "Display name, e.g. \"Maison Lumière\"") var name: String
        @Option(help: "brand, provider or organiser") var kind: OrganisationKind
        @Option(help: "Identifier used in URLs (default: derived from the name)") var slug: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = try GuichetConfiguration.loadOrExit(overrides: database.overrides)
            let organisation = try await GuichetApp.withApplication(configuration) { app in
                try await AccountCommands.createOrganisation(app, name: name, kind: kind, slug: slug)
            }
            print("Created \(organisation.kind.rawValue) '\(organisation.name)' (\(organisation.slug))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organisations.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = try GuichetConfiguration.loadOrExit(overrides: database.overrides)
            let rows = try await GuichetApp.withApplication(configuration) { app in
                try await AccountCommands.listOrganisations(app)
            }
            for row in rows { print(row) }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage people and their roles.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a person (or give an existing one a role) in an organisation.",
            discussion: """
                The password is read from standard input (first line) or prompted for; it is never a flag, \
                so it stays out of shell history and process lists. With --org-kind, a missing organisation \
                is created: that is how the first admin is bootstrapped.
                """)

        @Option(help: "Organisation identifier (slug) or name") var org: String
        @Option(help: "Create the organisation with this kind if it does not exist: brand, provider, organiser")
        var orgKind: OrganisationKind?
        @Option(help: "Email address; used to sign in") var email: String
        @Option(help: "admin, supervisor, agent, evaluator, shopper or viewer") var role: Role
        @Option(help: "Name shown in the interface") var name: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = try GuichetConfiguration.loadOrExit(overrides: database.overrides)
            let needsPassword = try await GuichetApp.withApplication(configuration) { app in
                try await AccountCommands.userExists(app, email: email) == false
            }
            let password = needsPassword ? try readPassword() : nil
            let summary = try await GuichetApp.withApplication(configuration) { app in
                try await AccountCommands.createUser(
                    app, organisation: org, organisationKind: orgKind, email: email, name: name, role: role,
                    password: password)
            }
            print(summary)
        }

        private func readPassword() throws -> String {
            if isatty(STDIN_FILENO) == 1 {
                let first = String(cString: getpass("Password for \(email): "))
                let second = String(cString: getpass("Same password again: "))
                guard first == second else { throw ValidationError("the two passwords differ") }
                return first
            }
            guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("expected the password on standard input")
            }
            return line
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token for a person and print its secret (shown once).")

        @Option(help: "Email of the token's owner") var email: String
        @Option(help: "A name to recognise the token by") var name: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = try GuichetConfiguration.loadOrExit(overrides: database.overrides)
            let secret = try await GuichetApp.withApplication(configuration) { app in
                try await AccountCommands.createToken(app, email: email, name: name)
            }
            print(secret)
        }
    }
}

extension OrganisationKind: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}
