import ArgumentParser
import Foundation
import GuichetCore
import GuichetServer

// `guichet staffing …`, `guichet simulate` and `guichet bench simulate|erlang`: parse flags, call StaffingService,
// print. Units: rates in calls per hour, times in seconds, fractions in (0, 1).

struct StaffingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staffing",
        abstract: "Erlang C and Erlang A, and interval staffing plans from a forecast (docs/STAFFING.md).",
        subcommands: [ErlangCCommand.self, ErlangACommand.self, PlanCommand.self])
}

/// The service target, shared by every staffing command.
struct TargetOptions: ParsableArguments {
    @Option(help: "Target: this fraction of calls answered within --within seconds, in (0, 1) (default 0.8)")
    var targetSl: Double?

    @Option(help: "Target: average speed of answer at most this many seconds (instead of --target-sl)")
    var targetAsa: Double?

    @Option(help: "Target: P(wait > --within) at most this probability, in (0, 1) (instead of --target-sl)")
    var maxWaitProbability: Double?

    @Option(help: "The t of the target and of the reported service level, in seconds")
    var within: Double = 30

    func target() throws -> TargetDTO? {
        try StaffingCommandLine.target(
            serviceLevel: targetSl, averageSpeedOfAnswer: targetAsa, maxWaitProbability: maxWaitProbability,
            within: within)
    }
}

/// Runs `body`, turning a refused input into a readable message on stderr and exit status 65 (EX_DATAERR).
func withReadableErrors<T>(file: String? = nil, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ValidationFailure {
        FileHandle.standardError.write(Data("error: \(StaffingCommandLine.message(for: error, file: file))\n".utf8))
        throw ExitCode(65)
    } catch let error as StaffingInputError {
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        throw ExitCode(65)
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

struct ErlangCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erlang-c",
        abstract: "Erlang C (M/M/c): metrics for --agents, or the fewest agents meeting the target.",
        discussion: "Example: guichet staffing erlang-c --rate 90 --aht 240 --target-sl 0.8 --within 30")

    @Option(help: "Calls offered per hour") var rate: Double
    @Option(help: "Average handling time in seconds (talk + hold + wrap-up)") var aht: Double
    @Option(help: "Agents on the phones; omit to get the fewest meeting the target") var agents: Int?
    @OptionGroup var target: TargetOptions
    @Option(help: "table or json") var format: OutputFormat = .table

    func run() async throws {
        let result = try withReadableErrors {
            try StaffingService.erlangC(ErlangRequest(
                callsPerHour: rate, averageHandlingTime: aht, agents: agents, target: try target.target()))
        }
        switch format {
        case .table: print(StaffingTables.erlang(result))
        case .json: try printJSON(result)
        }
    }
}

struct ErlangACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erlang-a",
        abstract: "Erlang A (M/M/c+M, callers hang up): metrics for --agents, or the fewest meeting the target.",
        discussion: "Example: guichet staffing erlang-a --rate 90 --aht 240 --patience 180")

    @Option(help: "Calls offered per hour") var rate: Double
    @Option(help: "Average handling time in seconds") var aht: Double
    @Option(help: "Mean patience in seconds before a waiting caller hangs up") var patience: Double
    @Option(help: "Agents on the phones; omit to get the fewest meeting the target") var agents: Int?
    @OptionGroup var target: TargetOptions
    @Option(help: "Also cap P(abandon) at this fraction when searching for agents") var maxAbandonment: Double?
    @Option(help: "table or json") var format: OutputFormat = .table

    func run() async throws {
        let result = try withReadableErrors {
            try StaffingService.erlangA(ErlangRequest(
                callsPerHour: rate, averageHandlingTime: aht, averagePatience: patience, agents: agents,
                target: try target.target(), maxAbandonment: maxAbandonment))
        }
        switch format {
        case .table: print(StaffingTables.erlang(result))
        case .json: try printJSON(result)
        }
    }
}

/// How to staff a forecast: the target plus shrinkage and FTE definitions.
struct PolicyOptions: ParsableArguments {
    @OptionGroup var target: TargetOptions
    @Option(help: "Fraction of paid time off the phones, in [0, 1) (default 0)") var shrinkage: Double?
    @Option(help: "Paid hours of one full-time agent per week (default 35)") var fteHoursPerWeek: Double?
    @Option(help: "Paid hours of one full-time agent per day (default 7)") var fteHoursPerDay: Double?
    @Option(help: "Agents kept in every open interval (default 1)") var minimumAgents: Int?
    @Option(help: "With a patience in the forecast: cap P(abandon) too") var maxAbandonment: Double?

