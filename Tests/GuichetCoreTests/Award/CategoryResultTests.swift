import Foundation
import Testing

@testable import GuichetCore

@Suite("CategoryResult")
struct AwardCategoryResultTests {
    let category = Category(id: "banque", name: "Banque")
    let phone = AwardFixtures.phone

    /// Phone tests losing `lose` points each: 32 − lose out of 32.
    func tests(_ company: String, losing points: Double, n: Int = 4) -> [Evaluation] {
        // way_of_speaking and listening hold 3 points each, pickup_time 2: enough for any loss up to 8.
        var lose: [String: Double] = [:]
        var left = points
        for id in ["way_of_speaking", "listening", "pickup_time"] where left > 0 {
            let take = min(left, phone.criterion(id)!.maxPoints)
            lose[id] = take
            left -= take
        }
        return AwardFixtures.phoneTests(company, n: n, lose: lose)
    }

    func judge(
        _ evaluations: [Evaluation], companies: [Company], bootstrap: BootstrapOptions? = .init(resamples: 2_000)
    )
        throws -> (CategoryResult, ScoredEdition)
    {
        let scored = try AwardScoring(scorecards: AwardFixtures.scorecards).score(evaluations, bootstrap: bootstrap)
        return (
            CategoryResult.judge(
                category: category, companies: companies, scored: scored,
                settings: EditionSettings()), scored
        )
    }

    @Test("no winner at exactly 12.0: the mark must be strictly above")
    func exactlyTwelve() throws {
        // 19.2/32 is not on the scale; 12/20 needs 19.2 points, so use N/A to make 12 exactly: 18/30 → 12.
        let twelve = AwardFixtures.scores(
            phone,
            lose: [
                "way_of_speaking": 3, "listening": 3, "pickup_time": 2,
                "answer_quality": 4,
            ], na: ["hold"])
        #expect(
            try AwardScoring(scorecards: AwardFixtures.scorecards).markTest(
                AwardFixtures.evaluation("x", scores: twelve)
            ).mark == 12.0)
        let evaluations = (["a", "b", "c"]).flatMap { id in
            (0..<3).map {
                AwardFixtures.evaluation(
                    "\(id)\($0)", company: id,
                    scores: id == "a"
                        ? twelve
                        : AwardFixtures.scores(
                            phone,
                            lose: [
                                "answer_quality": 4, "way_of_speaking": 3, "listening": 3, "pickup_time": 2, "tone": 2,
                            ]))
            }
        }
        let (result, _) = try judge(evaluations, companies: ["a", "b", "c"].map { AwardFixtures.company($0) })
        #expect(result.status == .standing)
        #expect(result.entries[0].companyID == "a")
        #expect(result.entries[0].mark == 12.0)
        #expect(result.winnerID == nil)
        #expect(result.note == "no company scores above 12/20: no winner")
    }

    @Test("best mark above 12 wins; ranks and category mean")
    func winner() throws {
        let evaluations = tests("a", losing: 4) + tests("b", losing: 6) + tests("c", losing: 8)
        let (result, _) = try judge(evaluations, companies: ["a", "b", "c"].map { AwardFixtures.company($0) })
        #expect(result.winnerID == "a")  // 28/32 → 17.5
        #expect(result.entries.map(\.rank) == [1, 2, 3])
        #expect(result.entries.map(\.mark) == [17.5, 16.25, 15])
        #expect(result.categoryMean == 16.25)
        #expect(result.bestMark == 17.5)
        // Every test of a company has the same mark: no spread, the lead interval excludes 0.
        #expect(result.leadInterval?.lower == 1.25)
        #expect(!result.statisticalTie)
    }

    @Test("fewer than 3 eligible participants: the category does not stand")
    func tooFew() throws {
        let evaluations = tests("a", losing: 4) + tests("b", losing: 6) + tests("c", losing: 8)
        // c offers a single channel: ineligible, which leaves 2.
        let companies = [
            AwardFixtures.company("a"), AwardFixtures.company("b"), AwardFixtures.company("c", channels: [.phone]),
        ]
        let (result, _) = try judge(evaluations, companies: companies)
        #expect(result.status == .cancelled)
        #expect(result.winnerID == nil)
        #expect(result.note == "2 eligible participant(s), a category needs at least 3")
        let c = try #require(result.entries.first { $0.companyID == "c" })
        #expect(!c.eligible && c.rank == nil)
        #expect(c.ineligibleReason == "offers 1 contact channel(s), the rules require 2")
    }

    @Test("statistical tie when the interval of the lead contains 0")
    func tie() throws {
        // a and b mix 20s and 0s (saturation) in nearly equal shares: their difference is noise.
        func mixed(_ id: String, zeros: Int) -> [Evaluation] {
            (0..<40).map { AwardFixtures.evaluation("\(id)\($0)", company: id, saturation: $0 < zeros) }
        }
        let evaluations = mixed("a", zeros: 10) + mixed("b", zeros: 12) + mixed("c", zeros: 30)
        let (result, _) = try judge(evaluations, companies: ["a", "b", "c"].map { AwardFixtures.company($0) })
        #expect(result.winnerID == "a")  // 15 vs 14
        #expect(result.statisticalTie)
        let lead = try #require(result.leadInterval)
        #expect(lead.lower < 0 && lead.upper > 0)
    }

    @Test("the company report compares with the category and lists strengths, areas to improve and zeros")
    func report() throws {
        // a: 20 tests at 17.5 and one unanswered call → (20 × 17.5) / 21 ≈ 16.67, still first.
        var evaluations = tests("a", losing: 4, n: 20) + tests("b", losing: 6) + tests("c", losing: 8)
        evaluations.append(AwardFixtures.evaluation("a-zero", company: "a", ringing: 75))
        let (result, scored) = try judge(evaluations, companies: ["a", "b", "c"].map { AwardFixtures.company($0) })
        let report = try #require(CompanyReport.make(companyID: "c", result: result, scored: scored))
        #expect(report.rank == 3)
        #expect(report.participants == 3)
        #expect(report.overall.mark == 15)
        #expect(report.zeros.isEmpty)
        // c lost way_of_speaking, listening and pickup_time entirely: those are its areas to improve.
        #expect(
            Set(report.improvements.map(\.key)) == ["phone.way_of_speaking", "phone.listening", "phone.pickup_time"])
        #expect(report.strengths.isEmpty)
        let a = try #require(CompanyReport.make(companyID: "a", result: result, scored: scored))
        #expect(a.isWinner)
        #expect(abs(a.overall.mark - 350.0 / 21) < 1e-12)
        #expect(a.zeroCounts == ["ringing": 1])
        #expect(a.zeros.first?.causes.first?.kind == .ringing)
        #expect(a.strengths.first?.gap ?? 0 > 0)
        let listening = try #require(a.criteria.first { $0.key == "phone.listening" })
        #expect(listening.categoryBest == listening.mark)
    }
}
