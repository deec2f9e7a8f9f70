import Foundation
import Testing

@testable import GuichetCore

@Suite("Contacts: replaying a whole log, merges applied")
struct ContactsLogReplayTests {
    typealias Scenario = ContactsTimelineTests
    let t0 = ContactsTimelineTests.t0

    /// Interleaves logs the way a live system records them: by time, ties in the given order.
    func interleaved(_ logs: [[ContactEvent]]) -> [ContactEvent] {
        logs.enumerated().flatMap { index, log in log.map { (index, $0) } }
            .enumerated().sorted { ($0.element.1.at, $0.offset) < ($1.element.1.at, $1.offset) }
            .map(\.element.1)
    }

    @Test("Interleaved contacts are pulled apart and replayed; indicators match replaying each one alone")
    func interleavedLog() throws {
        let logs = [Scenario.clean, Scenario.bounced, Scenario.hungUp, Scenario.justLate]
        let replay = ContactLogReplay(interleaved(logs))
        #expect(replay.rejected.isEmpty)
        #expect(replay.timelines.count == 4)
        #expect(replay.summary() == ContactLogSummary(try logs.map(ContactTimeline.replay)))
        #expect(replay.summary().firstContactResolution == 2.0 / 3)
    }

    @Test("A corrupt contact is set aside with its reason; the others are still counted")
    func corruptContact() throws {
        var broken = Scenario.log("broken", [(0, .created, nil), (1, .queued, nil), (2, .resumed, nil)])
        broken.append(contentsOf: Scenario.log("orphan", [(3, .answered, nil)]))
        let replay = ContactLogReplay(interleaved([Scenario.clean, broken, Scenario.hungUp]))
        #expect(replay.timelines.map(\.contactID) == ["clean", "hung-up"])
        #expect(
            replay.rejected == [
                .init(contactID: "broken", error: .invalidTransition(index: 2, from: .queued, event: .resumed)),
                .init(contactID: "orphan", error: .notFirst(.answered)),
            ])
        #expect(replay.summary().contacts == 2)
    }

    @Test("The log's order is kept: a timestamp going backwards is reported, not silently re-sorted")
    func recordedOrderKept() {
        var log = Scenario.clean
        log.swapAt(2, 3)  // 'offered' (17 s) recorded after 'answered' (20 s)
        let replay = ContactLogReplay(log)
        #expect(replay.rejected.map(\.error) == [.outOfOrder(index: 3)])
    }

    @Test("After merges (a chain: web visitor → email → phone record), one customer, one journey, every channel")
    func mergedJourney() throws {
        let phone = Scenario.log("call", customer: "cust-phone", entryPoint: "+33123456789", Scenario.clean.steps)
        let mail = Scenario.log(
            "mail", customer: "cust-mail", entryPoint: "contact@maison-lumiere.fr", medium: .email,
            Scenario.justLate.steps.map { ($0.0 + 3_600, $0.1, $0.2) })
        let form = Scenario.log(
            "form", customer: "cust-web", entryPoint: "formulaire-contact", medium: .form,
            Scenario.bounced.steps.map { ($0.0 + 7_200, $0.1, $0.2) })
        let merges = try [
            CustomerMerge.plan(
                ("cust-mail", t0, [.email("lea@example.fr")], ["mail"]),
                ("cust-web", t0.addingTimeInterval(60), [], ["form"]), by: "agent-1", at: t0, reason: "même adresse"),
            CustomerMerge.plan(
                ("cust-phone", t0.addingTimeInterval(-86_400), [.phone("+33123456789")], ["call"]),
                ("cust-mail", t0, [.email("lea@example.fr")], ["mail", "form"]), by: "agent-2", at: t0,
                reason: "a donné son numéro"),
        ]
        let replay = ContactLogReplay(interleaved([form, mail, phone]), merges: merges)
        #expect(
            replay.journeys == [
                JourneyView(customerID: "cust-phone", contacts: 3, entryPointsTouched: 3, contactsWithHoldOrTransfer: 1)
            ])
        #expect(replay.history(of: "cust-phone").map(\.contactID) == ["call", "mail", "form"], "oldest first")
        #expect(replay.history(of: "cust-mail").isEmpty)
        // Without the merges the same log shows three strangers, each with one entry point: the SPOC failure hides.
        #expect(ContactLogReplay(interleaved([form, mail, phone])).journeys.map(\.entryPointsTouched) == [1, 1, 1])
    }

    @Test("A merge cycle (which the store should never allow) ends instead of looping")
    func mergeCycle() {
        let merges = [("a", "b"), ("b", "a")].map { absorbed, kept in
            CustomerMerge(
                kept: kept, absorbed: absorbed, movedIdentities: [], movedContacts: [], mergedBy: "x", at: t0,
                reason: "")
        }
        let survivor = ContactLogReplay.survivors(merges)
        #expect(survivor("a") == "b")
        #expect(survivor("b") == "a")
        #expect(survivor("c") == "c")
    }
}

extension Array where Element == ContactEvent {
    /// The scenario as `(offset, kind, reason)` steps, to replay it under another contact or customer.
    var steps: [(TimeInterval, ContactEventKind, String?)] {
        map { ($0.at.timeIntervalSince(ContactsTimelineTests.t0), $0.kind, $0.reason) }
    }
}
