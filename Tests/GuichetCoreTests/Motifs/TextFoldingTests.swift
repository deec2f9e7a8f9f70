import Foundation
import Testing

@testable import GuichetCore

@Suite("Text folding for keywords")
struct TextFoldingTests {
    /// Every character the fast path knows, alone and between letters: the same as Foundation's folding.
    @Test("The Latin fast path folds every character it knows exactly as Foundation does")
    func fastPathAgrees() {
        let known =
            (0...0x24F).compactMap(UnicodeScalar.init) + (0x2000...0x206F).compactMap(UnicodeScalar.init)
            + [UnicodeScalar(0x20AC)!]
        var checked = 0
        for scalar in known {
            for text in [String(scalar), "a\(scalar)b", "Z \(scalar) 9", "\(scalar)\(scalar)x"] {
                guard let fast = TextFolding.latinFold(text) else { continue }
                #expect(fast == TextFolding.foundationFold(text), "U+\(String(scalar.value, radix: 16)) in \(text)")
                checked += 1
            }
        }
        #expect(checked > 800, "the fast path should know most of Latin-1 and the punctuation")
    }

    @Test("French messages: the same words both ways; other scripts and combining accents take the general path")
    func sentences() {
        let sentences = [
            "Bonjour,\nma commande n°12-3 n’est toujours pas arrivée. Pouvez-vous vérifier ?",
            "RÉSILIATION immédiate — « main-d’œuvre » facturée 45 € ! Ÿ ÆSOP",
            "  Où est mon colis…  ", "", "   ", "À Noël, ça coûte 1 200,50 € (TTC) ; merci.",
        ]
        for text in sentences {
            #expect(TextFolding.latinFold(text) == TextFolding.foundationFold(text), "\(text)")
        }
        #expect(TextFolding.fold("re\u{301}siliation") == "resiliation")
        #expect(TextFolding.latinFold("re\u{301}siliation") == nil)
        #expect(TextFolding.fold("Straße Øre") == TextFolding.foundationFold("Straße Øre"))
        #expect(TextFolding.fold("Доставка посылки") == TextFolding.foundationFold("Доставка посылки"))
    }

    @Test("Byte search finds a folded word anywhere, never a part of a longer one when spaced")
    func byteSearch() {
        let text = " " + TextFolding.fold("Je veux résilier ; résiliation demandée, colis abîmé") + " "
        #expect(TextFolding.contains(text, " resilier "))
        #expect(TextFolding.contains(text, " colis abime "))
        #expect(TextFolding.contains(text, " demandee "))
        #expect(!TextFolding.contains(text, " resil "))
        #expect(!TextFolding.contains(" a ", " a b "))
        #expect(TextFolding.contains("abc", ""))
        #expect(TextFolding.contains(" доставка посылки ", " посылки "))
    }
}
