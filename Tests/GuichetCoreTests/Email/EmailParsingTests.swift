import Foundation
import Testing

@testable import GuichetCore

/// Real-looking French mail, as the brand's MTA would hand it over (fixtures in `Fixtures/`, written byte for
/// byte: Windows-1252, ISO-8859-1/15, CRLF line ends).
@Suite("Email: parsing inbound mail")
struct EmailParsingTests {
    static func fixture(_ name: String, filePath: String = #filePath) throws -> Data {
        try Data(
            contentsOf: URL(fileURLWithPath: filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/\(name)"))
    }

    static let fixtures = [
        "outlook-cp1252-qp.eml", "thunderbird-nested-pdf.eml", "webmail-reply-html-iso8859-15.eml",
        "malformed-boundary.eml", "truncated-base64.eml",
    ]

    @Test("Outlook: Windows-1252 quoted-printable, subject split over two encoded words, addresses lowercased")
    func outlook() throws {
        let message = try MailParser().parse(Self.fixture("outlook-cp1252-qp.eml"))
        #expect(message.from == [.init(name: "Léa Dupont", email: "lea.dupont@example.fr")])
        #expect(message.to == [.init(name: "'Service client'", email: "service.client@maison-lumiere.fr")])
        #expect(message.cc == [.init(name: "Marc Dupont", email: "marc.dupont@example.fr")])
        #expect(message.subject == "Réclamation – facture n° 2017-0042 : montant erroné")
        #expect(message.messageID == "AM0PR01MB1234A1B2C3D4E5F6@AM0PR01MB1234.eurprd01.prod.exchangelabs.com")
        #expect(message.inReplyTo.isEmpty)
        #expect(message.date == Date(timeIntervalSince1970: 1_493_720_142))  // 2017-05-02 10:15:42 UTC
        // Curly apostrophes (0x92), the euro (0x80), a no-break space (0xA0), "…" (0x85), and the soft line break.
        let expected = [
            "Bonjour,", "",
            "J’ai reçu ma facture n° 2017-0042 d’un montant de 1\u{A0}234,56 € au lieu de 234,56 €.",
            "Pourriez-vous la corriger ? C’est la deuxième fois…", "", "Cordialement,", "Léa Dupont", "",
        ].joined(separator: "\r\n")
        #expect(message.text == expected)
        let html = "<p>J’ai reçu ma facture n° 2017-0042&nbsp;: 1\u{A0}234,56 €.</p>"
        #expect(message.html?.contains(html) == true)
        #expect(message.attachments.isEmpty)
    }

    @Test("Thunderbird: mixed › alternative › related; plain text preferred; inline logo and PDF kept as bytes")
    func thunderbird() throws {
        let message = try MailParser().parse(Self.fixture("thunderbird-nested-pdf.eml"))
        #expect(message.subject == "Relevé de compte après déménagement", "ISO-8859-1 in base64")
        #expect(message.inReplyTo == ["contact-1842.reply-2@maison-lumiere.fr"])
        #expect(message.references == ["contact-1842@maison-lumiere.fr", "contact-1842.reply-2@maison-lumiere.fr"])
        #expect(message.date == Date(timeIntervalSince1970: 1_513_584_131))  // 2017-12-18 08:02:11 UTC
        #expect(
            message.text.contains(
                "Suite à mon déménagement le 15 décembre, je vous joins le relevé demandé.\r\n"
                    + "Merci de mettre à jour l’adresse de facturation : 12 rue de l’Église, 69003 Lyon."))
        #expect(message.html?.contains("Suite à mon déménagement…") == true)
        #expect(message.attachments.map(\.contentType) == ["image/png", "application/pdf"])
        #expect(message.attachments.map(\.filename) == ["logo.png", "Facture décembre 2017.pdf"], "RFC 2231 *0* *1*")
        #expect(message.attachments[0].data == (try Self.fixture("png.bin")))
        #expect(message.attachments[1].data == (try Self.fixture("pdf.bin")), "binary bytes intact")
    }

    @Test("A webmail reply with only HTML (ISO-8859-15, base64): readable text, no markup, script or style")
    func htmlOnly() throws {
        let message = try MailParser().parse(Self.fixture("webmail-reply-html-iso8859-15.eml"))
        #expect(message.from == [.init(name: "Dupont, Lea", email: "lea.dupont@example.fr")])
        #expect(message.subject == "RE: Réclamation – facture n° 2017-0042")
        #expect(message.date == Date(timeIntervalSince1970: 1_493_879_400), "the '(CEST)' comment is ignored")
        #expect(message.text.contains("Le remboursement de 12 € n'apparaît toujours pas."), "€ is 0xA4 in Latin-9")
        #expect(message.text.contains("a écrit :"))
        #expect(!message.text.contains("<"))
        #expect(!message.text.contains("track()"))
        #expect(!message.text.contains("margin"))
        #expect(message.references.count == 2)
    }

    @Test("A multipart whose declared boundary never appears is refused, naming the boundary")
    func malformedBoundary() throws {
        #expect(throws: MailParseError.boundaryNotFound("=_Part_42_1234")) {
            try MailParser().parse(Self.fixture("malformed-boundary.eml"))
        }
        #expect(MailParseError.boundaryNotFound("=_Part_42_1234").description.contains("never appears"))
    }

