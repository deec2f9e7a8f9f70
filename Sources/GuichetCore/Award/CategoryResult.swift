import Foundation

/// Palmarès d'une catégorie: who is ranked, whether the category stands, and the winner if any.
public struct CategoryResult: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        /// At least `minParticipants` eligible companies: the category is judged.
        case standing
        /// Too few eligible participants: no ranking is published.
        case cancelled
    }

    public struct Entry: Codable, Sendable, Hashable {
        /// 1-based rank among eligible companies; `nil` for an ineligible one.
        public var rank: Int?
        public var companyID: String
        public var companyName: String
        public var mark: Double
        public var interval: MarkInterval?
        public var eligible: Bool
        public var ineligibleReason: String?
    }

    public var categoryID: String
    public var categoryName: String
    public var status: Status
    /// Why the category is cancelled or has no winner.
    public var note: String?
    /// Eligible entries by decreasing mark, then ineligible ones.
    public var entries: [Entry]
    /// Mean mark of the eligible participants.
    public var categoryMean: Double?
    public var bestMark: Double?
    /// Élu: the best eligible company, only if its mark is strictly above the pass mark.
    public var winnerID: String?
    /// Interval of (first − second) mark from the bootstrap; `nil` without a bootstrap.
    public var leadInterval: MarkInterval?
    /// Égalité statistique: the interval of the difference between the first two contains 0.
    public var statisticalTie: Bool

    /// Applies the award rules to the scored companies of one category.
    ///
    /// `scored` must hold the companies' scores (with bootstrap distributions for the tie flag).
    /// A company enrolled but without any evaluation is listed as ineligible.
    public static func judge(
        category: Category, companies: [Company], scored: ScoredEdition, settings: EditionSettings
    ) -> CategoryResult {
        let members = companies.filter { $0.categoryID == category.id }.sorted { $0.id < $1.id }
        var eligible: [Entry] = []
        var ineligible: [Entry] = []
        for company in members {
            let score = scored.company(company.id)
            var reason: String?
            if company.channels.count < settings.minChannels {
                reason =
                    "offers \(company.channels.count) contact channel(s), the rules require \(settings.minChannels)"
            } else if score == nil {
                reason = "no evaluation"
            }
            let entry = Entry(
                rank: nil, companyID: company.id, companyName: company.name, mark: score?.mark ?? 0,
                interval: score?.interval, eligible: reason == nil, ineligibleReason: reason)
            if reason == nil { eligible.append(entry) } else { ineligible.append(entry) }
        }
        eligible.sort { $0.mark != $1.mark ? $0.mark > $1.mark : $0.companyID < $1.companyID }
        for index in eligible.indices {
            // Equal marks share a rank.
            let previous = index > 0 ? eligible[index - 1] : nil
            eligible[index].rank = previous.map { $0.mark == eligible[index].mark ? $0.rank! : index + 1 } ?? 1
        }
        var result = CategoryResult(
            categoryID: category.id, categoryName: category.name, status: .standing, note: nil,
            entries: eligible + ineligible, categoryMean: nil, bestMark: eligible.first?.mark, winnerID: nil,
            leadInterval: nil, statisticalTie: false)
        if !eligible.isEmpty { result.categoryMean = eligible.reduce(0) { $0 + $1.mark } / Double(eligible.count) }
        guard eligible.count >= settings.minParticipants else {
            result.status = .cancelled
            result.note =
                "\(eligible.count) eligible participant(s), a category needs at least \(settings.minParticipants)"
            return result
        }
        if let first = eligible.first, first.mark > settings.passMark {
            result.winnerID = first.companyID
        } else {
            result.note = "no company scores above \(fmt(settings.passMark))/20: no winner"
        }
        let first = eligible[0]
        let second = eligible[1]
        if let a = scored.distributions[first.companyID], let b = scored.distributions[second.companyID],
            a.count == b.count, !a.isEmpty
        {
            let confidence = first.interval?.confidence ?? 0.95
            let lead = AwardBootstrap.interval(of: zip(a, b).map { $0 - $1 }, confidence: confidence, passMark: 0)
            result.leadInterval = lead
            result.statisticalTie = lead.lower <= 0 && lead.upper >= 0
        } else {
            result.statisticalTie = first.mark == second.mark
        }
        return result
    }
}

/// Rapport détaillé: what one company receives after the edition (pure data; rendering is elsewhere).
public struct CompanyReport: Codable, Sendable, Hashable {
    public struct Comparison: Codable, Sendable, Hashable {
        /// A channel, family or "channel.criterion" key.
        public var key: String
        public var label: String
        public var mark: Double
        public var categoryMean: Double
        public var categoryBest: Double
        public var gap: Double { mark - categoryMean }

        enum CodingKeys: String, CodingKey { case key, label, mark, categoryMean, categoryBest, gap }

