import Foundation
import Testing

@testable import GuichetCore

/// Scenarios a supervisor would recognise, replayed from the event log alone, every figure computed by hand.
@Suite("Contacts: timelines and indicators from the event log")
struct ContactsTimelineTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    /// Builds one contact's log from `(seconds after t0, event)` pairs.
    static func log(
        _ contact: String, customer: String = "lea", entryPoint: String = "+33123456789", medium: Medium = .voice,
        _ steps: [(TimeInterval, ContactEventKind, String?)]
    ) -> [ContactEvent] {
        steps.map { offset, kind, reason in
            ContactEvent(
                contactID: contact, kind: kind, at: t0.addingTimeInterval(offset), actor: "agent-1",
                reason: reason, customerID: kind == .created ? customer : nil,
                entryPoint: kind == .created ? entryPoint : nil, medium: kind == .created ? medium : nil)
        }
    }

    /// A call queued 15 s, answered, 3 min of conversation, 30 s of wrap-up, resolved.
    static let clean = log(
        "clean",
        [
            (0, .created, nil), (5, .queued, nil), (17, .offered, nil), (20, .answered, nil), (200, .wrapUp, nil),
            (230, .resolved, nil),
        ])

    /// Answered after 40 s, put on hold one minute, transferred to another department, resolved there.
    static let bounced = log(
        "bounced",
        [
            (0, .created, nil), (0, .queued, nil), (40, .answered, nil), (100, .held, "vérification du contrat"),
            (160, .resumed, nil), (170, .transferred, "pas le bon service"), (230, .answered, nil),
            (400, .resolved, nil),
        ])

    /// The customer hung up after 48 s in the queue.
    static let hungUp = log("hung-up", [(0, .created, nil), (2, .queued, nil), (50, .abandoned, "raccroché")])

    /// Answered after 31 s — one second beyond the 30-second target — and resolved a minute later.
    static let justLate = log(
        "just-late", [(0, .created, nil), (0, .queued, nil), (31, .answered, nil), (91, .resolved, nil)])

    @Test("A clean call: 15 s of wait, 210 s of handling (talk + wrap-up), resolved at first contact")
    func cleanCall() throws {
        let timeline = try ContactTimeline.replay(Self.clean)
        #expect(timeline.state == .resolved)
        #expect(timeline.waitBeforeAnswer == 15)
        #expect(timeline.handleTime == 180 + 30)
        #expect(timeline.holds == 0)
        #expect(timeline.transfers == 0)
        #expect(timeline.resolvedAtFirstContact)
        #expect(timeline.customerID == "lea")
        #expect(timeline.entryPoint == "+33123456789")
        #expect(timeline.medium == .voice)
    }

    @Test("Hold and transfer: hold time counts as handling, the second queue does not, and FCR is lost")
    func holdAndTransfer() throws {
        let timeline = try ContactTimeline.replay(Self.bounced)
        // Talk 40→100 (60) + hold 100→160 (60) + talk 160→170 (10) + second agent 230→400 (170).
        #expect(timeline.handleTime == 300)
        #expect(timeline.holds == 1)
        #expect(timeline.holdTime == 60)
        #expect(timeline.transfers == 1)
        #expect(timeline.waitBeforeAnswer == 40, "the wait is the customer's first one, not the post-transfer queue")
        #expect(timeline.state == .resolved)
        #expect(!timeline.resolvedAtFirstContact)
    }

    @Test("An abandoned call has no wait-before-answer and no handling time")
    func abandoned() throws {
        let timeline = try ContactTimeline.replay(Self.hungUp)
        #expect(timeline.state == .abandoned)
        #expect(timeline.wasAbandoned)
        #expect(!timeline.wasAnswered)
        #expect(timeline.waitBeforeAnswer == nil)
        #expect(timeline.handleTime == 0)
        #expect(!timeline.resolvedAtFirstContact)
    }

    @Test("A reopened contact, even when resolved again, is not a first-contact resolution")
    func reopened() throws {
        let timeline = try ContactTimeline.replay(
            Self.log(
                "again",
                [
                    (0, .created, nil), (0, .queued, nil), (10, .answered, nil), (70, .resolved, nil),
                    (86_400, .reopened, "toujours pas remboursé"), (86_400, .queued, nil), (86_460, .answered, nil),
                    (86_520, .resolved, nil),
                ]))
        #expect(timeline.state == .resolved)
        #expect(timeline.reopened == 1)
        #expect(!timeline.resolvedAtFirstContact)
        #expect(timeline.waitBeforeAnswer == 10, "the first wait, not the one after reopening")
        #expect(timeline.handleTime == 60 + 60)
    }

    @Test("Web self-service: a contact resolved without any agent still counts as resolved at first contact")
    func selfService() throws {
        let timeline = try ContactTimeline.replay(
            Self.log("faq", medium: .form, [(0, .created, nil), (120, .resolved, "réponse trouvée dans la FAQ")]))
        #expect(timeline.state == .resolved)
        #expect(timeline.resolvedAtFirstContact)
        #expect(!timeline.wasAnswered)
    }

    @Test(
        "Impossible sequences are refused, naming the event and the state it could not apply to",
        arguments: [
            ([ContactEventKind.created, .queued, .answered, .resolved, .answered], 4, ContactState.resolved),
            ([.created, .queued, .held], 2, .queued),
            ([.created, .queued, .answered, .resumed], 3, .inProgress),
            ([.created, .queued, .abandoned, .answered], 3, .abandoned),
            ([.created, .queued, .answered, .held, .wrapUp], 4, .onHold),
            ([.created, .reopened], 1, .new),
            ([.created, .queued, .answered, .wrapUp, .held], 4, .wrapUp),
            ([.created, .created], 1, .new),
        ])
    func refused(kinds: [ContactEventKind], index: Int, from: ContactState) {
        let events = Self.log("x", kinds.enumerated().map { (Double($0.offset), $0.element, nil) })
        #expect(throws: ContactLogError.invalidTransition(index: index, from: from, event: kinds[index])) {
            try ContactTimeline.replay(events)
        }
    }

    @Test("The refusal reads as a sentence a supervisor understands")
    func refusalMessage() {
        let error = ContactLogError.invalidTransition(index: 4, from: .resolved, event: .answered)
        #expect(error.description == "event 4: cannot 'answered' a contact that is resolved")
    }

    @Test("A log that mixes two contacts, or goes back in time, is refused")
    func brokenLogs() {
        #expect(throws: ContactLogError.mixedContacts) {
            try ContactTimeline.replay(Self.clean + Self.hungUp)
        }
        var backwards = Self.clean
        backwards[3].at = Self.t0  // answered before it was offered
        #expect(throws: ContactLogError.outOfOrder(index: 3)) { try ContactTimeline.replay(backwards) }
    }

    @Test("Indicators over four contacts, by hand: SL 1/4, mean wait 86/3 s, AHT 190 s, FCR 2/3")
    func indicators() throws {
        let timelines = try [Self.clean, Self.bounced, Self.hungUp, Self.justLate].map(ContactTimeline.replay)
        let summary = ContactLogSummary(timelines, threshold: 30)
        #expect(summary.contacts == 4)
        #expect(summary.answered == 3)
        #expect(summary.abandoned == 1)
        // Within 30 s: only the 15 s wait; the 31 s and 40 s waits and the abandon are misses → 1 / (3 + 1).
        #expect(summary.serviceLevel == 0.25)
        let meanWait: Double = (15 + 40 + 31) / 3
        #expect(summary.averageWait == meanWait)
        let meanHandle: Double = (210 + 300 + 60) / 3
        #expect(summary.averageHandleTime == meanHandle)
        #expect(summary.holdRate == 1.0 / 3)
        #expect(summary.transferRate == 1.0 / 3)
        #expect(summary.firstContactResolution == 2.0 / 3)
        // At 45 s every answered call is within target; the abandon is still a miss.
        #expect(ContactLogSummary(timelines, threshold: 45).serviceLevel == 0.75)
    }

    @Test("An empty log gives no rates rather than zeros (nothing measured is not 0 %)")
    func emptySummary() {
        let summary = ContactLogSummary([])
        #expect(summary.contacts == 0)
        #expect(summary.serviceLevel == nil)
        #expect(summary.firstContactResolution == nil)
        #expect(summary.averageHandleTime == nil)
    }

    @Test("A call picked up at once, without queueing, meets the service level")
    func answeredWithoutQueue() throws {
        let direct = try ContactTimeline.replay(
            Self.log("direct", [(0, .created, nil), (3, .answered, nil), (60, .resolved, nil)]))
        #expect(ContactLogSummary([direct]).serviceLevel == 1)
    }

    @Test("SPOC view: three entry points for one customer, one contact bounced — routing failures are visible")
    func journey() throws {
        let timelines = try [
            Self.log("c1", customer: "lea", entryPoint: "+33123456789", Self.clean.steps),
            Self.log("c2", customer: "lea", entryPoint: "+33987654321", Self.bounced.steps),
            Self.log(
                "c3", customer: "lea", entryPoint: "contact@maison-lumiere.fr", medium: .email,
                Self.justLate.steps),
            Self.log("c4", customer: "marc", entryPoint: "+33123456789", Self.clean.steps),
        ].map(ContactTimeline.replay)
        let views = JourneyView.views(timelines)
        #expect(
            views == [
                JourneyView(customerID: "lea", contacts: 3, entryPointsTouched: 3, contactsWithHoldOrTransfer: 1),
                JourneyView(customerID: "marc", contacts: 1, entryPointsTouched: 1, contactsWithHoldOrTransfer: 0),
            ])
    }
}
