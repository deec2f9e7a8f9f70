import Foundation
import Testing

@testable import GuichetCore

@Suite("TestPlanner")
struct AwardTestPlannerTests {
    let edition = Edition(id: "e", name: "2018", start: CivilDate(year: 2017, month: 5, day: 2))
    let category = Category(id: "retail", name: "Retail")
    var scenarios: [Scenario] { AwardDemo.demoScenarios(categoryID: "retail") }
    let shoppers = (1...10).map { Shopper(id: "s\($0)", name: "S\($0)") }

    func company(_ id: String, hours: WeeklyHours = .reference) -> Company {
        Company(
            id: id, name: id, categoryID: "retail", channels: Set(Channel.allCases),
            openingHours: [.phone: hours, .chat: .same(TimeRange("10:00-12:30")!, on: [.monday, .wednesday, .friday])])
    }

    @Test(
        "every plan meets every quota, stays in opening hours and never sends a shopper twice a day", arguments: 1...25)
    func properties(seed: Int) throws {
        let companies = [
            company("a"), company("b"),
            company("c", hours: .same(TimeRange("14:00-18:00")!, on: [.tuesday, .saturday])),
        ]
        let planner = TestPlanner(edition: edition)
        let plan = try planner.plan(
            categories: [category], companies: companies, scenarios: scenarios,
            shoppers: shoppers, seed: UInt64(seed))
        let quotas = edition.settings.quotas
        for c in companies {
            let own = plan.tests.filter { $0.companyID == c.id }
            #expect(own.count == 225)
            for channel in Channel.allCases {
                let tests = own.filter { $0.channel == channel }
                #expect(tests.count == quotas[channel])
                // Even over the 10 weeks: every week gets ⌊n/10⌋ or ⌈n/10⌉.
                let perWeek = (0..<10).map { w in tests.filter { $0.day / 7 == w }.count }
                #expect(perWeek.max()! - perWeek.min()! <= 1, "\(channel) per week \(perWeek)")
                let hours = planner.hours(for: channel, of: c)
                #expect(tests.allSatisfy { hours.isOpen(on: $0.weekday, minute: $0.minuteOfDay) })
                // Pre-sale and after-sale in equal numbers (±1).
                let pre = tests.filter { $0.kind == .preSale }.count
                #expect(abs(2 * pre - tests.count) <= 1)
                // Scenarios dealt evenly.
                let uses = Dictionary(grouping: tests, by: \.scenarioID).values.map(\.count)
                #expect((uses.max() ?? 0) - (uses.min() ?? 0) <= 2)
            }
            #expect(own.filter { $0.device == .mobile }.count == 8)
            #expect(own.filter { $0.channel == .web }.allSatisfy { $0.device != nil })
            #expect(own.allSatisfy { (0..<70).contains($0.day) })
        }
        var seen: Set<String> = []
        for test in plan.tests {
            let key = "\(test.shopperID!)|\(test.companyID)|\(test.day)"
            #expect(seen.insert(key).inserted, "shopper twice on one company one day: \(key)")
        }
        let loads = Dictionary(grouping: plan.tests, by: { $0.shopperID! }).values.map(\.count)
        #expect(loads.count == shoppers.count)
        #expect(loads.max()! - loads.min()! <= 1)
    }

    @Test("no visible pattern: phone calls spread over the open weekdays and hours")
    func noPattern() throws {
        let plan = try TestPlanner(edition: edition).plan(
            categories: [category], companies: [company("a")], scenarios: scenarios, shoppers: shoppers, seed: 11)
        let calls = plan.tests.filter { $0.channel == .phone }
        let perWeekday = Dictionary(grouping: calls, by: \.weekday).mapValues(\.count)
        #expect(perWeekday.count == 6)  // Monday–Saturday, never Sunday
        #expect(perWeekday.values.max()! - perWeekday.values.min()! <= 2)  // 140 / 6 ≈ 23 each
        let perHour = Dictionary(grouping: calls, by: { $0.minuteOfDay / 60 }).mapValues(\.count)
        #expect(perHour.count >= 10)
        #expect(perHour.values.max()! <= 30)  // a uniform 11-hour day gives ≈ 13 per hour
    }