        public init(key: String, label: String, mark: Double, categoryMean: Double, categoryBest: Double) {
            self.key = key
            self.label = label
            self.mark = mark
            self.categoryMean = categoryMean
            self.categoryBest = categoryBest
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                key: try c.decode(String.self, forKey: .key), label: try c.decode(String.self, forKey: .label),
                mark: try c.decode(Double.self, forKey: .mark),
                categoryMean: try c.decode(Double.self, forKey: .categoryMean),
                categoryBest: try c.decode(Double.self, forKey: .categoryBest))
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(key, forKey: .key)
            try c.encode(label, forKey: .label)
            try c.encode(mark, forKey: .mark)
            try c.encode(categoryMean, forKey: .categoryMean)
            try c.encode(categoryBest, forKey: .categoryBest)
            try c.encode(gap, forKey: .gap)
        }
    }

    public var companyID: String
    public var companyName: String
    public var categoryID: String
    public var rank: Int?
    public var participants: Int
    public var isWinner: Bool
    public var overall: Comparison
    public var interval: MarkInterval?
    public var channels: [Comparison]
    public var families: [Comparison]
    /// Critère par critère, against the category.
    public var criteria: [Comparison]
    /// Points forts: criteria furthest above the category mean.
    public var strengths: [Comparison]
    /// Axes de progrès: criteria furthest below the category mean.
    public var improvements: [Comparison]
    public var zeros: [CompanyScore.ZeroedTest]
    /// Number of zeroed tests per cause kind.
    public var zeroCounts: [String: Int]

    /// Builds the report of `companyID` from its category's scores. `highlights` strengths and areas of
    /// improvement are listed (only criteria with a positive, resp. negative, gap).
    public static func make(
        companyID: String, result: CategoryResult, scored: ScoredEdition, highlights: Int = 3
    ) -> CompanyReport? {
        guard let own = scored.company(companyID),
            let entry = result.entries.first(where: { $0.companyID == companyID })
        else { return nil }
        let peers = result.entries.filter(\.eligible).compactMap { scored.company($0.companyID) }
        let group = peers.isEmpty ? [own] : peers
        func compare(_ key: String, _ label: String, _ mark: Double, _ values: [Double]) -> Comparison {
            let values = values.isEmpty ? [mark] : values
            return Comparison(
                key: key, label: label, mark: mark, categoryMean: values.reduce(0, +) / Double(values.count),
                categoryBest: values.max()!)
        }
        let channels = own.channels.map { c in
            compare(
                c.channel.rawValue, c.channel.labelFR, c.mark,
                group.compactMap { $0.channels.first { $0.channel == c.channel }?.mark })
        }
        let families = own.families.map { f in
            compare(
                f.family.rawValue, f.family.labelFR, f.mark,
                group.compactMap { $0.families.first { $0.family == f.family }?.mark })
        }
        let criteria = own.criteria.map { c in
            compare(
                "\(c.channel.rawValue).\(c.criterionID)", "\(c.channel.labelFR) — \(c.label.fr)", c.mark,
                group.compactMap { peer in
                    peer.criteria.first { $0.channel == c.channel && $0.criterionID == c.criterionID }?.mark
                })
        }
        let byGap = criteria.sorted { $0.gap != $1.gap ? $0.gap > $1.gap : $0.key < $1.key }
        var counts: [String: Int] = [:]
        for zero in own.zeros { for cause in zero.causes { counts[cause.kind.rawValue, default: 0] += 1 } }
        return CompanyReport(
            companyID: companyID, companyName: entry.companyName, categoryID: result.categoryID, rank: entry.rank,
            participants: peers.count, isWinner: result.winnerID == companyID,
            overall: compare("overall", "Note globale", own.mark, peers.map(\.mark)), interval: own.interval,
            channels: channels, families: families, criteria: criteria,
            strengths: Array(byGap.filter { $0.gap > 0 }.prefix(highlights)),
            improvements: Array(byGap.reversed().filter { $0.gap < 0 }.prefix(highlights)),
            zeros: own.zeros, zeroCounts: counts)
    }
}

/// Everything an edition produces: scores, category results and one report per company.
public struct EditionResults: Codable, Sendable, Hashable {
    public var scored: ScoredEdition
    public var categories: [CategoryResult]
    public var reports: [CompanyReport]

    /// Scores every evaluation, judges every category and writes every company's report.
    public static func compute(
        settings: EditionSettings, scorecards: ScorecardSet, categories: [Category], companies: [Company],
        evaluations: [Evaluation], bootstrap: BootstrapOptions? = BootstrapOptions()
    ) throws -> EditionResults {
        let scored = try AwardScoring(settings: settings, scorecards: scorecards).score(
            evaluations, bootstrap: bootstrap)
        let results = categories.sorted { $0.id < $1.id }.map {
            CategoryResult.judge(category: $0, companies: companies, scored: scored, settings: settings)
        }
        let reports = results.flatMap { result in
            result.entries.compactMap { CompanyReport.make(companyID: $0.companyID, result: result, scored: scored) }
        }
        return EditionResults(scored: scored, categories: results, reports: reports)
    }
}
