import ArgumentParser
import GuichetCore

/// The `guichet` command: it only parses arguments and calls into the libraries.
@main
struct GuichetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guichet",
        abstract: "Guichet — one point of contact for customer service, measured the way the award measures it.",
        version: Guichet.version,
        subcommands: [
            Serve.self, Migrate.self, OrganisationCommand.self, UserCommand.self, TokenCommand.self, AwardCommand.self,
            BenchCommand.self, StaffingCommand.self, SimulateCommand.self,
        ]
    )
}
