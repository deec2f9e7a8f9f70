import Foundation

/// A quota the planner could not honour, and why (the plan is still made for the rest).
public struct SkippedQuota: Codable, Sendable, Hashable {
    public var companyID: String
    public var channel: Channel
    public var count: Int
    public var reason: String
}

/// Why no plan could be made. Each case names the company, channel or day at fault.
public enum PlanningError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidSettings(String)
    case unknownCategory(companyID: String, categoryID: String)
    case scenarioCount(categoryID: String, found: Int, allowed: ClosedRange<Int>)
    case noScenario(categoryID: String, channel: Channel)
    case missingChannel(companyID: String, channel: Channel, quota: Int)
    case noOpeningHours(companyID: String, channel: Channel)
    case noShopper(channel: Channel)
    case notEnoughShoppers(companyID: String, channel: Channel, date: CivilDate)

    public var description: String {
        switch self {
        case .invalidSettings(let why): "invalid edition settings: \(why)"
        case .unknownCategory(let company, let category): "company \(company): unknown category \(category)"
        case .scenarioCount(let category, let found, let allowed):
            "category \(category): \(found) scenarios, "
                + "the protocol needs \(allowed.lowerBound) to \(allowed.upperBound)"
        case .noScenario(let category, let channel):
            "category \(category): no scenario can be played on \(channel.rawValue)"
        case .missingChannel(let company, let channel, let quota):
            "company \(company) does not offer \(channel.rawValue) but its quota is \(quota)"
        case .noOpeningHours(let company, let channel):
            "company \(company): no opening hours for live channel \(channel.rawValue)"
        case .noShopper(let channel): "no shopper is trained for \(channel.rawValue)"
        case .notEnoughShoppers(let company, let channel, let date):
            "not enough shoppers on \(date) for a \(channel.rawValue) test of \(company): "
                + "every trained shopper has already tested this company that day"
        }
    }
}

/// Plan de tests: every mystery test of an edition, with its shopper.
public struct TestPlan: Codable, Sendable, Hashable {
    public var editionID: String
    public var seed: UInt64
    /// Sorted by time, then id.
    public var tests: [MysteryTest]
    public var skipped: [SkippedQuota]

    public init(editionID: String, seed: UInt64, tests: [MysteryTest], skipped: [SkippedQuota] = []) {
        self.editionID = editionID
        self.seed = seed
        self.tests = tests
        self.skipped = skipped
    }

    /// CSV columns, in order (see docs/AWARD.md).
    public static let csvColumns = [
        "test_id", "company", "category", "channel", "device", "scenario", "kind", "date", "weekday", "local_time",
        "scheduled_at", "shopper",
    ]

