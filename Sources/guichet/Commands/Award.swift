import ArgumentParser
import Foundation
import GuichetCore

struct AwardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "award",
        abstract: "The \"Élu Service Client de l'Année\" protocol: score evaluation files.",
        subcommands: [Example.self, Plan.self, Score.self])

    struct Example: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the demo edition definition (one category, four companies), a starting point.")

        func run() async throws {
            print(String(decoding: try EditionDefinition.demo().json(), as: UTF8.self))
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw the test plan of an edition definition (format in docs/AWARD.md) without any server.")

        @Argument(help: "Edition definition (JSON): edition, categories, companies, scenarios, shoppers")
        var definition: String

        @Option(help: "Seed of the draw (same seed, same plan)") var seed: UInt64 = 1

        @Option(help: "csv or json") var format: PlanFormat = .csv

        @Option(help: "Write to this file instead of standard output") var output: String?

        func run() async throws {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: definition))
            } catch {
                throw ValidationError("cannot read \(definition): \(error.localizedDescription)")
            }
            let plan = try EditionDefinition.decode(data).plan(seed: seed)
            let text = format == .csv ? plan.csv() : String(decoding: try plan.json(), as: UTF8.self)
            if let output {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
                FileHandle.standardError.write(Data("\(plan.tests.count) tests written to \(output)\n".utf8))
            } else {
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
        }
    }

    enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
        case csv
        case json
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score an evaluations CSV file (format in docs/AWARD.md) without any server.")

        @Argument(help: "Evaluations file: one row per test, one column per criterion")
        var file: String

        @Option(help: "Directory of scorecard JSON files (default: the scorecards shipped with Guichet)")
        var scorecards: String?

        @Option(help: "table or json") var format: OutputFormat = .table

        @Option(help: "Bootstrap resamples for the confidence intervals (≥ 1000)") var resamples = 10_000

        @Option(help: "Seed of the bootstrap (same seed, same intervals)") var seed: UInt64 = 1

        func validate() throws {
            guard resamples >= 1000 else { throw ValidationError("--resamples must be at least 1000") }
        }

        func run() async throws {
            let report = try AwardScoring.scoreFile(
                path: file, scorecardsDirectory: scorecards,
                bootstrap: BootstrapOptions(resamples: resamples, seed: seed))
            switch format {
            case .table: print(report.table)
            case .json: print(String(decoding: try report.json(), as: UTF8.self))
            }
        }
    }
}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (see docs/PERFORMANCE.md; build with -c release).",
        subcommands: [Award.self, BenchSimulate.self, BenchErlang.self])

    struct Award: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scoring and bootstrap for 4 companies × 225 tests × 10,000 resamples.")

        @Option(help: "Bootstrap resamples") var resamples = 10_000
        @Option(help: "Repetitions (the median is reported)") var repetitions = 5
        @Option(help: "table or json") var format: OutputFormat = .table

        @Option(help: "Bootstrap these marks instead of the demo's: JSON {company: {channel: [marks]}}")
        var marks: String?

        func run() async throws {
            let result: AwardBenchmarkResult
            if let marks {
                let data: Data
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: marks))
                } catch {
                    throw ValidationError("cannot read \(marks): \(error.localizedDescription)")
                }
                let strata = try JSONDecoder().decode([String: [String: [Double]]].self, from: data)
                result = try AwardBenchmark.run(marks: strata, resamples: resamples, repetitions: repetitions)
            } else {
                result = try AwardBenchmark.run(resamples: resamples, repetitions: repetitions)
            }
            switch format {
            case .table: print(result.summary)
            case .json: print(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
            }
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}
