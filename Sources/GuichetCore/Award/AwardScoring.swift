import Foundation

/// Why a test was given 0/20 regardless of its criteria.
public struct ZeroCause: Codable, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Non décroché après 60 secondes de sonnerie.
        case ringing
        /// Temps de prise en charge supérieur à 4 minutes.
        case takeInCharge = "take_in_charge"
        /// Message de saturation.
        case saturation
        /// Critère éliminatoire noté 0 (or at the card's threshold).
        case criticalCriterion = "critical_criterion"
    }

    public var kind: Kind
    /// The criterion, for `criticalCriterion`.
    public var criterionID: String?
    /// The measured value (seconds, or points for a critical criterion).
    public var value: Double?
    public var description: String

    public init(kind: Kind, criterionID: String? = nil, value: Double? = nil, description: String) {
        self.kind = kind
        self.criterionID = criterionID
        self.value = value
        self.description = description
    }
}

/// The mark of one test.
public struct TestMark: Codable, Sendable, Hashable {
    public var testID: String
    public var companyID: String
    public var categoryID: String
    public var channel: Channel
    public var scenarioID: String
    /// Points obtained over the criteria that applied.
    public var obtained: Double
    /// Points available over the criteria that applied (N/A criteria leave both sums).
    public var applicable: Double
    /// Mark out of 20: `obtained / applicable × 20`, or 0 when `zeroCauses` is not empty.
    public var mark: Double
    /// Every reason the test is zeroed, in the order the protocol lists them.
    public var zeroCauses: [ZeroCause]

    public var isZeroed: Bool { !zeroCauses.isEmpty }
}

/// One thing wrong in an evaluation, precise enough to fix the input.
public struct EvaluationIssue: Codable, Sendable, Hashable, CustomStringConvertible {
    public var testID: String
    /// The criterion id, or the field name ("ringing_s"…), when the issue is about one.
    public var field: String?
    public var message: String

    public var description: String {
        if let field { return "test \(testID): \(field): \(message)" }
        return "test \(testID): \(message)"
    }
}

/// Evaluations that cannot be scored; every issue found is listed.
public struct EvaluationValidationError: Error, Sendable, CustomStringConvertible {
    public var issues: [EvaluationIssue]

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// A bootstrap confidence interval of a mark.
public struct MarkInterval: Codable, Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    public var confidence: Double
    public var resamples: Int
    /// Share of resamples whose mark is strictly above the pass mark: P(mark > 12).
    public var probabilityAbovePassMark: Double
}

/// Marks of a company, broken down the ways the report shows them.
public struct CompanyScore: Codable, Sendable, Hashable {
    public struct ChannelMark: Codable, Sendable, Hashable {
        public var channel: Channel
        public var mark: Double
        public var tests: Int
        public var zeros: Int
    }

    public struct FamilyMark: Codable, Sendable, Hashable {
        public var family: CriterionFamily
        /// Σ obtained / Σ applicable × 20 over the criteria of the family, as recorded.
        public var mark: Double
        public var obtained: Double
        public var applicable: Double
    }

    public struct CriterionMark: Codable, Sendable, Hashable {
        public var channel: Channel
        public var criterionID: String
        public var label: LocalizedLabel
        public var family: CriterionFamily
        /// Mean points where the criterion applied.
        public var meanPoints: Double
        public var maxPoints: Double
        /// `meanPoints / maxPoints × 20`.
        public var mark: Double
        public var applicableTests: Int
        public var notApplicableTests: Int
    }

    public struct ScenarioMark: Codable, Sendable, Hashable {
        public var scenarioID: String
        public var mark: Double
        public var tests: Int
    }

    public struct ZeroedTest: Codable, Sendable, Hashable {
        public var testID: String
        public var channel: Channel
        public var scenarioID: String
        public var causes: [ZeroCause]
    }

    public var companyID: String
    public var categoryID: String
    /// Note globale sur 20.
    public var mark: Double
    public var tests: Int
    public var channels: [ChannelMark]
    public var families: [FamilyMark]
    public var criteria: [CriterionMark]
    public var scenarios: [ScenarioMark]
    public var zeros: [ZeroedTest]
    /// Filled by the bootstrap (`AwardScoring.score(…, bootstrap:)`).
    public var interval: MarkInterval?
}

