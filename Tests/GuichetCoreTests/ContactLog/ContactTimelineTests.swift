import Foundation
import Testing

@testable import GuichetCore

@Suite("Contact event log")
struct ContactTimelineTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func log(
        _ id: String, customer: String = "cust-1", entry: String = "+33100000000",
        _ steps: [(ContactEventKind, TimeInterval)]
    ) -> [ContactEvent] {
        [ContactEvent(contactID: id, kind: .created, at: t0, customerID: customer, entryPoint: entry, medium: .voice)]
            + steps.map { ContactEvent(contactID: id, kind: $0.0, at: t0.addingTimeInterval($0.1)) }
    }

    @Test("A call queued 20 s, answered, held 30 s, resolved: hand-computed measures")
    func measures() throws {
        let timeline = try ContactTimeline.replay(
            log(
                "c1",
                [
                    (.queued, 5), (.offered, 20), (.answered, 25), (.held, 100), (.resumed, 130), (.wrapUp, 200),
                    (.resolved, 230),
                ]))
        #expect(timeline.state == .resolved)
        #expect(timeline.waitBeforeAnswer == 20)
        #expect(timeline.handleTime == 205)
        #expect(timeline.holds == 1)
        #expect(timeline.holdTime == 30)
        #expect(timeline.resolvedAtFirstContact)
    }

    @Test("Impossible sequences are refused with where and why")
    func invalid() {
        #expect(throws: ContactLogError.invalidTransition(index: 3, from: .resolved, event: .answered)) {
            try ContactTimeline.replay(self.log("c", [(.answered, 1), (.resolved, 2), (.answered, 3)]))
        }
        #expect(throws: ContactLogError.notFirst(.queued)) {
            try ContactTimeline.replay([ContactEvent(contactID: "c", kind: .queued, at: self.t0)])
        }
        #expect(throws: ContactLogError.outOfOrder(index: 2)) {
            try ContactTimeline.replay(self.log("c", [(.queued, 10), (.answered, 5)]))
        }
        #expect(throws: ContactLogError.empty) { try ContactTimeline.replay([]) }
    }

    @Test("Indicators from a small log: service level counts abandons as misses; FCR excludes transfers and reopens")
    func summary() throws {
        let timelines = try [
            log("fast", [(.queued, 0), (.answered, 10), (.resolved, 100)]),
            log("slow", [(.queued, 0), (.answered, 50), (.transferred, 60), (.answered, 70), (.resolved, 90)]),
            log("gone", [(.queued, 0), (.abandoned, 40)]),
            log(
                "again",
                [
                    (.answered, 0), (.resolved, 10), (.reopened, 500), (.queued, 500), (.answered, 505),
                    (.resolved, 600),
                ]),
        ].map(ContactTimeline.replay)
        let summary = ContactLogSummary(timelines, threshold: 30)
        #expect(summary.contacts == 4)
        #expect(summary.answered == 3)
        #expect(summary.abandoned == 1)
        // Answered within 30 s: fast (10) and again (5, its first queue wait) → 2 of (3 answered + 1 abandoned).
        #expect(summary.serviceLevel == 0.5)
        #expect(summary.transferRate == 1.0 / 3.0)
        #expect(summary.firstContactResolution == 1.0 / 3.0)
    }

    @Test("The journey view counts entry points touched and contacts held or transferred, per customer")
    func journeys() throws {
        let timelines = try [
            log(
                "a", customer: "lea", entry: "+33100000000",
                [(.answered, 0), (.held, 5), (.resumed, 9), (.resolved, 20)]),
            log("b", customer: "lea", entry: "contact@marque.fr", [(.answered, 0), (.resolved, 3)]),
            log("c", customer: "lea", entry: "+33100000000", [(.answered, 0), (.resolved, 3)]),
            log(
                "d", customer: "marc", entry: "chat",
                [(.answered, 0), (.transferred, 1), (.answered, 2), (.resolved, 3)]),
        ].map(ContactTimeline.replay)
        let views = JourneyView.views(timelines)
        #expect(views.map(\.customerID) == ["lea", "marc"])
        #expect(views[0].contacts == 3)
        #expect(views[0].entryPointsTouched == 2)
        #expect(views[0].contactsWithHoldOrTransfer == 1)
        #expect(views[1].contactsWithHoldOrTransfer == 1)
    }
}
