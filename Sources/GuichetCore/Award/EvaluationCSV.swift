import Foundation

/// One problem in an evaluations CSV file, at a line and column.
public struct EvaluationFileProblem: Codable, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line of the file (the header is line 1).
    public var line: Int
    /// Column name (header), or `nil` for a problem with the whole row or file.
    public var column: String?
    public var message: String

    public var description: String {
        if let column { return "line \(line), column \(column): \(message)" }
        return "line \(line): \(message)"
    }
}

/// An evaluations file that cannot be read; every problem found is listed (up to a limit).
public struct EvaluationFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var problems: [EvaluationFileProblem]

    public var description: String { problems.map { "\(file): \($0)" }.joined(separator: "\n") }
}

/// The evaluations CSV format: one row per test, one column per criterion (docs/AWARD.md §CSV).
///
/// Fixed columns (any order): `test_id, company, category, channel, scenario, started_at, ended_at,
/// ringing_s, take_in_charge_s, saturation, verbatim`. Every other column is a criterion id from the
/// scorecards; a row fills the criteria of its channel's card (points or `NA`) and leaves the others empty.
public enum EvaluationCSV {
    public static let fixedColumns = [
        "test_id", "company", "category", "channel", "scenario", "started_at", "ended_at", "ringing_s",
        "take_in_charge_s", "saturation", "verbatim",
    ]

    /// Stops collecting after this many problems: past that, the file is clearly in the wrong format.
    public static let maxProblems = 50

