import Foundation
import Testing

@testable import GuichetCore

/// Shared builders for the award suites.
enum AwardFixtures {
    static let scorecards: ScorecardSet = try! ScorecardSet.bundled()
    static var phone: Scorecard { scorecards[.phone]! }

    /// Folder of this file's fixtures, found from the source path (no test resources in Package.swift).
    static func fixture(_ name: String, filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    /// Every criterion of `card` at its maximum, minus `lose` points, with `na` criteria N/A.
    static func scores(
        _ card: Scorecard, lose: [String: Double] = [:], na: Set<String> = []
    ) -> [String: CriterionScore] {
        Dictionary(
            uniqueKeysWithValues: card.criteria.map { c in
                (
                    c.id,
                    na.contains(c.id) ? CriterionScore.notApplicable : .points(max(0, c.maxPoints - (lose[c.id] ?? 0)))
                )
            })
    }

    static func evaluation(
        _ id: String, company: String = "alpha", channel: Channel = .phone, scores: [String: CriterionScore]? = nil,
        ringing: Double? = 10, takeInCharge: Double? = 30, saturation: Bool = false, scenario: String = "sc-01"
    ) -> Evaluation {
        Evaluation(
            testID: id, companyID: company, categoryID: "banque", channel: channel, scenarioID: scenario,
            ringingSeconds: channel == .phone ? ringing : nil,
            takeInChargeSeconds: channel == .phone ? takeInCharge : nil,
            saturationMessage: saturation, scores: scores ?? Self.scores(AwardFixtures.scorecards[channel]!))
    }

    /// `n` phone tests of `company` all at `obtainedOf32` points out of 32.
    static func phoneTests(_ company: String, n: Int, lose: [String: Double]) -> [Evaluation] {
        (0..<n).map { evaluation("\(company)-\($0)", company: company, scores: scores(phone, lose: lose)) }
    }

    static func company(_ id: String, channels: Set<Channel> = [.phone, .email]) -> Company {
        Company(
            id: id, name: id.capitalized, categoryID: "banque", channels: channels,
            openingHours: [.phone: .reference, .chat: .reference])
    }
}
