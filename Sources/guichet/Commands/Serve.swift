import ArgumentParser
import GuichetServer
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web interface and the API (migrates the database first).")

    @Option(name: .long, help: "Address to listen on (default: $GUICHET_HOSTNAME, else 127.0.0.1)")
    var hostname: String?

    @Option(name: .long, help: "TCP port (default: $GUICHET_PORT, else 8080)")
    var port: String?

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Load the demo organisations and people (once; safe to repeat)")
    var demo = false

    func run() async throws {
        var overrides = database.overrides
        if let hostname { overrides["GUICHET_HOSTNAME"] = hostname }
        if let port { overrides["GUICHET_PORT"] = port }
        if demo { overrides["GUICHET_DEMO"] = "true" }
        let configuration = try GuichetConfiguration.loadOrExit(overrides: overrides)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        try await GuichetApp.serve(configuration)
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date, then exit.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try GuichetConfiguration.loadOrExit(overrides: database.overrides)
        try await GuichetApp.withApplication(configuration) { _ in }
        print("Database up to date: \(configuration.database)")
    }
}
