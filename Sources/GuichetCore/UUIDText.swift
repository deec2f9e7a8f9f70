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
