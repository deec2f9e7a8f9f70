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
            return words.contains { text.contains(" " + TextFolding.fold($0) + " ") }
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
        for rule in rules where rule.conditions.allSatisfy({ $0.holds(for: facts, foldedText: foldedText()) }) {
            return MotifDecision(motif: rule.motif, ruleID: rule.id, because: rule.conditions.map(\.explanation))
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
