import Foundation

extension UUID {
    /// The same text as `uuidString` (upper-case hexadecimal, 8-4-4-4-12), written here: Foundation formats it with
    /// `snprintf`, sixteen `%02X` conversions, which was about a tenth of the SQLite intake writer's time — SQLite
    /// stores every id as this text, and a contact binds about fourteen — and part of every JSON reply.
    public var uppercaseText: String {
        String(unsafeUninitializedCapacity: 36) { text in
            let digits: StaticString = "0123456789ABCDEF"
            digits.withUTF8Buffer { digits in
                withUnsafeBytes(of: uuid) { bytes in
                    var at = 0
                    for (index, byte) in bytes.enumerated() {
                        if index == 4 || index == 6 || index == 8 || index == 10 {
                            text[at] = UInt8(ascii: "-")
                            at += 1
                        }
                        text[at] = digits[Int(byte >> 4)]
                        text[at + 1] = digits[Int(byte & 0x0F)]
                        at += 2
                    }
                }
            }
            return 36
        }
    }
}

extension UUID {
    /// Parses what `uppercaseText` writes, in either case — the texts `UUID(uuidString:)` accepts — without the
    /// `sscanf` Foundation parses it with. SQLite hands every stored id back as this text.
    public init?(text: String) {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var text = text
        let parsed = text.withUTF8 { utf8 -> Bool in
            guard utf8.count == 36 else { return false }
            return withUnsafeMutableBytes(of: &bytes) { target in
                var at = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        guard utf8[at] == UInt8(ascii: "-") else { return false }
                        at += 1
                    }
                    guard let high = Self.nibble(utf8[at]), let low = Self.nibble(utf8[at + 1]) else { return false }
                    target[index] = high << 4 | low
                    at += 2
                }
                return true
            }
        }
        guard parsed else { return nil }
        self.init(uuid: bytes)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
