import Foundation
import Testing

@testable import GuichetCore

@Suite("AwardScoring")
struct AwardScoringTests {
    let scoring = AwardScoring(scorecards: AwardFixtures.scorecards)
    let phone = AwardFixtures.phone
    /// 24 of 32 points: way of speaking 1/3, listening 1/3, answer 2/4, tone 0/2.
    let lose24: [String: Double] = ["way_of_speaking": 2, "listening": 2, "answer_quality": 2, "tone": 2]

    @Test("24/32 → 15.0 out of 20")
    func twentyFourOfThirtyTwo() throws {
        let mark = try scoring.markTest(
            AwardFixtures.evaluation("t1", scores: AwardFixtures.scores(phone, lose: lose24)))
        #expect(mark.obtained == 24)
        #expect(mark.applicable == 32)
        #expect(mark.mark == 15.0)
        #expect(!mark.isZeroed)
    }

    @Test("N/A leaves both sums: 24/26 → 18.46")
    func notApplicable() throws {
        let scores = AwardFixtures.scores(
            phone, lose: ["answer_quality": 2], na: ["hold", "deferred_answer", "transfer"])
        let mark = try scoring.markTest(AwardFixtures.evaluation("t1", scores: scores))
        #expect(mark.applicable == 26)
        #expect(mark.obtained == 24)
        #expect(abs(mark.mark - 24.0 / 26.0 * 20) < 1e-12)
    }

    @Test("ringing: 60 s is fine, 61 s is 0", arguments: [(60.0, false), (61.0, true)])
    func ringing(seconds: Double, zeroed: Bool) throws {
        let mark = try scoring.markTest(AwardFixtures.evaluation("t", ringing: seconds))
        #expect(mark.isZeroed == zeroed)
        #expect(mark.mark == (zeroed ? 0 : 20))
        if zeroed { #expect(mark.zeroCauses.map(\.kind) == [.ringing]) }
    }

    @Test("take in charge: 240 s is fine, 241 s is 0", arguments: [(240.0, false), (241.0, true)])
    func takeInCharge(seconds: Double, zeroed: Bool) throws {
        let mark = try scoring.markTest(AwardFixtures.evaluation("t", takeInCharge: seconds))
        #expect(mark.isZeroed == zeroed)
        if zeroed { #expect(mark.zeroCauses.map(\.kind) == [.takeInCharge]) }
    }

    @Test("a saturation message zeroes the call")
    func saturation() throws {
        let mark = try scoring.markTest(AwardFixtures.evaluation("t", saturation: true))
        #expect(mark.mark == 0)
        #expect(mark.zeroCauses.map(\.kind) == [.saturation])
        #expect(mark.obtained == 32)  // the recorded points are kept for criterion statistics
    }

    @Test("a critical criterion at 0 zeroes the test and names the criterion")
    func critical() throws {
        let mark = try scoring.markTest(
            AwardFixtures.evaluation("t", scores: AwardFixtures.scores(phone, lose: ["access_service": 2])))
        #expect(mark.mark == 0)
        #expect(mark.zeroCauses.first?.kind == .criticalCriterion)
        #expect(mark.zeroCauses.first?.criterionID == "access_service")
        let partial = try scoring.markTest(
            AwardFixtures.evaluation("t", scores: AwardFixtures.scores(phone, lose: ["access_service": 1])))
        #expect(partial.mark == 31.0 / 32.0 * 20)
    }

    @Test("every cause is reported, in protocol order")
    func severalCauses() throws {
        let mark = try scoring.markTest(AwardFixtures.evaluation("t", ringing: 90, takeInCharge: 300, saturation: true))
        #expect(mark.zeroCauses.map(\.kind) == [.ringing, .takeInCharge, .saturation])
    }

    @Test("automatic zeros apply only to the configured channels")
    func autoZeroChannels() throws {
        var email = AwardFixtures.evaluation("e", channel: .email)
        email.ringingSeconds = 100
        email.saturationMessage = true
        #expect(try scoring.markTest(email).mark == 20)
    }

    @Test("validation messages are precise")
    func validation() {
        var scores = AwardFixtures.scores(phone)
        scores["hold"] = .points(3)
        scores["pickup_time"] = .notApplicable
        scores["answer_quality"] = .points(3)
        scores["smile"] = .points(1)
        scores.removeValue(forKey: "tone")
        var evaluation = AwardFixtures.evaluation("t9", scores: scores, ringing: -1)
        evaluation.startedAt = Date(timeIntervalSince1970: 100)
        evaluation.endedAt = Date(timeIntervalSince1970: 50)
        let messages = Set(scoring.validate(evaluation).map(\.description))
        #expect(
            messages == [
                "test t9: ringing_s: duration must be ≥ 0 seconds, got -1",
                "test t9: ended_at: ends before it starts",
                "test t9: smile: unknown criterion for scorecard escda-phone@2018.1",
                "test t9: pickup_time: N/A is not allowed for this criterion",
                "test t9: hold: 3 is not on the scale (0, 1, 2)",
                "test t9: answer_quality: 3 is not on the scale (0, 2, 4)",
                "test t9: tone: missing score (write NA if the criterion did not apply)",
            ])
        #expect(throws: EvaluationValidationError.self) { try scoring.markTest(evaluation) }
    }

    @Test("company mark is the mean of test marks")
    func companyMean() throws {
        let evaluations = [
            AwardFixtures.evaluation("a", scores: AwardFixtures.scores(phone, lose: lose24)),  // 15
            AwardFixtures.evaluation("b"),  // 20
            AwardFixtures.evaluation("c", saturation: true),  // 0
        ]
        let scored = try scoring.score(evaluations)
        let company = try #require(scored.company("alpha"))
        #expect(abs(company.mark - 35.0 / 3.0) < 1e-12)
        #expect(company.zeros.map(\.testID) == ["c"])
        #expect(company.channels.first?.zeros == 1)
        #expect(company.scenarios.first?.tests == 3)
    }

    @Test("channel weights: Σ w·mean / Σ w over tested channels")
    func weights() throws {
        let evaluations = [
            AwardFixtures.evaluation("p1", scores: AwardFixtures.scores(phone, lose: lose24)),  // phone 15
            AwardFixtures.evaluation("p2", scores: AwardFixtures.scores(phone, lose: lose24)),  // phone 15
            AwardFixtures.evaluation("e1", channel: .email),  // email 20
        ]
        #expect(abs(try scoring.score(evaluations).companies[0].mark - 50.0 / 3.0) < 1e-12)
        var settings = EditionSettings()
        settings.channelWeights = [.phone: 3, .email: 1, .chat: 5]  // chat untested: its weight drops out
        let weighted = try AwardScoring(settings: settings, scorecards: AwardFixtures.scorecards).score(evaluations)
        #expect(abs(weighted.companies[0].mark - (3 * 15.0 + 1 * 20.0) / 4) < 1e-12)
        settings.channelWeights = [.phone: -1]
        #expect(throws: EvaluationValidationError.self) {
            try AwardScoring(settings: settings, scorecards: AwardFixtures.scorecards).score(evaluations)
        }
    }