    func policy() throws -> PolicyDTO {
        PolicyDTO(
            target: try target.target(), shrinkage: shrinkage, fteHoursPerWeek: fteHoursPerWeek,
            fteHoursPerDay: fteHoursPerDay, minimumAgents: minimumAgents, maxAbandonment: maxAbandonment)
    }
}

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Agents per interval, FTE per day and week, and expected service level, from a forecast file.",
        discussion: "Forecast format: docs/STAFFING.md. Example: guichet staffing plan examples/forecast-reference.json "
            + "--shrinkage 0.3")

    @Argument(help: "Forecast JSON file") var forecast: String
    @OptionGroup var policy: PolicyOptions
    @Option(help: "table or json") var format: OutputFormat = .table

    func run() async throws {
        let plan = try withReadableErrors(file: forecast) {
            try StaffingService.plan(PlanRequest(
                forecast: try StaffingService.decodeFile(ForecastDTO.self, path: forecast), policy: try policy.policy()))
        }
        switch format {
        case .table: print(StaffingTables.plan(plan))
        case .json: try printJSON(plan)
        }
    }
}

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a planned forecast (or a scenario file) and show the award exposure.",
        discussion: """
            With FORECAST.json, the forecast is planned (same options as `staffing plan`) and each day is simulated
            with the planned agents (plus --agent-delta). With --scenario, a SimulationScenario JSON (several queues,
            skills, distributions) is simulated as it is. Same seed and replications, same numbers on any machine.
            """)

    @Argument(help: "Forecast JSON file") var forecast: String?
    @Option(help: "Scenario JSON file instead of a forecast") var scenario: String?
    @OptionGroup var policy: PolicyOptions
    @Option(help: "Replications per day") var replications = 200
    @Option(help: "Seed (same seed, same report)") var seed: UInt64 = 1
    @Option(help: "Agents added to every interval of the plan (negative: fewer) — \"what if I staff less?\"")
    var agentDelta = 0
    @Option(help: "Simulate only this day of the plan (repeatable), e.g. --day Monday --day \"Peak day\"")
    var day: [String] = []
    @Flag(help: "A greeting answers at once: only the 4-minute take-in-charge limit zeroes a test call")
    var greetingAnswersImmediately = false
    @Flag(inversion: .prefixedNo, help: "Progress bar on stderr (default: when stderr is a terminal)")
    var progress: Bool?
    @Option(help: "table or json") var format: OutputFormat = .table

    func validate() throws {
        guard (forecast == nil) != (scenario == nil) else {
            throw ValidationError("give either a FORECAST.json or --scenario FILE")
        }
    }

    func run() async throws {
        let bar = (progress ?? TerminalProgressBar.standardErrorIsTerminal)
            ? TerminalProgressBar(label: "simulating") : nil
        defer { bar?.finish() }
        var callback: (@Sendable (Double) -> Void)?
        if let bar { callback = { @Sendable fraction in bar.update(fraction) } }
        let rules = AwardRules(greetingAnswersImmediately: greetingAnswersImmediately)
        let result: SimulationDTO
        if let scenario {
            result = try withReadableErrors(file: scenario) {
                try StaffingService.simulate(
                    scenario: StaffingService.decodeFile(SimulationScenario.self, path: scenario),
                    name: scenario, replications: replications, seed: seed, award: rules, progress: callback)
            }
        } else {
            let file = forecast ?? ""
            result = try withReadableErrors(file: file) {
                try StaffingService.simulate(
                    SimulateRequest(
                        forecast: try StaffingService.decodeFile(ForecastDTO.self, path: file),
                        policy: try policy.policy(), replications: replications, seed: seed, agentDelta: agentDelta,
                        days: day.isEmpty ? nil : day, greetingAnswersImmediately: greetingAnswersImmediately),
                    limits: .commandLine, progress: callback)
            }
        }
        bar?.finish()
        switch format {
        case .table: print(StaffingTables.simulation(result))
        case .json: try printJSON(result)
        }
    }
}

struct BenchSimulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "sim_bench's week (16 agents, M/M/c+M, 3,960 min): calls/s per core and statistics with CIs.")

    @Option(help: "Replications of the week") var replications = 400
    @Option(help: "Seed") var seed: UInt64 = 1
    @Option(help: "table or json (sim_bench.py-style lines)") var format: OutputFormat = .table

    func run() async throws {
        let runs = try withReadableErrors { try StaffingBenchmarks.simulate(replications: replications, seed: seed) }
        switch format {
        case .table: print(try StaffingBenchmarks.simulationTable(runs))
        case .json: print(StaffingBenchmarks.jsonLines(runs))
        }
    }
}

struct BenchErlang: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erlang", abstract: "Erlang C evaluations per second (P(wait) and SL) for several agent counts.")

    @Option(parsing: .upToNextOption, help: "Agent counts") var agents: [Int] = [16, 100, 1000]
    @Option(help: "table or json") var format: OutputFormat = .table

    func run() async throws {
        let runs = try withReadableErrors { try StaffingBenchmarks.erlang(agents: agents) }
        switch format {
        case .table: print(StaffingBenchmarks.erlangTable(runs))
        case .json: print(StaffingBenchmarks.erlangJSONLines(runs))
        }
    }
}
