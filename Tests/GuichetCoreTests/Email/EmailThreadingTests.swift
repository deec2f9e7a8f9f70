import Foundation
import Testing

@testable import GuichetCore

/// A conversation must land in one contact whatever order its messages reach the server in (issue 5).
@Suite("Email: threading into contacts")
struct EmailThreadingTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func mail(
        _ id: String, replyTo: String? = nil, references: [String] = [], subject: String = "Ma facture de mai",
        from: String = "lea@example.fr"
    ) -> MailMessage {
        MailMessage(
            from: [.init(name: nil, email: from)], to: [], cc: [], subject: subject, messageID: id,
            inReplyTo: replyTo.map { [$0] } ?? [], references: references, date: nil, text: "", html: nil,
            attachments: [])
    }

    /// What the store does with each decision: remember the message, what it cites, and the conversation.
    struct Store {
        var known = MailThreading.Known()
        var contactOf: [String: String] = [:]
        var next = 0

        mutating func receive(_ message: MailMessage, at now: Date) {
            let contact: String
            switch MailThreading().contact(for: message, known: known, now: now) {
            case .existing(let id, _): contact = id
            case .new:
                next += 1
                contact = "contact-\(next)"
            }
            let id = message.messageID!
            contactOf[id] = contact
            known.messages[id] = contact
            for cited in message.inReplyTo + message.references where known.citedBy[cited] == nil {
                known.citedBy[cited] = contact
            }
            known.conversations.append(
                .init(
                    contactID: contact, customerEmail: message.from[0].email, subject: message.subject,
                    lastMessageAt: now))
        }
    }

    /// Every order of `items` (Heap's algorithm).
    func permutations<T>(_ items: [T]) -> [[T]] {
        var result: [[T]] = []
        var items = items
        func permute(_ k: Int) {
            if k <= 1 { return result.append(items) }
            for i in 0..<k {
                permute(k - 1)
                items.swapAt(k % 2 == 0 ? i : 0, k - 1)
            }
        }
        permute(items.count)
        return result
    }

    @Test("A chain of four messages, each citing the one before: one contact in all 24 arrival orders")
    func chainAnyOrder() {
        // Different senders and subjects on purpose: only the headers may join them.
        let thread = [
            mail("m1@x", subject: "Ma facture", from: "lea@example.fr"),
            mail("m2@x", replyTo: "m1@x", references: ["m1@x"], subject: "RE: Ma facture", from: "marc@example.fr"),
            mail("m3@x", replyTo: "m2@x", references: ["m1@x", "m2@x"], subject: "TR: x", from: "lea@example.fr"),
            mail(
                "m4@x", replyTo: "m3@x", references: ["m1@x", "m2@x", "m3@x"], subject: "AW: y", from: "paul@x.de"),
        ]
        let orders = permutations(thread)
        #expect(orders.count == 24)
        for order in orders {
            var store = Store()
            for message in order { store.receive(message, at: now) }
            #expect(Set(store.contactOf.values).count == 1, "\(order.map { $0.messageID! })")
        }
    }

    @Test("Two replies to the same message, arriving before it, end in one contact")
    func siblingsBeforeParent() {
        let parent = mail("root@x", subject: "Coupure de courant")
        let lea = mail("r1@x", replyTo: "root@x", references: ["root@x"], subject: "RE: Coupure de courant")
        let marc = mail(
            "r2@x", replyTo: "root@x", references: ["root@x"], subject: "RE: Coupure de courant",
            from: "marc@example.fr")
        var store = Store()
        for message in [lea, marc, parent] { store.receive(message, at: now) }
        #expect(Set(store.contactOf.values).count == 1)
    }

    @Test("Two replies to one message and an answer to the first reply: one contact in all 24 arrival orders")
    func siblingsAnyOrder() {
        // Different senders and subjects on purpose: only the headers may join them.
        let thread = [
            mail("root@x", subject: "Coupure de courant", from: "lea@example.fr"),
            mail("r1@x", replyTo: "root@x", references: ["root@x"], subject: "RE: Coupure", from: "marc@example.fr"),
            mail("r2@x", replyTo: "root@x", references: ["root@x"], subject: "TR: x", from: "paul@x.de"),
            mail("g@x", replyTo: "r1@x", references: ["root@x", "r1@x"], subject: "AW: y", from: "anne@x.be"),
        ]
        for order in permutations(thread) {
            var store = Store()
            for message in order { store.receive(message, at: now) }
            #expect(Set(store.contactOf.values).count == 1, "\(order.map { $0.messageID! })")
        }
    }

    @Test("In-Reply-To wins over References, and References are read from the latest back")
    func headerPrecedence() {
        let known = MailThreading.Known(messages: ["a@x": "c-a", "b@x": "c-b", "c@x": "c-c"])
        let threading = MailThreading()
        #expect(
            threading.contact(for: mail("n@x", replyTo: "a@x", references: ["b@x", "c@x"]), known: known, now: now)
                == .existing(contactID: "c-a", because: "In-Reply-To <a@x>"))
        #expect(
            threading.contact(
                for: mail("n@x", replyTo: "zz@x", references: ["b@x", "c@x", "zz@x"]), known: known, now: now)
                == .existing(contactID: "c-c", because: "References <c@x>"))
    }

    @Test(
        "Reply and forward prefixes in French, English and German are ignored in the subject",
        arguments: [
            "RE: Ma facture de mai", "Re : Ma facture de mai", "TR: Ma facture de mai", "Fwd: Ma facture de mai",
            "AW: Ma facture de mai", "WG: Ma facture de mai", "RE: TR: RE: Ma facture de mai",
            "Re[2]: Ma facture de mai", "  re:ma   FACTURE de mai ", "RE\u{A0}: Ma facture de mai",
        ])
    func prefixes(subject: String) {
        #expect(MailThreading.normalisedSubject(subject) == "ma facture de mai")
    }

    @Test("The subject alone joins only the same customer's recent conversation")
    func subjectFallback() {
        let threading = MailThreading()
        let known = MailThreading.Known(conversations: [
            .init(
                contactID: "c-lea", customerEmail: "Lea@Example.fr", subject: "Ma facture de mai",
                lastMessageAt: now.addingTimeInterval(-13 * 86_400))
        ])
        #expect(
            threading.contact(for: mail("n1@x", subject: "RE: Ma facture de mai"), known: known, now: now)
                == .existing(contactID: "c-lea", because: "same subject from the same sender"))
        // Another customer with the same banal subject is a different contact.
        #expect(
            threading.contact(
                for: mail("n2@x", subject: "RE: Ma facture de mai", from: "marc@x.fr"), known: known, now: now)
                == .new)
        // Past the 14-day window it is a new request, even from the same customer.
        let later = now.addingTimeInterval(2 * 86_400)
        #expect(threading.contact(for: mail("n3@x", subject: "Ma facture de mai"), known: known, now: later) == .new)
        // An empty subject never joins anything.
        #expect(threading.contact(for: mail("n4@x", subject: "RE: "), known: known, now: now) == .new)
    }

    @Test("Parsed fixtures thread as a customer would expect: the webmail reply joins the Outlook complaint")
    func fixturesThread() throws {
        let complaint = try MailParser().parse(EmailParsingTests.fixture("outlook-cp1252-qp.eml"))
        let reply = try MailParser().parse(EmailParsingTests.fixture("webmail-reply-html-iso8859-15.eml"))
        let other = try MailParser().parse(EmailParsingTests.fixture("thunderbird-nested-pdf.eml"))
        for order in permutations([complaint, reply, other]) {
            var store = Store()
            for message in order { store.receive(message, at: now) }
            #expect(store.contactOf[complaint.messageID!] == store.contactOf[reply.messageID!])
            #expect(store.contactOf[other.messageID!] != store.contactOf[complaint.messageID!])
        }
    }
}