    @Test("same seed, same plan; another company does not change a company's tests")
    func deterministic() throws {
        let planner = TestPlanner(edition: edition)
        let one = try planner.plan(
            categories: [category], companies: [company("a")], scenarios: scenarios,
            shoppers: shoppers, seed: 5)
        let again = try planner.plan(
            categories: [category], companies: [company("a")], scenarios: scenarios,
            shoppers: shoppers, seed: 5)
        #expect(one == again)
        let two = try planner.plan(
            categories: [category], companies: [company("a"), company("b")],
            scenarios: scenarios, shoppers: shoppers, seed: 5)
        let strip = { (t: MysteryTest) -> MysteryTest in
            var t = t
            t.shopperID = nil
            return t
        }
        #expect(one.tests.map(strip) == two.tests.filter { $0.companyID == "a" }.map(strip))
    }

    @Test("clear errors when a plan is impossible")
    func errors() throws {
        let planner = TestPlanner(edition: edition)
        var noChat = company("a")
        noChat.channels.remove(.chat)
        let skipped = try planner.plan(
            categories: [category], companies: [noChat], scenarios: scenarios,
            shoppers: shoppers, seed: 1)
        #expect(
            skipped.skipped == [
                SkippedQuota(
                    companyID: "a", channel: .chat, count: 10,
                    reason: "company does not offer chat")
            ])
        #expect(skipped.tests.count == 215)
        #expect(throws: PlanningError.missingChannel(companyID: "a", channel: .chat, quota: 10)) {
            try TestPlanner(edition: edition, missingChannelPolicy: .fail).plan(
                categories: [category], companies: [noChat], scenarios: scenarios, shoppers: shoppers, seed: 1)
        }
        var noHours = company("a")
        noHours.openingHours[.phone] = nil
        #expect(throws: PlanningError.noOpeningHours(companyID: "a", channel: .phone)) {
            try planner.plan(
                categories: [category], companies: [noHours], scenarios: scenarios, shoppers: shoppers, seed: 1)
        }
        #expect(throws: PlanningError.scenarioCount(categoryID: "retail", found: 12, allowed: 13...17)) {
            try planner.plan(
                categories: [category], companies: [company("a")], scenarios: Array(scenarios.prefix(12)),
                shoppers: shoppers, seed: 1)
        }
        #expect(throws: PlanningError.self) {
            try planner.plan(
                categories: [category], companies: [company("a")], scenarios: scenarios,
                shoppers: Array(shoppers.prefix(1)), seed: 1)
        }
        let phoneOnly = [Shopper(id: "p", name: "P", channels: [.phone])]
        #expect(throws: PlanningError.noShopper(channel: .email)) {
            try planner.plan(
                categories: [category], companies: [company("a")], scenarios: scenarios,
                shoppers: phoneOnly, seed: 1)
        }
        #expect(throws: PlanningError.unknownCategory(companyID: "a", categoryID: "retail")) {
            try planner.plan(
                categories: [], companies: [company("a")], scenarios: scenarios, shoppers: shoppers, seed: 1)
        }
    }

    @Test("one shopper cannot test a company twice a day: the error names company, channel and date")
    func notEnoughShoppers() {
        do {
            _ = try TestPlanner(edition: edition).plan(
                categories: [category], companies: [company("a")], scenarios: scenarios,
                shoppers: [Shopper(id: "solo", name: "Solo")], seed: 1)
            Issue.record("expected an error")
        } catch let error as PlanningError {
            guard case .notEnoughShoppers(let company, _, let date) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(company == "a")
            #expect(date >= edition.start)
            #expect(error.description.contains("already tested this company that day"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("CSV and JSON exports carry every test with documented columns")
    func exports() throws {
        let plan = try TestPlanner(edition: edition).plan(
            categories: [category], companies: [company("a")], scenarios: scenarios, shoppers: shoppers, seed: 2)
        let lines = plan.csv().split(separator: "\n")
        #expect(lines.count == 226)
        #expect(
            lines[0]
                == "test_id,company,category,channel,device,scenario,kind,date,weekday,local_time,scheduled_at,shopper")
        let first = plan.tests[0]
        #expect(lines[1].hasPrefix("\(first.id),a,retail,\(first.channel.rawValue),"))
        // Paris is UTC+2 in May: local time and UTC instant agree.
        #expect(lines[1].contains(first.localTime))
        let decoded = try AwardJSON.decoder.decode(TestPlan.self, from: plan.json())
        #expect(decoded == plan)
    }

    @Test("civil dates: weekdays and invalid dates")
    func civilDates() {
        #expect(CivilDate(year: 2017, month: 5, day: 2).weekday == .tuesday)
        #expect(CivilDate("2017-02-30") == nil)
        #expect(CivilDate("2017-05-02")!.adding(days: 70).description == "2017-07-11")
        #expect(TimeRange("19:30-08:30") == nil)
    }
}
