import Foundation

/// `type/subtype; name=value; name="quoted"; name*=UTF-8''encoded` (RFC 2045, RFC 2231).
enum MIMEParameters {
    struct Parsed {
        /// Lowercased value before the first ";".
        var value: String
        /// Parameter names lowercased; RFC 2231 `name*` values decoded into `name`.
        var parameters: [String: String]
    }

    static func parse(_ header: String) -> Parsed {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in header {
            if character == "\"" { quoted.toggle() }
            if character == ";", !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        let value = pieces.first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        var parameters: [String: String] = [:]
        var continued: [String: [(Int, String, Bool)]] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            var name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var raw = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if raw.hasPrefix("\""), raw.hasSuffix("\""), raw.count >= 2 { raw = String(raw.dropFirst().dropLast()) }
            let extended = name.hasSuffix("*")
            if extended { name.removeLast() }
            // RFC 2231 continuations: name*0, name*1*, …
            if let star = name.lastIndex(of: "*"), let index = Int(name[name.index(after: star)...]) {
                continued[String(name[..<star]), default: []].append((index, raw, extended))
                continue
            }
            parameters[name] = extended ? decode2231(raw, first: true) : MIMEWords.decode(raw)
        }
        for (name, parts) in continued {
            let sorted = parts.sorted { $0.0 < $1.0 }
            parameters[name] = sorted.enumerated().map { offset, part in
                part.2 ? decode2231(part.1, first: offset == 0) : part.1
            }.joined()
        }
        return Parsed(value: value, parameters: parameters)
    }

    /// `UTF-8'fr'%C3%A9t%C3%A9.pdf` → "été.pdf".
    static func decode2231(_ value: String, first: Bool) -> String {
        var charset: String?
        var text = Substring(value)
        if first {
            let parts = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
            if parts.count == 3 {
                charset = String(parts[0])
                text = parts[2]
            }
        }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(bytes: [high, low], encoding: .ascii) ?? "", radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return Charsets.decode(Data(bytes), charset: charset)
    }
}

/// RFC 2047 encoded words in headers: `=?UTF-8?Q?R=C3=A9siliation?=`, `=?ISO-8859-1?B?...?=`.
enum MIMEWords {
    static func decode(_ header: String) -> String {
        guard header.contains("=?") else { return header }
        var result = ""
        var rest = Substring(header)
        var previousWasEncoded = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            guard let word = encodedWord(rest[start.lowerBound...]) else {
                result += before + "=?"
                rest = rest[start.upperBound...]
                previousWasEncoded = false
                continue
            }
            // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
            if !(previousWasEncoded && before.allSatisfy(\.isWhitespace)) { result += before }
            result += word.text
            rest = rest[word.end...]
            previousWasEncoded = true
        }
        return result + rest
    }

    private static func encodedWord(_ text: Substring) -> (text: String, end: Substring.Index)? {
        let fields = text.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count == 4, fields[3].hasPrefix("=") else { return nil }
        let charset = String(fields[0].split(separator: "*").first ?? "")  // RFC 2231 language suffix
        let encoding = fields[1].uppercased()
        let payload = fields[2]
        guard !payload.contains(" ") else { return nil }
        let data: Data?
        switch encoding {
        case "B": data = TransferEncoding.base64(Data(payload.utf8))
        case "Q": data = TransferEncoding.quotedPrintable(Data(payload.replacingOccurrences(of: "_", with: " ").utf8))
        default: data = nil
        }
        guard let data else { return nil }
        let end = text.index(fields[3].startIndex, offsetBy: 1)
        return (Charsets.decode(data, charset: charset), end)
    }
}

/// Splits a multipart body at its boundary lines.
enum Multipart {
    /// The parts, and whether the closing delimiter (`--boundary--`) was there.
    static func split(_ body: Data, boundary: String) throws(MailParseError) -> (parts: [Data], closed: Bool) {
        let bytes = [UInt8](body)
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [Data] = []
        var partStart: Int?
        var lineStart = 0
        var found = false
        while lineStart <= bytes.count {
            var end = lineStart
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = bytes[lineStart..<lineEnd]
            if line.starts(with: delimiter) {
                let after = line.dropFirst(delimiter.count)
                let closing = after.starts(with: Array("--".utf8))
                if closing || after.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    found = true
                    if let start = partStart {
                        // The line break before a delimiter belongs to the delimiter.
                        var stop = lineStart
                        if stop > start, bytes[stop - 1] == 0x0A { stop -= 1 }
                        if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
                        parts.append(Data(bytes[start..<max(start, stop)]))
                    }
                    if closing { return (parts, true) }
                    partStart = min(end + 1, bytes.count)
                }
            }
            if end >= bytes.count { break }
            lineStart = end + 1
        }
        guard found else { throw .boundaryNotFound(boundary) }
        // No closing delimiter: keep what was there rather than lose the customer's message.
        if let start = partStart, start < bytes.count { parts.append(Data(bytes[start...])) }
        return (parts, false)
    }
}

enum TransferEncoding {
    /// Lenient about line breaks and spaces, strict about everything else.
    static func base64(_ data: Data) -> Data? {
        let cleaned = data.filter { !($0 == 0x0D || $0 == 0x0A || $0 == 0x20 || $0 == 0x09) }
        var text = String(decoding: cleaned, as: UTF8.self)
        let remainder = text.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { text += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: text)
    }

