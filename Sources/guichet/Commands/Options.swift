import ArgumentParser
import Foundation
import GuichetServer

/// Options every command that touches the database accepts.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Database: postgres://user:pass@host:port/db or sqlite:PATH (default: $DATABASE_URL, else guichet.sqlite)"
    )
    var database: String?

    var overrides: [String: String] {
        var values: [String: String] = [:]
        if let database { values["DATABASE_URL"] = database }
        return values
    }
}

extension GuichetConfiguration {
    /// Loads the configuration, turning invalid values into a clean exit listing each of them.
    static func loadOrExit(overrides: [String: String]) throws -> GuichetConfiguration {
        do {
            return try GuichetConfiguration.load(overrides: overrides)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
