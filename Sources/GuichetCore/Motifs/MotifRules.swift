import Foundation

/// What is known of a contact when it arrives, for motif detection and routing.
public struct ContactFacts: Sendable, Hashable {
    public var medium: Medium
    /// The number, address, widget or account it came through.
    public var entryPoint: String?
    /// The choice made in the voice menu (SVI), if any.
    public var ivrChoice: String?
    /// Subject and body (email, form, chat opening message, social post).
    public var text: String
    /// Customer attributes known to the brand ("segment": "premium", "contrat": "pro"…).
    public var customer: [String: String]

    public init(
        medium: Medium, entryPoint: String? = nil, ivrChoice: String? = nil, text: String = "",
        customer: [String: String] = [:]
    ) {
        self.medium = medium
        self.entryPoint = entryPoint
        self.ivrChoice = ivrChoice
        self.text = text
        self.customer = customer
    }
}

/// A condition on the facts of a contact. All conditions of a rule must hold.
public enum FactCondition: Codable, Sendable, Hashable {
    case entryPoint(String)
    case ivrChoice(String)
    /// Any of these words or phrases in the text, ignoring case and accents ("resiliation" finds "Résiliation").
    case anyKeyword([String])
    case customer(attribute: String, equals: String)
    case medium(Medium)

    func holds(for facts: ContactFacts) -> Bool {
        holds(for: facts, foldedText: " " + TextFolding.fold(facts.text) + " ")
    }

    /// `foldedText`: the facts' text folded once for every keyword condition (` text `, spaces around).
    func holds(for facts: ContactFacts, foldedText: @autoclosure () -> String) -> Bool {
        switch self {
        case .entryPoint(let value): return facts.entryPoint == value
        case .ivrChoice(let value): return facts.ivrChoice == value
        case .anyKeyword(let words):
            let text = foldedText()
            return words.contains { TextFolding.contains(text, " " + TextFolding.fold($0) + " ") }
        case .customer(let attribute, let value): return facts.customer[attribute] == value
        case .medium(let medium): return facts.medium == medium
        }
    }

    var explanation: String {
        switch self {
        case .entryPoint(let value): return "entry point \(value)"
        case .ivrChoice(let value): return "IVR choice \(value)"
        case .anyKeyword(let words): return "a keyword among \(words.joined(separator: ", "))"
        case .customer(let attribute, let value): return "customer \(attribute) = \(value)"
        case .medium(let medium): return "medium \(medium.rawValue)"
        }
    }
}

/// Case- and accent-insensitive words: letters and digits kept, everything else a single space.
enum TextFolding {
    /// Ligatures French text uses, written out as people type them on a keyboard without them.
    static let ligatures: [Character: String] = ["œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"]

    static let french = Locale(identifier: "fr")

    static func fold(_ text: String) -> String {
        latinFold(text) ?? foundationFold(text)
    }