    /// One row per test; `scheduled_at` is ISO 8601 UTC, `date`/`local_time` are in the edition's time zone.
    public func csv() -> String {
        let iso = ISO8601DateFormatter()
        var lines = [TestPlan.csvColumns.joined(separator: ",")]
        for t in tests {
            let fields = [
                t.id, t.companyID, t.categoryID, t.channel.rawValue, t.device?.rawValue ?? "", t.scenarioID,
                t.kind.rawValue, t.date.description, "\(t.weekday)", t.localTime, iso.string(from: t.scheduledAt),
                t.shopperID ?? "",
            ]
            lines.append(fields.map(CSV.escape).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Pretty JSON with ISO 8601 dates and sorted keys (stable for diffs).
    public func json() throws -> Data { try AwardJSON.encoder.encode(self) }
}

/// What to do when a company does not offer a channel whose quota is above 0.
public enum MissingChannelPolicy: String, Codable, Sendable {
    /// Plan the other channels and record the quota in `TestPlan.skipped`.
    case skip
    /// Refuse to plan.
    case fail
}

/// Planificateur: draws the 225 tests of each company over the fieldwork, seeded.
///
/// Rules (docs/AWARD.md §Planning): each channel's quota is split evenly across the weeks; days are dealt
/// from a shuffled deck of the weekdays the channel is open, so no weekday is favoured; the minute is
/// uniform over the open time of that day; pre-sale and after-sale alternate in equal numbers and
/// scenarios are dealt from a shuffled deck. A company's tests depend only on the seed and the company,
/// not on which other companies are planned with it.
public struct TestPlanner: Sendable {
    public var edition: Edition
    public var missingChannelPolicy: MissingChannelPolicy

    public init(edition: Edition, missingChannelPolicy: MissingChannelPolicy = .skip) {
        self.edition = edition
        self.missingChannelPolicy = missingChannelPolicy
    }

    public func plan(
        categories: [Category], companies: [Company], scenarios: [Scenario], shoppers: [Shopper], seed: UInt64
    ) throws -> TestPlan {
        let settings = edition.settings
        guard settings.weeks > 0 else { throw PlanningError.invalidSettings("weeks must be positive") }
        if let bad = settings.quotas.counts.first(where: { $0.value < 0 }) {
            throw PlanningError.invalidSettings("negative quota for \(bad.key.rawValue)")
        }
        guard (0...settings.quotas[.web]).contains(settings.quotas.mobileWeb) else {
            throw PlanningError.invalidSettings("mobile web quota \(settings.quotas.mobileWeb) exceeds web quota")
        }
        let categoryIDs = Set(categories.map(\.id))
        var tests: [MysteryTest] = []
        var skipped: [SkippedQuota] = []
        for company in companies.sorted(by: { $0.id < $1.id }) {
            guard categoryIDs.contains(company.categoryID) else {
                throw PlanningError.unknownCategory(companyID: company.id, categoryID: company.categoryID)
            }
            let own = scenarios.filter { $0.categoryID == company.categoryID }
            guard settings.scenariosPerCategory.contains(own.count) else {
                throw PlanningError.scenarioCount(
                    categoryID: company.categoryID, found: own.count, allowed: settings.scenariosPerCategory)
            }
            var rng = SeededGenerator(seed: seed, stream: stableHash(company.id))
            var companyTests: [MysteryTest] = []
            for channel in Channel.allCases {
                let quota = settings.quotas[channel]
                guard quota > 0 else { continue }
                guard company.channels.contains(channel) else {
                    if missingChannelPolicy == .fail {
                        throw PlanningError.missingChannel(companyID: company.id, channel: channel, quota: quota)
                    }
                    skipped.append(
                        .init(
                            companyID: company.id, channel: channel, count: quota,
                            reason: "company does not offer \(channel.rawValue)"))
                    continue
                }
                companyTests += try planChannel(channel, quota: quota, company: company, scenarios: own, rng: &rng)
            }
            companyTests.sort { ($0.scheduledAt, $0.channel) < ($1.scheduledAt, $1.channel) }
            for index in companyTests.indices {
                companyTests[index].id = "\(company.id)-\(String(format: "%03d", index + 1))"
            }
            tests += companyTests
        }
        tests.sort { ($0.scheduledAt, $0.id) < ($1.scheduledAt, $1.id) }
        try assignShoppers(&tests, shoppers: shoppers, seed: seed)
        return TestPlan(editionID: edition.id, seed: seed, tests: tests, skipped: skipped)
    }

    /// The hours tests of `channel` may fall in for `company`.
    public func hours(for channel: Channel, of company: Company) -> WeeklyHours {
        if let hours = company.openingHours[channel], !hours.isEmpty { return hours }
        return edition.settings.shopperHours
    }

    private func planChannel(
        _ channel: Channel, quota: Int, company: Company, scenarios: [Scenario], rng: inout SeededGenerator
    ) throws -> [MysteryTest] {
        let settings = edition.settings
        if channel.isLive, company.openingHours[channel]?.isEmpty ?? true {
            throw PlanningError.noOpeningHours(companyID: company.id, channel: channel)
        }
        let hours = hours(for: channel, of: company)
        let openWeekdays = Weekday.allCases.filter { !hours.ranges(on: $0).allSatisfy { $0.length <= 0 } }
        guard !openWeekdays.isEmpty else { throw PlanningError.noOpeningHours(companyID: company.id, channel: channel) }

        // Even spread over weeks: every week gets quota / weeks, the remainder goes to distinct random weeks.
        let weeks = settings.weeks
        var perWeek = [Int](repeating: quota / weeks, count: weeks)
        for week in Array(0..<weeks).shuffled(using: &rng).prefix(quota % weeks) { perWeek[week] += 1 }

        var dayDeck = Deck(openWeekdays)
        var slots: [(day: Int, minute: Int)] = []
        for week in 0..<weeks {
            for _ in 0..<perWeek[week] {
                let weekday = dayDeck.draw(using: &rng)
                // Day offset inside the week whose weekday matches (the edition may start on any weekday).
                let offset = (0..<7).first { edition.start.adding(days: week * 7 + $0).weekday == weekday }!
                let minute = Self.uniformMinute(in: hours.ranges(on: weekday), using: &rng)
                slots.append((week * 7 + offset, minute))
            }
        }

        // Scenarios: equal numbers of pre-sale and after-sale, then each kind's scenarios dealt evenly.
        let playable = scenarios.filter { $0.applies(to: channel) }.sorted { $0.id < $1.id }
        guard !playable.isEmpty else {
            throw PlanningError.noScenario(categoryID: company.categoryID, channel: channel)
        }
        let kinds = ScenarioKind.allCases.filter { kind in playable.contains { $0.kind == kind } }
        var kindSequence = (0..<quota).map { kinds[$0 % kinds.count] }
        kindSequence.shuffle(using: &rng)
        var decks = Dictionary(
            uniqueKeysWithValues: kinds.map { kind in (kind, Deck(playable.filter { $0.kind == kind })) })

        var devices = [Device?](repeating: nil, count: quota)
        if channel == .web {
            devices = (0..<quota).map { $0 < settings.quotas.mobileWeb ? .mobile : .desktop }
            devices.shuffle(using: &rng)
        }
        let timeZone = settings.timeZone
        return slots.enumerated().map { index, slot in
            let scenario = decks[kindSequence[index]]!.draw(using: &rng)
            let date = edition.start.adding(days: slot.day)
            return MysteryTest(
                id: "", companyID: company.id, categoryID: company.categoryID, channel: channel,
                scenarioID: scenario.id, kind: scenario.kind, device: devices[index], day: slot.day, date: date,
                weekday: date.weekday, minuteOfDay: slot.minute,
                scheduledAt: date.instant(minute: slot.minute, in: timeZone))
        }
    }

    /// A minute drawn uniformly over the open time of a day.
    static func uniformMinute(in ranges: [TimeRange], using rng: inout SeededGenerator) -> Int {
        let open = ranges.filter { $0.length > 0 }
        let total = open.reduce(0) { $0 + $1.length }
        var pick = Int(rng.nextUnitDouble() * Double(total))
        for range in open {
            if pick < range.length { return range.start + pick }
            pick -= range.length
        }
        return open.last!.end - 1
    }

    /// Balanced load: each test goes to the least-loaded trained shopper who has not yet tested that
    /// company that day (ties drawn at random), in time order.
    private func assignShoppers(_ tests: inout [MysteryTest], shoppers: [Shopper], seed: UInt64) throws {
        for channel in Set(tests.map(\.channel)).sorted() where !shoppers.contains(where: { $0.canTest(channel) }) {
            throw PlanningError.noShopper(channel: channel)
        }
        var rng = SeededGenerator(seed: seed, stream: 0x5_0000_0000)
        var load = [Int](repeating: 0, count: shoppers.count)
        var seen: Set<String> = []
        for index in tests.indices {
            let test = tests[index]
            let candidates = shoppers.indices.filter {
                shoppers[$0].canTest(test.channel) && !seen.contains("\($0)|\(test.companyID)|\(test.day)")
            }
            guard let least = candidates.map({ load[$0] }).min() else {
                throw PlanningError.notEnoughShoppers(companyID: test.companyID, channel: test.channel, date: test.date)
            }
            let chosen = candidates.filter { load[$0] == least }.randomElement(using: &rng)!
            load[chosen] += 1
            seen.insert("\(chosen)|\(test.companyID)|\(test.day)")
            tests[index].shopperID = shoppers[chosen].id
        }
    }
}

/// A shuffled deck that is reshuffled when empty: draws are uniform but no item runs ahead of another
/// by more than one full deck.
struct Deck<Element> {
    private let items: [Element]
    private var pile: [Element] = []

    init(_ items: [Element]) {
        self.items = items
    }

    mutating func draw(using rng: inout SeededGenerator) -> Element {
        if pile.isEmpty { pile = items.shuffled(using: &rng) }
        return pile.removeLast()
    }
}

/// FNV-1a of a string: a hash stable across runs and machines (Swift's `Hasher` is salted per process).
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}

/// The one JSON encoder for award exports: ISO 8601 dates, sorted keys, pretty-printed.
public enum AwardJSON {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