    @Test("families and criteria aggregate the recorded points")
    func breakdowns() throws {
        let scored = try scoring.score([
            AwardFixtures.evaluation("a", scores: AwardFixtures.scores(phone, lose: lose24))
        ])
        let company = scored.companies[0]
        let answer = try #require(company.families.first { $0.family == .answer })
        #expect(answer.obtained == 4 && answer.applicable == 8)  // answer 2/4, impression 2/2, tone 0/2
        #expect(answer.mark == 10)
        let tone = try #require(company.criteria.first { $0.criterionID == "tone" })
        #expect(tone.mark == 0)
        #expect(company.criteria.count == phone.criteria.count)
    }

    @Test("duplicate test ids are refused")
    func duplicates() {
        #expect(throws: EvaluationValidationError.self) {
            try scoring.score([AwardFixtures.evaluation("a"), AwardFixtures.evaluation("a")])
        }
    }

    @Test("marks stay within [0, 20] on simulated fieldwork, many seeds")
    func marksInRange() throws {
        let demo = try AwardDemo.make(seed: 7, bootstrap: nil)
        for seed in UInt64(1)...20 {
            let evaluations = FieldworkSimulator(scorecards: demo.scorecards)
                .evaluations(
                    for: demo.plan.tests,
                    profiles: [
                        "primeur-express": .init(quality: 0.99, autoZeroRate: 0), "maxi-marche": .init(quality: 0.01),
                        "halle-fraiche": .init(quality: 0.5, autoZeroRate: 1),
                    ], seed: seed)
            let scored = try scoring.score(evaluations)
            #expect(scored.tests.allSatisfy { (0...20).contains($0.mark) })
            #expect(scored.companies.allSatisfy { (0...20).contains($0.mark) })
            #expect(scored.company("halle-fraiche")!.mark == 0 || scored.company("halle-fraiche")!.channels.count > 1)
        }
    }
}