    @Test("A connection dropped mid-attachment: the broken base64 is refused, naming the part")
    func truncatedBase64() throws {
        #expect(throws: MailParseError.invalidBase64(part: "1.2")) {
            try MailParser().parse(Self.fixture("truncated-base64.eml"))
        }
    }

    @Test("An attachment cut at a 4-character boundary short of its end is reported, not stored half")
    func silentlyTruncated() throws {
        var raw = try Self.fixture("truncated-base64.eml")
        raw.removeLast(3)  // the odd last character and its CRLF: what is left is whole 4-character groups
        raw.append(contentsOf: Array("\r\n".utf8))
        #expect(throws: MailParseError.unterminatedPart(part: "1.2")) { try MailParser().parse(raw) }
    }

    /// A multipart whose closing delimiter is missing; `attachment` is the base64 of its last part.
    func unclosed(attachment: String, innerClosed: Bool = false) -> String {
        let pdf = """
            Content-Type: application/pdf; name="releve.pdf"
            Content-Transfer-Encoding: base64

            \(attachment)
            """
        let last =
            innerClosed ? "Content-Type: multipart/related; boundary=inner\n\n--inner\n\(pdf)\n--inner--" : pdf
        return """
            From: a@b.fr
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: text/plain; charset=utf-8

            Ci-joint le relevé.
            --outer
            \(last)

            """
    }

    @Test("Only a part with nothing after it may be cut: a closed inner multipart is whole, even last in the mail")
    func closedInnerMultipartIsWhole() throws {
        let message = try parse(unclosed(attachment: "JVBERi0xLjQK", innerClosed: true))
        #expect(message.attachments.map(\.filename) == ["releve.pdf"])
    }

    @Test("A last part ending in base64 padding is whole (only the final group is padded): kept without the boundary")
    func paddedLastPartIsWhole() throws {
        let message = try parse(unclosed(attachment: "JVBERi0xLjQKJSVFT0Y="))
        #expect(message.text == "Ci-joint le relevé.")
        #expect(message.attachments.map(\.data) == [Data("%PDF-1.4\n%%EOF".utf8)])
        // The same file cut at a group boundary decodes cleanly, so it must be refused.
        #expect(throws: MailParseError.unterminatedPart(part: "1.2")) {
            try parse(unclosed(attachment: "JVBERi0xLjQK"))
        }
    }

    func parse(_ text: String) throws(MailParseError) -> MailMessage {
        try MailParser().parse(Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
    }

    @Test("Header details: folding, adjacent encoded words joined, bad encoded words left as typed, LF-only mail")
    func headerDetails() throws {
        let message = try parse(
            """
            From: =?utf-8?q?Fran=C3=A7ois?= =?utf-8?q?_P=C3=A9rez?= <F.Perez@Example.fr>
            To: a@maison-lumiere.fr,
             "Support, niveau 2" <n2@maison-lumiere.fr>
            Subject: Facture =?UTF-8?X?bad?= et =?UTF-8?Q?=C3=A9t=C3=A9?= 2017
            Message-ID: no-brackets@example.fr

            Corps
            """)
        #expect(message.from == [.init(name: "François Pérez", email: "f.perez@example.fr")])
        #expect(message.to.map(\.email) == ["a@maison-lumiere.fr", "n2@maison-lumiere.fr"])
        #expect(message.to[1].name == "Support, niveau 2")
        #expect(message.subject == "Facture =?UTF-8?X?bad?= et été 2017")
        #expect(message.messageID == "no-brackets@example.fr")
        let lfOnly = try MailParser().parse(Data("From: a@b.fr\nSubject: LF\n\nligne 1\nligne 2\n".utf8))
        #expect(lfOnly.text == "ligne 1\nligne 2\n")
    }

    @Test("An Outlook sender 'Nom, Prénom' in an encoded word keeps the name whole")
    func encodedCommaInName() throws {
        let message = try parse("From: =?iso-8859-1?Q?Dupont=2C_L=E9a?= <lea@example.fr>\n\nx")
        #expect(message.from == [.init(name: "Dupont, Léa", email: "lea@example.fr")])
    }

    @Test("A CSV export sent without Content-Disposition is kept as an attachment")
    func textAttachmentWithoutDisposition() throws {
        let message = try parse(
            """
            From: a@b.fr
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain; charset=utf-8

            Voici l'export.
            --b
            Content-Type: text/csv; name="releve.csv"

            date;montant
            2017-05-02;42,00
            --b--
            """)
        #expect(message.text == "Voici l'export.")
        #expect(message.attachments.map(\.filename) == ["releve.csv"])
    }

    @Test("Hostile input is refused by the limits: size, header count, nesting depth")
    func limits() throws {
        var parser = MailParser()
        parser.maximumSize = 1_000
        #expect(throws: MailParseError.tooLarge(limit: 1_000)) {
            try parser.parse(Data(repeating: UInt8(ascii: "a"), count: 1_001))
        }
        let headers = String(repeating: "X-Spam: 1\r\n", count: 1_001) + "\r\nbody"
        #expect(throws: MailParseError.tooManyHeaders(limit: 1_000)) { try MailParser().parse(Data(headers.utf8)) }
        var deep = "From: a@b.fr\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for level in 1...21 { deep += "--b\(level - 1)\nContent-Type: multipart/mixed; boundary=b\(level)\n\n" }
        #expect(throws: MailParseError.tooDeep(limit: 20)) { try parse(deep) }
    }

    @Test("Every prefix of every fixture — a delivery cut at any byte — parses or is refused, never crashes")
    func everyPrefix() throws {
        for name in Self.fixtures {
            let raw = try Self.fixture(name)
            var refused = 0
            for length in 0...raw.count {
                do { _ = try MailParser().parse(raw.prefix(length)) } catch { refused += 1 }
            }
            #expect(refused > 0, "\(name): the empty prefix at least is refused")
        }
    }

    @Test("Seeded random corruption of the fixtures never crashes or hangs the parser")
    func corruption() throws {
        var rng = SeededGenerator(seed: 2017)
        let interesting = Array("=?-\r\n:;\"<>*'%".utf8) + [0x00, 0x80, 0xFF]
        for name in Self.fixtures {
            let original = try Self.fixture(name)
            for _ in 0..<300 {
                var bytes = [UInt8](original)
                for _ in 0..<(1 + Int(rng.next() % 8)) {
                    let position = Int(rng.next() % UInt64(bytes.count))
                    switch rng.next() % 3 {
                    case 0: bytes[position] = interesting[Int(rng.next() % UInt64(interesting.count))]
                    case 1: bytes.remove(at: position)
                    default: bytes.insert(contentsOf: bytes[position..<min(bytes.count, position + 40)], at: position)
                    }
                }
                _ = try? MailParser().parse(Data(bytes))
            }
        }
    }

    @Test("Parsing speed: the fixtures parsed repeatedly; messages per second printed")
    func speed() throws {
        let messages = try ["outlook-cp1252-qp.eml", "thunderbird-nested-pdf.eml", "webmail-reply-html-iso8859-15.eml"]
            .map { try Self.fixture($0) }
        let rounds = 300
        let elapsed = try ContinuousClock().measure {
            for _ in 0..<rounds { for raw in messages { _ = try MailParser().parse(raw) } }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "MIME: \(rounds * messages.count) messages in \(Int(seconds * 1_000)) ms → "
                + "\(Int(Double(rounds * messages.count) / seconds)) messages/s")
    }
}
