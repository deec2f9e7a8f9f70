import ArgumentParser
import GuichetCore
import NIOCore
import NIOPosix

/// Runs the command with SwiftNIO's event loops as Swift Concurrency's executor: request handlers, the
/// database drivers and the group writer then share the same few threads, instead of every `await` on the
/// database hopping from the cooperative pool to an event loop and back (two thread wake-ups each). It must
/// be installed first thing, on the main thread. Blocking work (bcrypt, SQLite, planning) runs on NIO's
/// thread pool, never on these threads.
@main
enum Entry {
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await GuichetCommand.main()
    }
}

/// The `guichet` command: it only parses arguments and calls into the libraries.
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