    /// What Foundation's folding gives, for text written only with ASCII, the Latin-1 letters that carry an
    /// accent or a ligature (French, and its neighbours), œ, Ÿ and common punctuation, without going through
    /// grapheme clusters and locale tables (about ten times faster: intake folds every message). Nil for
    /// anything else — other scripts, combining accents, ß or ø — which takes the general path. A test
    /// checks both paths agree on every character this one knows.
    static func latinFold(_ text: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var space = true
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let folded: UInt8
            if value < 0x80 {
                let byte = UInt8(value)
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): folded = byte
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): folded = byte + 32
                default: folded = 0
                }
            } else if value < 0x100 {
                guard let mapped = latin1[Int(value - 0x80)] else { return nil }
                folded = mapped
            } else if value == 0x152 || value == 0x153 {  // Œ œ
                out.append(contentsOf: [UInt8(ascii: "o"), UInt8(ascii: "e")])
                space = false
                continue
            } else if value == 0x178 {  // Ÿ
                folded = UInt8(ascii: "y")
            } else if (0x2000...0x200A).contains(value) || (0x2010...0x2027).contains(value)
                || (0x202F...0x205F).contains(value) || value == 0x20AC
            {
                folded = 0  // spaces, dashes, quotes, ellipsis, per mille, euro: separators
            } else {
                return nil
            }
            if folded == 0 {
                if !space {
                    out.append(UInt8(ascii: " "))
                    space = true
                }
            } else if folded == 1 {
                out.append(contentsOf: [UInt8(ascii: "a"), UInt8(ascii: "e")])  // æ Æ
                space = false
            } else {
                out.append(folded)
                space = false
            }
        }
        if out.last == UInt8(ascii: " ") { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `needle` occurs in `text`, byte for byte: both are folded the same way, so equal words are equal
    /// bytes (the standard library's generic search costs more than the folding).
    static func contains(_ text: String, _ needle: String) -> Bool {
        var text = text
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { needle in
                guard let first = needle.first else { return true }
                guard needle.count <= haystack.count else { return false }
                var index = 0
                let last = haystack.count - needle.count
                while index <= last {
                    if haystack[index] == first,
                        memcmp(haystack.baseAddress! + index, needle.baseAddress!, needle.count) == 0
                    {
                        return true
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// U+0080…U+00FF: the letter each folds to, 0 for a separator, 1 for "ae", nil when only Foundation knows.
    private static let latin1: [UInt8?] = {
        var table = [UInt8?](repeating: 0, count: 0x80)
        // Letters or numbers without a plain-letter fold (ª µ º ² ³ ¹ ¼ ½ ¾ Ð Ø Þ ß ð ø þ), the soft hyphen and
        // the spacing accents (¨ ¯ ´ ¸): left to Foundation.
        for value in [
            0xAA, 0xB5, 0xBA, 0xB2, 0xB3, 0xB9, 0xBC, 0xBD, 0xBE, 0xD0, 0xD8, 0xDE, 0xDF, 0xF0, 0xF8, 0xFE,
            0xAD, 0xA8, 0xAF, 0xB4, 0xB8,
        ] {
            table[value - 0x80] = nil
        }
        let letters: [(ClosedRange<Int>, Character)] = [
            (0xC0...0xC5, "a"), (0xC7...0xC7, "c"), (0xC8...0xCB, "e"), (0xCC...0xCF, "i"), (0xD1...0xD1, "n"),
            (0xD2...0xD6, "o"), (0xD9...0xDC, "u"), (0xDD...0xDD, "y"),
            (0xE0...0xE5, "a"), (0xE7...0xE7, "c"), (0xE8...0xEB, "e"), (0xEC...0xEF, "i"), (0xF1...0xF1, "n"),
            (0xF2...0xF6, "o"), (0xF9...0xFC, "u"), (0xFD...0xFD, "y"), (0xFF...0xFF, "y"),
        ]
        for (range, letter) in letters {
            for value in range { table[value - 0x80] = letter.asciiValue! }
        }
        table[0xC6 - 0x80] = 1
        table[0xE6 - 0x80] = 1
        return table
    }()

    /// The general path: Foundation's case and diacritic folding (French locale), ligatures written out,
    /// letters and digits kept, everything else one space.
    static func foundationFold(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: french)
        var out = ""
        var space = true
        for character in folded {
            if let expanded = ligatures[character] {
                out += expanded  // "main-d’œuvre" matches "main d oeuvre"
                space = false
            } else if character.isLetter || character.isNumber {
                out.append(character)
                space = false
            } else if !space {
                out.append(" ")
                space = true
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}

/// Sets a motif when its conditions hold. Higher priority wins; ties go to the earlier rule.
public struct MotifRule: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var motif: String
    public var priority: Int
    public var conditions: [FactCondition]

    public init(id: String, motif: String, priority: Int = 0, conditions: [FactCondition]) {
        self.id = id
        self.motif = motif
        self.priority = priority
        self.conditions = conditions
    }
}

/// The motif chosen for a contact, and why.
public struct MotifDecision: Sendable, Hashable {
    public var motif: String
    public var ruleID: String
    public var because: [String]
}

/// Chooses a contact's motif from the brand's rules; explainable and deterministic.
public struct MotifDetector: Sendable {
    public let taxonomy: MotifTaxonomy
    public let rules: [MotifRule]
    /// Per rule, per condition: a keyword condition's words folded once, as searched (` word `).
    private let needles: [[[String]?]]

    public init(taxonomy: MotifTaxonomy, rules: [MotifRule]) throws(ValidationFailure) {
        let problems = rules.enumerated().compactMap { index, rule -> FieldProblem? in
            if taxonomy.motifs[rule.motif] == nil {
                return .init(pointer: "/\(index)/motif", detail: "unknown motif '\(rule.motif)'")
            }
            return rule.conditions.isEmpty
                ? .init(pointer: "/\(index)/conditions", detail: "a rule needs at least one condition") : nil
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        self.taxonomy = taxonomy
        // Stable order: priority, then the order the brand wrote them in.
        self.rules = rules.enumerated().sorted { a, b in
            a.element.priority != b.element.priority ? a.element.priority > b.element.priority : a.offset < b.offset
        }.map(\.element)
        needles = self.rules.map { rule in
            rule.conditions.map { condition in
                guard case .anyKeyword(let words) = condition else { return nil }
                return words.map { " " + TextFolding.fold($0) + " " }
            }
        }
    }

    public func detect(_ facts: ContactFacts) -> MotifDecision? {
        // The text is folded at most once, however many keyword rules look at it.
        var folded: String?
        func foldedText() -> String {
            if let folded { return folded }
            let text = " " + TextFolding.fold(facts.text) + " "
            folded = text
            return text
        }
        for (index, rule) in rules.enumerated() {
            let holds = rule.conditions.indices.allSatisfy { condition in
                if let words = needles[index][condition] {
                    let text = foldedText()
                    return words.contains { TextFolding.contains(text, $0) }
                }
                return rule.conditions[condition].holds(for: facts, foldedText: "")
            }
            if holds {
                return MotifDecision(motif: rule.motif, ruleID: rule.id, because: rule.conditions.map(\.explanation))
            }
        }
        return nil
    }
}

/// Where a contact goes: queue, priority and the skills it needs.
public struct RoutingTarget: Codable, Sendable, Hashable {
    public var queue: String
    public var priority: Int
    public var skills: [SkillRequirement]

    public init(queue: String, priority: Int = 0, skills: [SkillRequirement] = []) {
        self.queue = queue
        self.priority = priority
        self.skills = skills
    }
}

/// Maps motif (and its sub-motifs) + medium + customer attributes to a target.
public struct RoutingRule: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    /// Applies to this motif and every motif below it; nil for any motif.
    public var motif: String?
    /// Applies to these media; empty for all.
    public var media: Set<Medium>
    public var customer: [String: String]
    public var target: RoutingTarget

    public init(
        id: String, motif: String? = nil, media: Set<Medium> = [], customer: [String: String] = [:],
        target: RoutingTarget
    ) {
        self.id = id
        self.motif = motif
        self.media = media
        self.customer = customer
        self.target = target
    }
}

/// Where a contact was routed, and why — the system routes, never the customer.
public struct RoutingDecision: Sendable, Hashable {
    public var target: RoutingTarget
    /// nil when no rule matched and the fallback applied.
    public var ruleID: String?
    public var because: String

    public init(target: RoutingTarget, ruleID: String?, because: String) {
        self.target = target
        self.ruleID = ruleID
        self.because = because
    }
}

/// Chooses the most specific matching rule: the one whose motif is closest to the contact's motif, then
/// the one with more customer conditions, then a rule for named media over one for all, then list order.
public struct Router: Sendable {
    public let taxonomy: MotifTaxonomy
    public let rules: [RoutingRule]
    public let fallback: RoutingTarget

    public init(taxonomy: MotifTaxonomy, rules: [RoutingRule], fallback: RoutingTarget) throws(ValidationFailure) {
        let problems = rules.enumerated().compactMap { index, rule -> FieldProblem? in
            guard let motif = rule.motif, taxonomy.motifs[motif] == nil else { return nil }
            return .init(pointer: "/\(index)/motif", detail: "unknown motif '\(motif)'")
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        self.taxonomy = taxonomy
        self.rules = rules
        self.fallback = fallback
    }

    public func route(motif: String?, medium: Medium, customer: [String: String]) -> RoutingDecision {
        var best: (rule: RoutingRule, key: (Int, Int, Int, Int))?
        for (index, rule) in rules.enumerated() {
            guard rule.media.isEmpty || rule.media.contains(medium),
                rule.customer.allSatisfy({ customer[$0.key] == $0.value })
            else { continue }
            let distance: Int
            if let ruleMotif = rule.motif {
                guard let motif, let steps = taxonomy.distance(from: motif, to: ruleMotif) else { continue }
                distance = steps
            } else {
                distance = Int.max / 2  // any motif: least specific
            }
            // Smaller is better on every component.
            let key = (distance, -rule.customer.count, rule.media.isEmpty ? 1 : 0, index)
            if best == nil || key < best!.key { best = (rule, key) }
        }
        guard let chosen = best?.rule else {
            return RoutingDecision(target: fallback, ruleID: nil, because: "no rule matched: fallback queue")
        }
        var reasons: [String] = []
        if let ruleMotif = chosen.motif { reasons.append("motif \(motif ?? "?") within \(ruleMotif)") }
        if !chosen.media.isEmpty { reasons.append("medium \(medium.rawValue)") }
        for (attribute, value) in chosen.customer.sorted(by: { $0.key < $1.key }) {
            reasons.append("customer \(attribute) = \(value)")
        }
        return RoutingDecision(
            target: chosen.target, ruleID: chosen.id,
            because: reasons.isEmpty ? "rule \(chosen.id) applies to every contact" : reasons.joined(separator: "; "))
    }
}

extension FactCondition {
    private enum Key: String, CodingKey, CaseIterable {
        case entryPoint, ivrChoice, anyKeyword, customer, medium
    }

    private struct CustomerCondition: Codable {
        var attribute: String
        var equals: String
    }

    /// One key per condition: `{"entryPoint": "+33…"}`, `{"ivrChoice": "2"}`, `{"anyKeyword": ["résilier"]}`,
    /// `{"customer": {"attribute": "segment", "equals": "premium"}}`, `{"medium": "chat"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a condition has exactly one of: "
                        + Key.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        switch key {
        case .entryPoint: self = .entryPoint(try container.decode(String.self, forKey: key))
        case .ivrChoice: self = .ivrChoice(try container.decode(String.self, forKey: key))
        case .anyKeyword: self = .anyKeyword(try container.decode([String].self, forKey: key))
        case .customer:
            let condition = try container.decode(CustomerCondition.self, forKey: key)
            self = .customer(attribute: condition.attribute, equals: condition.equals)
        case .medium: self = .medium(try container.decode(Medium.self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .entryPoint(let value): try container.encode(value, forKey: .entryPoint)
        case .ivrChoice(let value): try container.encode(value, forKey: .ivrChoice)
        case .anyKeyword(let words): try container.encode(words, forKey: .anyKeyword)
        case .customer(let attribute, let value):
            try container.encode(CustomerCondition(attribute: attribute, equals: value), forKey: .customer)
        case .medium(let medium): try container.encode(medium, forKey: .medium)
        }
    }
}

// Optional members default when absent, so a rule is written with only what it needs.
extension MotifRule {
    private enum CodingKeys: String, CodingKey { case id, motif, priority, conditions }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            motif: try container.decode(String.self, forKey: .motif),
            priority: try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0,
            conditions: try container.decode([FactCondition].self, forKey: .conditions))
    }
}

extension RoutingTarget {
    private enum CodingKeys: String, CodingKey { case queue, priority, skills }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            queue: try container.decode(String.self, forKey: .queue),
            priority: try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0,
            skills: try container.decodeIfPresent([SkillRequirement].self, forKey: .skills) ?? [])
    }
}

extension RoutingRule {
    private enum CodingKeys: String, CodingKey { case id, motif, media, customer, target }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            motif: try container.decodeIfPresent(String.self, forKey: .motif),
            media: try container.decodeIfPresent(Set<Medium>.self, forKey: .media) ?? [],
            customer: try container.decodeIfPresent([String: String].self, forKey: .customer) ?? [:],
            target: try container.decode(RoutingTarget.self, forKey: .target))
    }
}
