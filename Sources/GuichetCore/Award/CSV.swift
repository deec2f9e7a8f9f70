import Foundation

/// Minimal RFC 4180 CSV: comma separator, `"` quoting with `""` escapes, quoted fields may hold
/// commas and line breaks (verbatims do).
enum CSV {
    struct Record {
        /// 1-based line on which the record starts, for error messages.
        var line: Int
        var fields: [String]
    }

    struct SyntaxError: Error {
        var line: Int
        var message: String
    }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func parse(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quotedFieldClosed = false
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(field)
            // A blank line is not a record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            quotedFieldClosed = false
        }
        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            inQuotes = false
                            quotedFieldClosed = true
                            pending = next
                        }
                    } else {
                        inQuotes = false
                        quotedFieldClosed = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !quotedFieldClosed else {
                    throw SyntaxError(line: line, message: "quote inside an unquoted field (quote the whole field)")
                }
                inQuotes = true
            case ",":
                fields.append(field)
                field = ""
                quotedFieldClosed = false
            case "\r":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                if quotedFieldClosed { throw SyntaxError(line: line, message: "text after a closing quote") }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw SyntaxError(line: recordLine, message: "quoted field never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
