/// The languages Guichet speaks: French first (its users are French teams), and English.
public enum Language: String, Codable, Sendable, CaseIterable {
    case fr
    case en

    /// Picks the best supported language from an `Accept-Language` header, honouring q-values;
    /// nil when none is acceptable.
    public static func preferred(acceptLanguage header: String) -> Language? {
        var best: (Language, Double)?
        for (position, part) in header.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0 else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary) else { continue }
            // Earlier entries win ties, as browsers list them in preference order.
            let score = quality - Double(position) * 1e-6
            if best == nil || score > best!.1 { best = (language, score) }
        }
        return best?.0
    }
}

/// A phrase in every language Guichet speaks.
public struct Localized: Sendable, Hashable, Codable {
    public var fr: String
    public var en: String

    public init(fr: String, en: String) {
        self.fr = fr
        self.en = en
    }

    public subscript(language: Language) -> String {
        switch language {
        case .fr: return fr
        case .en: return en
        }
    }
}