/// Notation: the pure scoring rules of the award.
///
/// A test's mark is `obtained / applicable × 20`; N/A criteria leave both sums. The test is 0 when
/// the call rang more than 60 s, took more than 4 min to be taken in charge, ended on a saturation
/// message (for the channels in `AutoZeroRules.channels`) or scored a critical criterion at its
/// threshold. A company's mark is the mean of its test marks, or the weighted mean of its channel marks
/// when the edition sets channel weights.
public struct AwardScoring: Sendable {
    public var settings: EditionSettings
    public var scorecards: ScorecardSet

    public init(settings: EditionSettings = EditionSettings(), scorecards: ScorecardSet) {
        self.settings = settings
        self.scorecards = scorecards
    }

    // MARK: Validation

    /// Every issue of one evaluation; empty when it can be scored.
    public func validate(_ evaluation: Evaluation) -> [EvaluationIssue] {
        var issues: [EvaluationIssue] = []
        func issue(_ field: String?, _ message: String) {
            issues.append(EvaluationIssue(testID: evaluation.testID, field: field, message: message))
        }
        if evaluation.testID.isEmpty { issue("test_id", "is empty") }
        if evaluation.companyID.isEmpty { issue("company", "is empty") }
        for (field, value) in [
            ("ringing_s", evaluation.ringingSeconds), ("take_in_charge_s", evaluation.takeInChargeSeconds),
        ] {
            if let value, !(value >= 0 && value.isFinite) {
                issue(field, "duration must be ≥ 0 seconds, got \(fmt(value))")
            }
        }
        if let start = evaluation.startedAt, let end = evaluation.endedAt, end < start {
            issue("ended_at", "ends before it starts")
        }
        guard let card = scorecards[evaluation.channel] else {
            issue("channel", "no scorecard for channel \(evaluation.channel.rawValue)")
            return issues
        }
        for id in evaluation.scores.keys.sorted() where card.criterion(id) == nil {
            issue(id, "unknown criterion for scorecard \(card.id)@\(card.version)")
        }
        var applicable = 0.0
        for criterion in card.criteria {
            switch evaluation.scores[criterion.id] {
            case nil:
                issue(criterion.id, "missing score (write NA if the criterion did not apply)")
            case .notApplicable:
                if !criterion.notApplicableAllowed { issue(criterion.id, "N/A is not allowed for this criterion") }
            case .points(let points):
                applicable += criterion.maxPoints
                if !criterion.scale.allows(points) {
                    let allowed = criterion.scale.points.map(fmt).joined(separator: ", ")
                    issue(criterion.id, "\(fmt(points)) is not on the scale (\(allowed))")
                }
            }
        }
        if issues.isEmpty, applicable == 0 { issue(nil, "every criterion is N/A: the mark is undefined") }
        return issues
    }

    // MARK: Test marks

    /// The mark of one test. Throws `EvaluationValidationError` when the evaluation is invalid.
    public func markTest(_ evaluation: Evaluation) throws -> TestMark {
        let issues = validate(evaluation)
        guard issues.isEmpty else { throw EvaluationValidationError(issues: issues) }
        return mark(validated: evaluation, card: scorecards[evaluation.channel]!)
    }