    /// Whether base64 text ends with "=": the encoder's last group, so nothing of the data is missing.
    static func endsWithPadding(_ data: Data) -> Bool {
        data.last { !($0 == 0x0D || $0 == 0x0A || $0 == 0x20 || $0 == 0x09) } == UInt8(ascii: "=")
    }

    static func quotedPrintable(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: return byte - 0x30
            case 0x41...0x46: return byte - 0x41 + 10
            case 0x61...0x66: return byte - 0x61 + 10
            default: return nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                // Soft line break: "=" at the end of a line.
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                    index += 2
                    continue
                }
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    index += 3
                    continue
                }
                if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return Data(out)
    }
}

/// Text from bytes in a declared charset; undeclared or unknown: UTF-8 if valid, else Windows-1252.
public enum Charsets {
    public static func decode(_ data: Data, charset: String?) -> String {
        switch charset?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "iso-8859-1", "latin1", "iso8859-1", "l1": return String(data.map { Character(Unicode.Scalar($0)) })
        case "iso-8859-15", "latin-9", "iso8859-15": return String(data.map { Character(latin9($0)) })
        case "windows-1252", "cp1252": return String(data.map { Character(cp1252($0)) })
        case "us-ascii", "ascii", "utf-8", "utf8", nil, "":
            if let text = String(data: data, encoding: .utf8) { return text }
            return String(data.map { Character(cp1252($0)) })
        default:
            if let text = String(data: data, encoding: .utf8) { return text }
            return String(data.map { Character(cp1252($0)) })
        }
    }

    private static func latin9(_ byte: UInt8) -> Unicode.Scalar {
        let differences: [UInt8: UInt32] = [
            0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153,
            0xBE: 0x0178,
        ]
        return Unicode.Scalar(differences[byte] ?? UInt32(byte))!
    }

    /// Windows-1252: Latin-1 except 0x80–0x9F, where Outlook puts €, curly quotes, œ, dashes…
    private static func cp1252(_ byte: UInt8) -> Unicode.Scalar {
        let table: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
            0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
            0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
        ]
        guard (0x80...0x9F).contains(byte) else { return Unicode.Scalar(byte) }
        return Unicode.Scalar(table[Int(byte - 0x80)])!
    }
}

/// `"Dupont, Léa" <lea@example.fr>, marc@example.fr` → addresses.
enum AddressList {
    static func parse(_ header: String) -> [MailMessage.Address] {
        var entries: [String] = []
        var current = ""
        var quoted = false
        var angle = 0
        for character in header {
            switch character {
            case "\"": quoted.toggle()
            case "<" where !quoted: angle += 1
            case ">" where !quoted: angle = max(0, angle - 1)
            default: break
            }
            if character == ",", !quoted, angle == 0 {
                entries.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        entries.append(current)
        return entries.compactMap { entry in
            let entry = entry.trimmingCharacters(in: .whitespaces)
            if let open = entry.lastIndex(of: "<"), let close = entry.lastIndex(of: ">"), open < close {
                let email = entry[entry.index(after: open)..<close].trimmingCharacters(in: .whitespaces).lowercased()
                var name = entry[..<open].trimmingCharacters(in: .whitespaces)
                if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
                    name = String(name.dropFirst().dropLast())
                }
                guard email.contains("@") else { return nil }
                return .init(name: name.isEmpty ? nil : name, email: email)
            }
            guard entry.contains("@"), !entry.contains(" ") else { return nil }
            return .init(name: nil, email: entry.lowercased())
        }
    }
}

/// `<a@b> <c@d>` → ["a@b", "c@d"].
enum MessageIDs {
    static func parse(_ header: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            if !id.isEmpty { ids.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        if ids.isEmpty {
            let bare = header.trimmingCharacters(in: .whitespaces)
            if !bare.isEmpty, !bare.contains(" ") { ids.append(bare) }
        }
        return ids
    }
}

/// RFC 5322 dates: "Tue, 2 May 2017 10:00:00 +0200", with or without the day name.
enum MailDate {
    static func parse(_ text: String) -> Date? {
        let cleaned = text.replacingOccurrences(of: #"\s*\(.*\)\s*$"#, with: "", options: .regularExpression)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm Z"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: cleaned.trimmingCharacters(in: .whitespaces)) { return date }
        }
        return nil
    }
}

/// Text from an HTML body, for mail that has no text/plain part.
enum HTMLText {
    static func plain(_ html: String) -> String {
        var text = html.replacingOccurrences(
            of: #"(?is)<(script|style)[^>]*>.*?</\1>"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(
            of: #"(?i)<br\s*/?>|</p>|</div>|</li>"#, with: "\n", options: .regularExpression)
        text = text.replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression)
        for (entity, character) in [
            ("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&eacute;", "é"),
            ("&egrave;", "è"), ("&agrave;", "à"), ("&ccedil;", "ç"), ("&euro;", "€"), ("&amp;", "&"),
        ] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n")
            .replacingOccurrences(of: #"\n{3,}"#, with: "\n\n", options: .regularExpression)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
