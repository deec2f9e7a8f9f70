import Foundation

/// Famille de critères. The phone families are those of seed 000; web navigation adds usability.
public enum CriterionFamily: String, Codable, Sendable, CaseIterable, Comparable, CodingKeyRepresentable {
    /// Disponibilité: time to pick up, access to the wanted service, hold, deferred answer, reactivity.
    case availability
    /// Relationnel: identification, greeting, way of speaking, rephrasing, transfer, listening, leave-taking.
    case relational
    /// Qualité de la réponse et qualité humaine: quality of the answer, overall impression, tone.
    case answer
    /// Ergonomie (navigation internet): readability, search engine, identification, functionality.
    case usability

    public static func < (lhs: CriterionFamily, rhs: CriterionFamily) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var labelFR: String {
        switch self {
        case .availability: "Disponibilité"
        case .relational: "Relationnel"
        case .answer: "Qualité de la réponse et qualité humaine"
        case .usability: "Ergonomie"
        }
    }
}

/// A label in French (the language of the fieldwork) and English.
public struct LocalizedLabel: Codable, Sendable, Hashable {
    public var fr: String
    public var en: String

    public init(fr: String, en: String) {
        self.fr = fr
        self.en = en
    }
}

/// The points a shopper may give a criterion, in increasing order (e.g. 0, 1, 2 or 0, 2, 4).
public struct Scale: Codable, Sendable, Hashable {
    public var points: [Double]

    public init(points: [Double]) {
        self.points = points
    }

    /// 0, step, 2·step … max.
    public static func upTo(_ max: Double, step: Double = 1) -> Scale {
        Scale(points: (0...Int((max / step).rounded())).map { Double($0) * step })
    }

    public var max: Double { points.last ?? 0 }

    public func allows(_ value: Double) -> Bool { points.contains { abs($0 - value) < 1e-9 } }
}

/// Critère éliminatoire: scoring a critical criterion at or below `zeroWhenAtMost` zeroes the whole test.
public struct CriticalRule: Codable, Sendable, Hashable {
    public var zeroWhenAtMost: Double

    public init(zeroWhenAtMost: Double = 0) {
        self.zeroWhenAtMost = zeroWhenAtMost
    }
}

/// Critère: one line of a scorecard.
public struct Criterion: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var label: LocalizedLabel
    public var family: CriterionFamily
    public var scale: Scale
    public var maxPoints: Double
    /// Whether the shopper may mark the criterion N/A (e.g. no transfer happened).
    public var notApplicableAllowed: Bool
    public var critical: CriticalRule?

    public init(
        id: String, label: LocalizedLabel, family: CriterionFamily, scale: Scale, notApplicableAllowed: Bool = false,
        critical: CriticalRule? = nil
    ) {
        self.id = id
        self.label = label
        self.family = family
        self.scale = scale
        self.maxPoints = scale.max
        self.notApplicableAllowed = notApplicableAllowed
        self.critical = critical
    }
}

/// Grille d'évaluation: the versioned list of criteria for one channel.
public struct Scorecard: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var version: String
    public var channel: Channel
    public var title: LocalizedLabel
    public var criteria: [Criterion]

    public init(id: String, version: String, channel: Channel, title: LocalizedLabel, criteria: [Criterion]) {
        self.id = id
        self.version = version
        self.channel = channel
        self.title = title
        self.criteria = criteria
    }

    /// Points available when every criterion applies (32 on the phone card).
    public var totalPoints: Double { criteria.reduce(0) { $0 + $1.maxPoints } }

    public func criterion(_ id: String) -> Criterion? { criteria.first { $0.id == id } }

    /// SHA-256 of the card's canonical JSON, so an edition can prove which grid it scored with.
    public var contentHash: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SHA256.hex(of: Array(try! encoder.encode(self)))
    }
}

/// One problem found in a scorecard file, naming the file and, when it applies, the criterion.
public struct ScorecardProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var criterion: String?
    public var message: String

    public var description: String {
        if let criterion { return "\(file): criterion '\(criterion)': \(message)" }
        return "\(file): \(message)"
    }
}