    private func mark(validated evaluation: Evaluation, card: Scorecard) -> TestMark {
        var obtained = 0.0
        var applicable = 0.0
        var causes: [ZeroCause] = []
        let rules = settings.autoZero
        if rules.channels.contains(evaluation.channel) {
            if let ringing = evaluation.ringingSeconds, ringing > rules.maxRingingSeconds {
                causes.append(
                    .init(
                        kind: .ringing, value: ringing,
                        description:
                            "not picked up after \(fmt(ringing)) s of ringing (limit \(fmt(rules.maxRingingSeconds)) s)"
                    ))
            }
            if let wait = evaluation.takeInChargeSeconds, wait > rules.maxTakeInChargeSeconds {
                causes.append(
                    .init(
                        kind: .takeInCharge, value: wait,
                        description:
                            "taken in charge after \(fmt(wait)) s (limit \(fmt(rules.maxTakeInChargeSeconds)) s)"))
            }
            if rules.saturationMessageIsZero, evaluation.saturationMessage {
                causes.append(.init(kind: .saturation, description: "ended on a saturation message"))
            }
        }
        for criterion in card.criteria {
            guard case .points(let points)? = evaluation.scores[criterion.id] else { continue }
            obtained += points
            applicable += criterion.maxPoints
            if let rule = criterion.critical, points <= rule.zeroWhenAtMost + 1e-9 {
                causes.append(
                    .init(
                        kind: .criticalCriterion, criterionID: criterion.id, value: points,
                        description: "critical criterion \(criterion.id) (\(criterion.label.fr)) scored \(fmt(points))")
                )
            }
        }
        return TestMark(
            testID: evaluation.testID, companyID: evaluation.companyID, categoryID: evaluation.categoryID,
            channel: evaluation.channel, scenarioID: evaluation.scenarioID, obtained: obtained, applicable: applicable,
            mark: causes.isEmpty ? obtained / applicable * 20 : 0, zeroCauses: causes)
    }

    // MARK: Company marks

    /// A company's mark from its test marks: the plain mean, or with channel weights
    /// `Σ w_c · mean_c / Σ w_c` over the channels that were tested (a channel without a weight counts 0).
    public static func companyMark(_ marks: [TestMark], weights: [Channel: Double]?) -> Double {
        guard !marks.isEmpty else { return 0 }
        guard let weights else { return mean(marks) }
        var weighted = 0.0
        var totalWeight = 0.0
        let byChannel = Dictionary(grouping: marks, by: \.channel)
        // Channel order, not dictionary order, so the floating-point sum is the same in every process.
        for channel in byChannel.keys.sorted() {
            let group = byChannel[channel]!
            let w = weights[channel] ?? 0
            weighted += w * mean(group)
            totalWeight += w
        }
        return totalWeight > 0 ? weighted / totalWeight : 0
    }

    /// Mean of test marks (0 for none).
    static func mean(_ marks: [TestMark]) -> Double {
        marks.isEmpty ? 0 : marks.reduce(0) { $0 + $1.mark } / Double(marks.count)
    }

    /// Validates every evaluation (listing all issues at once), marks every test and aggregates per company.
    /// With `bootstrap`, each company also gets its confidence interval and P(mark > pass mark).
    public func score(_ evaluations: [Evaluation], bootstrap: BootstrapOptions? = nil) throws -> ScoredEdition {
        if let weights = settings.channelWeights, weights.values.contains(where: { $0 < 0 || !$0.isFinite }) {
            throw EvaluationValidationError(issues: [
                .init(testID: "-", field: "channelWeights", message: "weights must be ≥ 0")
            ])
        }
        var issues = evaluations.flatMap(validate)
        var seen: Set<String> = []
        for evaluation in evaluations where !seen.insert(evaluation.testID).inserted {
            issues.append(.init(testID: evaluation.testID, field: "test_id", message: "appears more than once"))
        }
        guard issues.isEmpty else { throw EvaluationValidationError(issues: issues) }

        let marks = evaluations.map { mark(validated: $0, card: scorecards[$0.channel]!) }
        let byCompany = Dictionary(grouping: zip(evaluations, marks), by: { $0.0.companyID })
        var companies = byCompany.keys.sorted().map { id in
            companyScore(id, pairs: byCompany[id]!)
        }
        var distributions: [String: [Double]] = [:]
        if let bootstrap {
            let samples = companies.map { company in
                AwardBootstrap.Sample(
                    companyID: company.companyID,
                    marks: byCompany[company.companyID]!.map(\.1), weights: settings.channelWeights)
            }
            let results = AwardBootstrap.resample(samples, options: bootstrap)
            for index in companies.indices {
                let values = results[index]
                distributions[companies[index].companyID] = values
                companies[index].interval = AwardBootstrap.interval(
                    of: values, confidence: bootstrap.confidence, passMark: settings.passMark)
            }
        }
        return ScoredEdition(tests: marks, companies: companies, distributions: distributions)
    }

