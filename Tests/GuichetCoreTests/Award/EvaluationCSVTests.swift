import Foundation
import Testing

@testable import GuichetCore

@Suite("EvaluationCSV")
struct AwardEvaluationCSVTests {
    let scoring = AwardScoring(scorecards: AwardFixtures.scorecards)

    @Test("scoreFile on the fixture matches marks computed independently (Python)")
    func scoreFixture() throws {
        let report = try AwardScoring.scoreFile(
            path: AwardFixtures.fixture("evaluations-small.csv").path, bootstrap: .init(resamples: 1_000))
        let scored = report.results.scored
        // Expected values from an independent computation over the same file.
        #expect(abs(scored.company("alpha")!.mark - 17.795584) < 1e-6)
        #expect(abs(scored.company("beta")!.mark - 13.69213) < 1e-6)
        #expect(abs(scored.company("gamma")!.mark - 4.62963) < 1e-6)
        #expect(scored.tests.first { $0.testID == "a1" }?.mark == 15)
        let gamma = scored.company("gamma")!
        #expect(Set(gamma.zeros.flatMap(\.causes).map(\.kind)) == [.takeInCharge, .saturation, .criticalCriterion])
        let category = try #require(report.results.categories.first)
        #expect(category.status == .standing)
        #expect(category.winnerID == "alpha")
        #expect(report.table.contains("Winner: alpha"))
        #expect(report.results.reports.count == 3)
        let json = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
        #expect(json?["results"] != nil)
        #expect(json?["table"] == nil)
    }

    @Test("quoted verbatims with commas, quotes and line breaks survive a round trip")
    func roundTrip() throws {
        let text = try String(contentsOf: AwardFixtures.fixture("evaluations-small.csv"), encoding: .utf8)
        let evaluations = try EvaluationCSV.parse(text, scoring: scoring)
        #expect(evaluations.count == 12)
        #expect(evaluations[1].verbatim == "Très bien, \"parfait\", merci")
        #expect(evaluations.first { $0.testID == "g2" }?.verbatim == "Message de saturation,\ncoupé")
        let again = try EvaluationCSV.parse(
            EvaluationCSV.write(evaluations, scorecards: AwardFixtures.scorecards),
            scoring: scoring)
        #expect(again == evaluations)
    }

    private func problems(_ text: String) -> [String] {
        do {
            _ = try EvaluationCSV.parse(text, file: "f.csv", scoring: scoring)
            return []
        } catch let error as EvaluationFileError {
            return error.problems.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test("errors point at a line and a column")
    func errors() throws {
        let text = try String(contentsOf: AwardFixtures.fixture("evaluations-small.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        func set(_ line: Int, _ column: String, _ value: String) -> String {
            var copy = lines
            var fields = copy[line - 1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[header.firstIndex(of: column)!] = value
            copy[line - 1] = fields.joined(separator: ",")
            return copy.joined(separator: "\n")
        }
        #expect(problems(set(2, "hold", "3")) == ["line 2, column hold: 3 is not on the scale (0, 1, 2)"])
        #expect(
            problems(set(2, "ringing_s", "abc")) == ["line 2, column ringing_s: \"abc\" is not a number of seconds"])
        #expect(
            problems(set(2, "ringing_s", "-4")) == ["line 2, column ringing_s: duration must be ≥ 0 seconds, got -4"])
        #expect(
            problems(set(2, "channel", "fax")).first?.hasPrefix("line 2, column channel: \"fax\" is not a channel")
                == true)
        #expect(
            problems(set(2, "pickup_time", "NA")) == [
                "line 2, column pickup_time: N/A is not allowed for this criterion"
            ])
        #expect(
            problems(set(2, "pickup_time", "")) == [
                "line 2, column pickup_time: missing score (write NA if the criterion did not apply)"
            ])
        #expect(
            problems(set(2, "writing_quality", "2")) == [
                "line 2, column writing_quality: criterion is not on the phone scorecard: leave the cell empty"
            ])
        #expect(problems(set(2, "saturation", "maybe")) == ["line 2, column saturation: \"maybe\" is not yes/no"])
        #expect(problems(set(3, "test_id", "a1")) == ["line 3, column test_id: test a1 already appears on line 2"])
        lines[0] = lines[0].replacingOccurrences(of: ",tone,", with: ",tonne,")
        #expect(
            problems(lines.joined(separator: "\n")) == [
                "line 1, column tonne: column 25 is neither a fixed column nor a criterion of the scorecards"
            ])
        #expect(problems("test_id,company\n").contains("line 1, column channel: required column is missing"))
        #expect(problems("") == ["line 1: the file is empty"])
        #expect(problems("a,\"b\nc") == ["line 1: quoted field never closed"])
    }
}