/// Scorecard files that could not be loaded; every problem found is listed.
public struct ScorecardLoadError: Error, Sendable, CustomStringConvertible {
    public var problems: [ScorecardProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// The scorecards of an edition, one per channel.
public struct ScorecardSet: Codable, Sendable, Hashable {
    public var cards: [Channel: Scorecard]

    public init(_ cards: [Scorecard]) {
        self.cards = Dictionary(cards.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(channel: Channel) -> Scorecard? { cards[channel] }

    public var ordered: [Scorecard] { cards.values.sorted { $0.channel < $1.channel } }

    /// The default grids shipped with Guichet (`Award/Scorecards/*.json`).
    public static func bundled() throws -> ScorecardSet {
        guard let url = Bundle.module.url(forResource: "Scorecards", withExtension: nil) else {
            throw ScorecardLoadError(problems: [.init(file: "Scorecards", message: "resource folder missing")])
        }
        return try load(directory: url)
    }

    /// Loads every `*.json` file of `directory`; fails listing every problem of every file.
    public static func load(directory: URL) throws -> ScorecardSet {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw ScorecardLoadError(problems: [.init(file: directory.path, message: "cannot list folder: \(error)")])
        }
        var problems: [ScorecardProblem] = []
        var cards: [Scorecard] = []
        var fileOfChannel: [Channel: String] = [:]
        for file in files {
            let name = file.lastPathComponent
            do {
                let card = try ScorecardLoader.parse(Data(contentsOf: file), file: name)
                if let other = fileOfChannel[card.channel] {
                    problems.append(
                        .init(file: name, message: "second scorecard for channel \(card.channel.rawValue) (\(other))"))
                } else {
                    fileOfChannel[card.channel] = name
                    cards.append(card)
                }
            } catch let error as ScorecardLoadError {
                problems += error.problems
            } catch {
                problems.append(.init(file: name, message: "cannot read: \(error.localizedDescription)"))
            }
        }
        if files.isEmpty { problems.append(.init(file: directory.path, message: "no *.json scorecard")) }
        guard problems.isEmpty else { throw ScorecardLoadError(problems: problems) }
        return ScorecardSet(cards)
    }

    /// Pins the versions and contents of these cards for `editionID`.
    public func freeze(editionID: String) -> FrozenScorecards {
        FrozenScorecards(
            editionID: editionID,
            pins: ordered.map {
                .init(channel: $0.channel, id: $0.id, version: $0.version, sha256: $0.contentHash)
            })
    }
}

/// Grilles figées: the scorecard versions an edition is scored with, and a hash of their contents.
///
/// Recorded when fieldwork starts; `verify` refuses to score with a card edited since.
public struct FrozenScorecards: Codable, Sendable, Hashable {
    public struct Pin: Codable, Sendable, Hashable {
        public var channel: Channel
        public var id: String
        public var version: String
        public var sha256: String
    }

    public var editionID: String
    public var pins: [Pin]
    /// SHA-256 over every pin, in channel order.
    public var contentHash: String

    public init(editionID: String, pins: [Pin]) {
        self.editionID = editionID
        self.pins = pins.sorted { $0.channel < $1.channel }
        let text = self.pins.map { "\($0.channel.rawValue):\($0.id):\($0.version):\($0.sha256)\n" }.joined()
        contentHash = SHA256.hex(of: Array(text.utf8))
    }

    /// Problems if `set` differs from what was frozen (empty: identical).
    public func differences(from set: ScorecardSet) -> [String] {
        var out: [String] = []
        for pin in pins {
            guard let card = set[pin.channel] else {
                out.append("\(pin.channel.rawValue): frozen card \(pin.id)@\(pin.version) is missing")
                continue
            }
            if card.id != pin.id || card.version != pin.version {
                out.append("\(pin.channel.rawValue): frozen \(pin.id)@\(pin.version), found \(card.id)@\(card.version)")
            } else if card.contentHash != pin.sha256 {
                out.append("\(pin.channel.rawValue): \(pin.id)@\(pin.version) was edited after the edition was frozen")
            }
        }
        for channel in set.cards.keys.sorted() where !pins.contains(where: { $0.channel == channel }) {
            out.append("\(channel.rawValue): card not frozen for edition \(editionID)")
        }
        return out
    }
}