    /// Parses and validates `text` against `scorecards` (scales, N/A, durations…).
    public static func parse(
        _ text: String, file: String = "evaluations.csv", scoring: AwardScoring
    ) throws -> [Evaluation] {
        let records: [CSV.Record]
        do {
            records = try CSV.parse(text)
        } catch let error as CSV.SyntaxError {
            throw EvaluationFileError(
                file: file, problems: [.init(line: error.line, column: nil, message: error.message)])
        }
        guard let header = records.first else {
            throw EvaluationFileError(file: file, problems: [.init(line: 1, column: nil, message: "the file is empty")])
        }
        var problems: [EvaluationFileProblem] = []
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let knownCriteria = Set(scoring.scorecards.cards.values.flatMap { $0.criteria.map(\.id) })
        for name in fixedColumns where !columns.contains(name) {
            problems.append(.init(line: 1, column: name, message: "required column is missing"))
        }
        for (index, name) in columns.enumerated() {
            if columns.firstIndex(of: name) != index {
                problems.append(.init(line: 1, column: name, message: "column appears twice"))
            } else if !fixedColumns.contains(name), !knownCriteria.contains(name) {
                problems.append(
                    .init(
                        line: 1, column: name,
                        message: "column \(index + 1) is neither a fixed column nor a criterion of the scorecards"))
            }
        }
        guard problems.isEmpty else { throw EvaluationFileError(file: file, problems: problems) }
        let position = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })

        var evaluations: [Evaluation] = []
        for record in records.dropFirst() {
            guard problems.count < maxProblems else { break }
            let line = record.line
            func problem(_ column: String?, _ message: String) {
                problems.append(.init(line: line, column: column, message: message))
            }
            guard record.fields.count == columns.count else {
                problem(nil, "\(record.fields.count) fields, the header has \(columns.count)")
                continue
            }
            func cell(_ name: String) -> String {
                record.fields[position[name]!].trimmingCharacters(in: .whitespaces)
            }
            let before = problems.count
            guard let channel = Channel(rawValue: cell("channel").lowercased()) else {
                let allowed = Channel.allCases.map(\.rawValue).joined(separator: ", ")
                problem("channel", "\"\(cell("channel"))\" is not a channel (\(allowed))")
                continue
            }
            func seconds(_ name: String) -> Double? {
                let text = cell(name)
                guard !text.isEmpty else { return nil }
                guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                    problem(name, "\"\(text)\" is not a number of seconds")
                    return nil
                }
                return value
            }
            func date(_ name: String) -> Date? {
                let text = cell(name)
                guard !text.isEmpty else { return nil }
                guard let value = parseDate(text) else {
                    problem(name, "\"\(text)\" is not an ISO 8601 date-time (2017-05-02T14:05:00+02:00)")
                    return nil
                }
                return value
            }
            var saturation = false
            switch cell("saturation").lowercased() {
            case "", "no", "non", "false", "0": saturation = false
            case "yes", "oui", "true", "1": saturation = true
            case let other: problem("saturation", "\"\(other)\" is not yes/no")
            }
            var scores: [String: CriterionScore] = [:]
            let card = scoring.scorecards[channel]
            for name in columns where !fixedColumns.contains(name) {
                let text = cell(name)
                let onCard = card?.criterion(name) != nil
                if text.isEmpty {
                    continue  // a missing score on the card is reported by the scoring validation below
                }
                guard onCard else {
                    problem(name, "criterion is not on the \(channel.rawValue) scorecard: leave the cell empty")
                    continue
                }
                if ["na", "n/a"].contains(text.lowercased()) {
                    scores[name] = .notApplicable
                } else if let points = Double(text.replacingOccurrences(of: ",", with: ".")) {
                    scores[name] = .points(points)
                } else {
                    problem(name, "\"\(text)\" is neither points nor NA")
                }
            }
            let evaluation = Evaluation(
                testID: cell("test_id"), companyID: cell("company"), categoryID: cell("category"), channel: channel,
                scenarioID: cell("scenario"), startedAt: date("started_at"), endedAt: date("ended_at"),
                ringingSeconds: seconds("ringing_s"), takeInChargeSeconds: seconds("take_in_charge_s"),
                saturationMessage: saturation, scores: scores, verbatim: record.fields[position["verbatim"]!])
            guard problems.count == before else { continue }
            for issue in scoring.validate(evaluation) {
                // Criterion ids and field names are the column names, so issues point at a cell.
                problem(issue.field, issue.message)
            }
            evaluations.append(evaluation)
        }
        var lineOfTest: [String: Int] = [:]
        for (evaluation, record) in zip(evaluations, records.dropFirst()) where problems.isEmpty {
            if let first = lineOfTest[evaluation.testID] {
                problems.append(
                    .init(
                        line: record.line, column: "test_id",
                        message: "test \(evaluation.testID) already appears on line \(first)"))
            } else {
                lineOfTest[evaluation.testID] = record.line
            }
        }
        guard problems.isEmpty else {
            throw EvaluationFileError(file: file, problems: Array(problems.prefix(maxProblems)))
        }
        return evaluations
    }

    /// Writes evaluations in the same format, criterion columns in scorecard order (phone first).
    public static func write(_ evaluations: [Evaluation], scorecards: ScorecardSet) -> String {
        var criteria: [String] = []
        for card in scorecards.ordered {
            for c in card.criteria where !criteria.contains(c.id) { criteria.append(c.id) }
        }
        let iso = ISO8601DateFormatter()
        var lines = [(fixedColumns + criteria).joined(separator: ",")]
        for e in evaluations {
            var fields = [
                e.testID, e.companyID, e.categoryID, e.channel.rawValue, e.scenarioID,
                e.startedAt.map(iso.string(from:)) ?? "", e.endedAt.map(iso.string(from:)) ?? "",
                e.ringingSeconds.map(fmt) ?? "", e.takeInChargeSeconds.map(fmt) ?? "",
                e.saturationMessage ? "yes" : "no", e.verbatim,
            ]
            for id in criteria {
                switch e.scores[id] {
                case .points(let p)?: fields.append(fmt(p))
                case .notApplicable?: fields.append(CriterionScore.notApplicableToken)
                case nil: fields.append("")
                }
            }
            lines.append(fields.map(CSV.escape).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}

/// What `guichet award score FILE` prints: a text table, and the same content as JSON.
public struct ScoreFileReport: Codable, Sendable {
    public var file: String
    public var scorecards: FrozenScorecards
    public var settings: EditionSettings
    public var bootstrap: BootstrapOptions
    public var results: EditionResults
    /// Human-readable rendering (`--format table`); not part of the JSON.
    public var table: String

    enum CodingKeys: String, CodingKey { case file, scorecards, settings, bootstrap, results }

    public init(
        file: String, scorecards: FrozenScorecards, settings: EditionSettings, bootstrap: BootstrapOptions,
        results: EditionResults
    ) {
        self.file = file
        self.scorecards = scorecards
        self.settings = settings
        self.bootstrap = bootstrap
        self.results = results
        self.table = ScoreFileReport.render(results, passMark: settings.passMark)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            file: try c.decode(String.self, forKey: .file),
            scorecards: try c.decode(FrozenScorecards.self, forKey: .scorecards),
            settings: try c.decode(EditionSettings.self, forKey: .settings),
            bootstrap: try c.decode(BootstrapOptions.self, forKey: .bootstrap),
            results: try c.decode(EditionResults.self, forKey: .results))
    }

    /// `--format json`: pretty, sorted keys, ISO dates.
    public func json() throws -> Data { try AwardJSON.encoder.encode(self) }

    static func render(_ results: EditionResults, passMark: Double) -> String {
        func f2(_ x: Double) -> String { String(format: "%.2f", x) }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var out: [String] = []
        for category in results.categories {
            out.append("Category \(category.categoryName) [\(category.categoryID)] — \(category.status.rawValue)")
            if let winner = category.winnerID {
                out.append(
                    "  Winner: \(winner) (above \(fmt(passMark))/20)"
                        + (category.statisticalTie ? " — statistical tie with #2" : ""))
            }
            if let note = category.note { out.append("  \(note)") }
            let channels = Channel.allCases
            out.append(
                "  " + pad("Rank", 5) + pad("Company", 22) + pad("Mark", 7) + pad("95% CI", 16)
                    + pad("P(>\(fmt(passMark)))", 8)
                    + channels.map { pad(String($0.rawValue.prefix(6)), 7) }.joined() + "Zeros")
            for entry in category.entries {
                let score = results.scored.company(entry.companyID)
                let ci = entry.interval.map { "[\(f2($0.lower)), \(f2($0.upper))]" } ?? "-"
                let p = entry.interval.map { String(format: "%.3f", $0.probabilityAbovePassMark) } ?? "-"
                let perChannel = channels.map { ch in
                    pad(score?.channels.first { $0.channel == ch }.map { f2($0.mark) } ?? "-", 7)
                }.joined()
                let rank = entry.rank.map(String.init) ?? "-"
                out.append(
                    "  " + pad(rank, 5) + pad(String(entry.companyID.prefix(21)), 22) + pad(f2(entry.mark), 7)
                        + pad(ci, 16) + pad(p, 8) + perChannel + "\(score?.zeros.count ?? 0)"
                        + (entry.ineligibleReason.map { "  (ineligible: \($0))" } ?? ""))
            }
            if let lead = category.leadInterval {
                out.append("  Lead of #1 over #2: 95% CI [\(f2(lead.lower)), \(f2(lead.upper))]")
            }
            out.append("")
        }
        for report in results.reports {
            let strengths = report.strengths.map { "\($0.key) (+\(f2($0.gap)))" }.joined(separator: ", ")
            let improvements = report.improvements.map { "\($0.key) (\(f2($0.gap)))" }.joined(separator: ", ")
            let zeros = report.zeroCounts.keys.sorted().map { "\($0) \(report.zeroCounts[$0]!)" }.joined(
                separator: ", ")
            out.append(
                "\(report.companyID): strengths \(strengths.isEmpty ? "-" : strengths); "
                    + "to improve \(improvements.isEmpty ? "-" : improvements); zeros \(zeros.isEmpty ? "none" : zeros)"
            )
        }
        return out.joined(separator: "\n") + "\n"
    }
}

extension AwardScoring {
    /// `guichet award score FILE [--scorecards DIR]`: reads an evaluations CSV, scores it and judges each
    /// category found in it. Companies are taken from the file: the channels a company was tested on stand
    /// for the channels it offers.
    public static func scoreFile(
        path: String, scorecardsDirectory: String? = nil, settings: EditionSettings = EditionSettings(),
        bootstrap: BootstrapOptions = BootstrapOptions()
    ) throws -> ScoreFileReport {
        let scorecards =
            try scorecardsDirectory.map { try ScorecardSet.load(directory: URL(fileURLWithPath: $0)) }
            ?? ScorecardSet.bundled()
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw EvaluationFileError(
                file: path, problems: [.init(line: 0, column: nil, message: "cannot read the file")])
        }
        return try scoreCSV(text, file: path, scorecards: scorecards, settings: settings, bootstrap: bootstrap)
    }

    /// Same as `scoreFile` on CSV text already in memory (for uploads).
    public static func scoreCSV(
        _ text: String, file: String, scorecards: ScorecardSet, settings: EditionSettings = EditionSettings(),
        bootstrap: BootstrapOptions = BootstrapOptions()
    ) throws -> ScoreFileReport {
        let scoring = AwardScoring(settings: settings, scorecards: scorecards)
        let evaluations = try EvaluationCSV.parse(text, file: file, scoring: scoring)
        let byCompany = Dictionary(grouping: evaluations, by: \.companyID)
        let companies = byCompany.keys.sorted().map { id in
            let rows = byCompany[id]!
            return Company(id: id, name: id, categoryID: rows[0].categoryID, channels: Set(rows.map(\.channel)))
        }
        let categories = Set(companies.map(\.categoryID)).sorted().map { Category(id: $0, name: $0) }
        let results = try EditionResults.compute(
            settings: settings, scorecards: scorecards, categories: categories, companies: companies,
            evaluations: evaluations, bootstrap: bootstrap)
        return ScoreFileReport(
            file: file, scorecards: scorecards.freeze(editionID: file), settings: settings, bootstrap: bootstrap,
            results: results)
    }
}
