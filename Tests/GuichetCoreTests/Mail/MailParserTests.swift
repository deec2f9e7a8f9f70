import Foundation
import Testing

@testable import GuichetCore

@Suite("Inbound mail parsing")
struct MailParserTests {
    func parse(_ text: String) throws -> MailMessage {
        try MailParser().parse(Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
    }

    @Test("Outlook-style windows-1252 quoted-printable, encoded-word subject, folded headers")
    func outlook() throws {
        var raw = Data(
            """
            From: =?iso-8859-1?Q?L=E9a_Dupont?= <Lea.Dupont@Example.FR>
            To: "Service client, Maison Lumière" <contact@maison-lumiere.fr>
            Subject: =?windows-1252?Q?R=E9clamation_:_facture_=80?=
             =?UTF-8?B?IGRlIG1haQ==?=
            Message-ID: <ABC123@mail.example.fr>
            Date: Tue, 2 May 2017 10:00:00 +0200
            MIME-Version: 1.0
            Content-Type: text/plain; charset="windows-1252"
            Content-Transfer-Encoding: quoted-printable

            Bonjour, ma facture de 42 =80 est erron=E9e. Merci de la corriger, c=92est urgent=
             =9C.

            """.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        raw.append(contentsOf: [])
        let message = try MailParser().parse(raw)
        #expect(message.from == [.init(name: "Léa Dupont", email: "lea.dupont@example.fr")])
        #expect(message.to.first?.name == "Service client, Maison Lumière")
        #expect(message.subject == "Réclamation : facture € de mai")
        #expect(message.messageID == "ABC123@mail.example.fr")
        #expect(message.date == Date(timeIntervalSince1970: 1_493_712_000))
        #expect(message.text.contains("42 € est erronée"))
        #expect(message.text.contains("c’est urgent œ."), "soft line break joined, 0x92 and 0x9C from cp1252")
    }

    @Test("Nested multipart: text preferred over HTML, PDF attachment with an RFC 2231 name")
    func nested() throws {
        let pdf = Data("%PDF-1.4 facture".utf8).base64EncodedString()
        let message = try parse(
            """
            From: marc@example.fr
            Subject: Facture
            In-Reply-To: <parent@guichet>
            References: <root@guichet> <parent@guichet>
            Content-Type: multipart/mixed; boundary="outer"

            preamble
            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 8bit

            Voici la facture, été 2017.
            --inner
            Content-Type: text/html; charset=utf-8

            <p>Voici la <b>facture</b></p>
            --inner--
            --outer
            Content-Type: application/pdf
            Content-Disposition: attachment; filename*=UTF-8''facture%20%C3%A9t%C3%A9.pdf
            Content-Transfer-Encoding: base64

            \(pdf)
            --outer--
            epilogue
            """)
        #expect(message.text == "Voici la facture, été 2017.")
        #expect(message.html?.contains("<b>facture</b>") == true)
        #expect(message.attachments.count == 1)
        #expect(message.attachments[0].filename == "facture été.pdf")
        #expect(message.attachments[0].contentType == "application/pdf")
        #expect(message.attachments[0].data == Data("%PDF-1.4 facture".utf8))
        #expect(message.inReplyTo == ["parent@guichet"])
        #expect(message.references == ["root@guichet", "parent@guichet"])
    }

    @Test("HTML-only mail gives readable text")
    func htmlOnly() throws {
        let message = try parse(
            """
            From: a@example.fr
            Content-Type: text/html; charset=iso-8859-15

            <html><style>p{}</style><body><p>Prix&nbsp;: 10 &euro;</p><p>Merci &amp; bonne journ&eacute;e</p></body></html>
            """)
        #expect(message.text.contains("Merci & bonne journée"))
        #expect(message.text.contains("Prix : 10 €"))
        #expect(!message.text.contains("<p>"))
    }

    @Test(
        "Malformed mail is refused with a reason, never a crash",
        arguments: [
            ("no colon", "From a@example.fr\nSubject hello\n\nbody", "header line"),
            ("missing boundary", "From: a@b.fr\nContent-Type: multipart/mixed\n\nx", "without a boundary"),
            (
                "boundary absent", "From: a@b.fr\nContent-Type: multipart/mixed; boundary=zz\n\nno parts here",
                "never appears"
            ),
            (
                "truncated base64",
                "From: a@b.fr\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xL", "base64"
            ),
            ("empty", "", "no header"),
        ])
    func malformed(name: String, raw: String, expected: String) {
        do {
            _ = try parse(raw)
            Issue.record("\(name): expected a refusal")
        } catch {
            let text = String(describing: error)
            #expect(text.contains(expected), "\(name): \(text)")
        }
    }

    @Test("A multipart nested deeper than the limit is refused")
    func depthBomb() {
        var raw = "From: a@b.fr\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for level in 1...25 { raw += "--b\(level - 1)\nContent-Type: multipart/mixed; boundary=b\(level)\n\n" }
        raw += "--b25\nContent-Type: text/plain\n\nhi\n"
        #expect(throws: MailParseError.tooDeep(limit: 20)) { try parse(raw) }
    }
}

@Suite("Mail threading")
struct MailThreadingTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func message(
        id: String, inReplyTo: [String] = [], references: [String] = [], subject: String = "Ma facture",
        from: String = "lea@example.fr"
    ) -> MailMessage {
        MailMessage(
            from: [.init(name: nil, email: from)], to: [], cc: [], subject: subject, messageID: id,
            inReplyTo: inReplyTo,
            references: references, date: nil, text: "", html: nil, attachments: [])
    }

    @Test("Replies join their contact by In-Reply-To, then References, whatever the arrival order")
    func headers() {
        let threading = MailThreading()
        let known = MailThreading.Known(messages: ["m1@x": "contact-1"], citedBy: ["m0@x": "contact-9"])
        #expect(
            threading.contact(for: message(id: "m2@x", inReplyTo: ["m1@x"]), known: known, now: now)
                == .existing(contactID: "contact-1", because: "In-Reply-To <m1@x>"))
        #expect(
            threading.contact(for: message(id: "m3@x", references: ["m1@x", "unknown@x"]), known: known, now: now)
                == .existing(contactID: "contact-1", because: "References <m1@x>"))
        // The parent arrives after its reply: the reply already cited it.
        if case .existing(let contact, _) = threading.contact(for: message(id: "m0@x"), known: known, now: now) {
            #expect(contact == "contact-9")
        } else {
            Issue.record("the late parent should join the reply's contact")
        }
    }

    @Test("Subject fallback: same sender, prefixes ignored, within the window only")
    func subject() {
        #expect(MailThreading.normalisedSubject("RE : TR: Fwd:  Ma   Facture") == "ma facture")
        let threading = MailThreading()
        let known = MailThreading.Known(conversations: [
            .init(
                contactID: "c-old", customerEmail: "lea@example.fr", subject: "Ma facture",
                lastMessageAt: now.addingTimeInterval(-30 * 24 * 3600)),
            .init(
                contactID: "c-recent", customerEmail: "lea@example.fr", subject: "ma facture",
                lastMessageAt: now.addingTimeInterval(-3600)),
        ])
        #expect(
            threading.contact(for: message(id: "n@x", subject: "RE: Ma facture"), known: known, now: now)
                == .existing(contactID: "c-recent", because: "same subject from the same sender"))
        #expect(
            threading.contact(
                for: message(id: "n@x", subject: "RE: Ma facture", from: "other@x.fr"), known: known,
                now: now) == .new)
    }
}