    private func companyScore(_ companyID: String, pairs: [(Evaluation, TestMark)]) -> CompanyScore {
        let marks = pairs.map(\.1)
        let channels = Dictionary(grouping: marks, by: \.channel).keys.sorted().map { channel in
            let group = marks.filter { $0.channel == channel }
            return CompanyScore.ChannelMark(
                channel: channel, mark: Self.mean(group), tests: group.count,
                zeros: group.filter(\.isZeroed).count)
        }
        // Families and criteria use the scores as recorded, zeroed tests included: they describe how each
        // part of the service performed, while the zero rules already weigh on the overall mark.
        var familySums: [CriterionFamily: (Double, Double)] = [:]
        var criterionSums:
            [String: (channel: Channel, criterion: Criterion, points: Double, applicable: Int, na: Int)] = [:]
        for (evaluation, _) in pairs {
            let card = scorecards[evaluation.channel]!
            for criterion in card.criteria {
                let key = "\(evaluation.channel.rawValue).\(criterion.id)"
                var entry = criterionSums[key] ?? (evaluation.channel, criterion, 0, 0, 0)
                switch evaluation.scores[criterion.id] {
                case .points(let points)?:
                    entry.points += points
                    entry.applicable += 1
                    let sums = familySums[criterion.family] ?? (0, 0)
                    familySums[criterion.family] = (sums.0 + points, sums.1 + criterion.maxPoints)
                default:
                    entry.na += 1
                }
                criterionSums[key] = entry
            }
        }
        let families = familySums.keys.sorted().compactMap { family -> CompanyScore.FamilyMark? in
            let (obtained, applicable) = familySums[family]!
            guard applicable > 0 else { return nil }
            return .init(family: family, mark: obtained / applicable * 20, obtained: obtained, applicable: applicable)
        }
        let criteria = criterionSums.values
            .filter { $0.applicable > 0 }
            .sorted { lhs, rhs in
                lhs.channel != rhs.channel ? lhs.channel < rhs.channel : lhs.criterion.id < rhs.criterion.id
            }
            .map { entry -> CompanyScore.CriterionMark in
                let mean = entry.points / Double(entry.applicable)
                return CompanyScore.CriterionMark(
                    channel: entry.channel, criterionID: entry.criterion.id, label: entry.criterion.label,
                    family: entry.criterion.family, meanPoints: mean, maxPoints: entry.criterion.maxPoints,
                    mark: mean / entry.criterion.maxPoints * 20, applicableTests: entry.applicable,
                    notApplicableTests: entry.na)
            }
        let byScenario = Dictionary(grouping: marks, by: \.scenarioID)
        let scenarios = byScenario.keys.sorted().map { id -> CompanyScore.ScenarioMark in
            let group = byScenario[id]!
            return CompanyScore.ScenarioMark(scenarioID: id, mark: Self.mean(group), tests: group.count)
        }
        let zeros = marks.filter(\.isZeroed).map {
            CompanyScore.ZeroedTest(
                testID: $0.testID, channel: $0.channel, scenarioID: $0.scenarioID, causes: $0.zeroCauses)
        }
        return CompanyScore(
            companyID: companyID, categoryID: pairs[0].0.categoryID,
            mark: Self.companyMark(marks, weights: settings.channelWeights), tests: marks.count, channels: channels,
            families: families, criteria: criteria, scenarios: scenarios, zeros: zeros, interval: nil)
    }
}

/// Every test mark and company score of a set of evaluations.
public struct ScoredEdition: Codable, Sendable, Hashable {
    public var tests: [TestMark]
    /// Sorted by company id.
    public var companies: [CompanyScore]
    /// Bootstrap marks per company (empty without bootstrap); used for tie detection.
    public var distributions: [String: [Double]]

    public func company(_ id: String) -> CompanyScore? { companies.first { $0.companyID == id } }

    enum CodingKeys: String, CodingKey {
        // The 10,000 resampled marks per company are working data, not part of an export.
        case tests, companies
    }

    public init(tests: [TestMark], companies: [CompanyScore], distributions: [String: [Double]]) {
        self.tests = tests
        self.companies = companies
        self.distributions = distributions
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tests = try container.decode([TestMark].self, forKey: .tests)
        companies = try container.decode([CompanyScore].self, forKey: .companies)
        distributions = [:]
    }
}
