import Foundation
import Testing

@testable import GuichetCore

@Suite("Access rules")
struct AccessRulesTests {
    @Test("Roles open only the routes declared for them")
    func allows() {
        #expect(Access.everyone.allows(signedIn: false, held: []))
        #expect(!Access.signedIn.allows(signedIn: false, held: []))
        #expect(Access.signedIn.allows(signedIn: true, held: []))
        let supervisors = Access.roles([.admin, .supervisor])
        #expect(supervisors.allows(signedIn: true, held: [.supervisor, .agent]))
        #expect(!supervisors.allows(signedIn: true, held: [.agent, .viewer]))
        #expect(!supervisors.allows(signedIn: false, held: [.admin]))
    }
}

@Suite("Language negotiation")
struct LanguageTests {
    @Test(
        "Accept-Language picks the preferred supported language, honouring q-values",
        arguments: [
            ("fr-FR,fr;q=0.9,en;q=0.8", Language.fr),
            ("en-GB,en;q=0.9", .en),
            ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.4", .en),
            ("fr;q=0.2,en;q=0.8", .en),
            ("en;q=0,fr", .fr),
        ])
    func negotiation(header: String, expected: Language) {
        #expect(Language.preferred(acceptLanguage: header) == expected)
    }

    @Test("No supported language gives nil, so the caller's default applies")
    func none() {
        #expect(Language.preferred(acceptLanguage: "de, it;q=0.5") == nil)
        #expect(Language.preferred(acceptLanguage: "") == nil)
    }
}

@Suite("Input rules")
struct InputRulesTests {
    @Test(
        "Slugs fold accents and punctuation",
        arguments: [
            ("Électricité de France", "electricite-de-france"),
            ("  Maison   Lumière!! ", "maison-lumiere"),
            ("L'Oréal & Co.", "l-oreal-co"),
        ])
    func slugs(name: String, slug: String) {
        #expect(InputRules.slug(name) == slug)
    }

    @Test("Plausible emails")
    func emails() {
        #expect(InputRules.isPlausibleEmail("lea@example.fr"))
        #expect(!InputRules.isPlausibleEmail("lea@example"))
        #expect(!InputRules.isPlausibleEmail("lea example@fr.fr"))
        #expect(!InputRules.isPlausibleEmail("@example.fr"))
        #expect(InputRules.normalisedEmail("  Lea@Example.FR ") == "lea@example.fr")
    }

    /// The rule as first written, over `Character`s and Foundation's trimming; the byte-wise path for ASCII
    /// addresses must agree with it everywhere.
    private static func referencePlausible(_ value: String) -> Bool {
        guard value.count <= 254, !value.contains(where: \.isWhitespace) else { return false }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".")
    }

    @Test("ASCII addresses are judged and normalised byte by byte exactly as by characters")
    func emailFastPathAgrees() {
        var random = SeededGenerator(seed: 11)
        let alphabet = Array("aZ9@@..-_ \t\r\n\u{0B}\u{0C}")
        var samples = [
            "", "@", "a@b.c", "a@.c", "a@c.", "a@@b.c", "a@b.c\r\n", " a@b.c ", "\r\n a@b.c",
            String(repeating: "a", count: 250) + "@b.cd", String(repeating: "a", count: 249) + "@b.cd",
            "Léa@exemple.fr", "lea@exemple.fr\u{A0}", "\u{2003}lea@exemple.fr",
        ]
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...12, using: &random)
            samples.append(String((0..<length).map { _ in alphabet.randomElement(using: &random)! }))
        }
        for sample in samples {
            #expect(
                InputRules.isPlausibleEmail(sample) == Self.referencePlausible(sample), "\(sample.debugDescription)")
            #expect(
                InputRules.normalisedEmail(sample)
                    == sample.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(),
                "\(sample.debugDescription)")
        }
    }
}

@Suite("Seeded generator")
struct SeededGeneratorTests {
    @Test("The same seed gives the same sequence; different streams differ")
    func reproducible() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        var s0 = SeededGenerator(seed: 42, stream: 0)
        var s1 = SeededGenerator(seed: 42, stream: 1)
        #expect((0..<10).map { _ in s0.next() } != (0..<10).map { _ in s1.next() })
    }

    @Test("Unit doubles are in [0, 1) with a mean near 1/2")
    func unitDoubles() {
        var generator = SeededGenerator(seed: 7)
        let values = (0..<100_000).map { _ in generator.nextUnitDouble() }
        #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = values.reduce(0, +) / Double(values.count)
        #expect(abs(mean - 0.5) < 0.01)
    }
}
