import Foundation

/// One thing wrong with an input, and where it is.
///
/// `pointer` is a JSON Pointer (RFC 6901) into the submitted document, or a form field's name.
public struct FieldProblem: Codable, Sendable, Equatable {
    public var pointer: String
    public var detail: String

    public init(pointer: String, detail: String) {
        self.pointer = pointer
        self.detail = detail
    }
}

/// Input that breaks one or more rules. Thrown by domain code, rendered as 422 by the server.
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [FieldProblem]

    public init(_ problems: [FieldProblem]) {
        self.problems = problems
    }

    public init(pointer: String, _ detail: String) {
        self.problems = [FieldProblem(pointer: pointer, detail: detail)]
    }

    public var description: String {
        problems.map { "\($0.pointer): \($0.detail)" }.joined(separator: "; ")
    }
}

/// Rules for identifiers people type.
public enum InputRules {
    /// A plausible email address: one "@", a dot in the domain, no spaces, at most 254 characters.
    public static func isPlausibleEmail(_ value: String) -> Bool {
        if value.utf8.allSatisfy({ $0 < 0x80 }) { return isPlausibleASCIIEmail(value.utf8) }
        guard value.count <= 254, !value.contains(where: \.isWhitespace) else { return false }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return true
    }

    /// The same rule byte by byte, for the usual all-ASCII address (walking `Character`s costs more than the
    /// rest of an intake's validation together).
    private static func isPlausibleASCIIEmail(_ bytes: String.UTF8View) -> Bool {
        guard bytes.count <= 254 else { return false }
        var at: String.UTF8View.Index?
        for index in bytes.indices {
            let byte = bytes[index]
            if isASCIIWhitespace(byte) { return false }
            if byte == UInt8(ascii: "@") {
                guard at == nil else { return false }
                at = index
            }
        }
        guard let at, at != bytes.startIndex else { return false }
        let domain = bytes[bytes.index(after: at)...]
        return domain.contains(UInt8(ascii: ".")) && domain.first != UInt8(ascii: ".")
            && domain.last != UInt8(ascii: ".")
    }

    /// The ASCII characters `Character.isWhitespace` and `CharacterSet.whitespacesAndNewlines` hold: tab, line
    /// feed, vertical tab, form feed, carriage return, space.
    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        (0x09...0x0D).contains(byte) || byte == 0x20
    }

    /// Emails compare case-insensitively; we store them trimmed and lowercased.
    public static func normalisedEmail(_ value: String) -> String {
        let bytes = value.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            return value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        }
        guard let first = bytes.firstIndex(where: { !isASCIIWhitespace($0) }),
            let last = bytes.lastIndex(where: { !isASCIIWhitespace($0) })
        else { return "" }
        return String(Substring(bytes[first...last])).lowercased()
    }

    /// Minimum length of a password chosen by a person.
    public static let minimumPasswordLength = 10

    /// A URL-safe identifier derived from a name: "Électricité de France" → "electricite-de-france".
    /// An identifier a person types and a URL carries: 1 to 64 letters, digits, '-', '_' or '.'.
    public static func isCode(_ value: String) -> Bool {
        !value.isEmpty && value.count <= 64
            && value.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
            }
    }

    public static func slug(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr"))
        var out = ""
        var lastDash = true
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                out.unicodeScalars.append(scalar)
                lastDash = false
            } else if !lastDash {
                out.append("-")
                lastDash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(60))
    }
}
