import Foundation

/// An inbound email, parsed from its raw RFC 5322 / MIME form.
public struct MailMessage: Sendable, Hashable {
    public struct Address: Sendable, Hashable {
        public var name: String?
        /// Lowercased.
        public var email: String
    }

    public struct Attachment: Sendable, Hashable {
        public var filename: String?
        public var contentType: String
        public var data: Data
    }

    public var from: [Address]
    public var to: [Address]
    public var cc: [Address]
    public var subject: String
    /// Without angle brackets.
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var date: Date?
    /// The text the customer wrote: the text/plain part, else the text/html part reduced to text.
    public var text: String
    public var html: String?
    public var attachments: [Attachment]
}

public enum MailParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case tooLarge(limit: Int)
    case tooDeep(limit: Int)
    case tooManyHeaders(limit: Int)
    case malformedHeader(line: Int)
    case noHeaders
    case missingBoundary(contentType: String)
    case boundaryNotFound(String)
    case invalidBase64(part: String)
    /// The message ends inside a base64 part, before its multipart's closing delimiter: the attachment may be cut.
    case unterminatedPart(part: String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): return "message larger than \(limit) bytes"
        case .tooDeep(let limit): return "multipart nesting deeper than \(limit)"
        case .tooManyHeaders(let limit): return "more than \(limit) header fields"
        case .malformedHeader(let line): return "header line \(line) is not 'Name: value'"
        case .noHeaders: return "no header: not an email"
        case .missingBoundary(let type): return "\(type) without a boundary parameter"
        case .boundaryNotFound(let boundary): return "boundary '\(boundary)' never appears in the body"
        case .invalidBase64(let part): return "invalid base64 in part \(part)"
        case .unterminatedPart(let part):
            return "the message ends inside part \(part) (base64) without its closing boundary: it may be cut"
        }
    }
}

/// Parses inbound mail: headers (folded, RFC 2047 encoded words), nested multipart, quoted-printable and
/// base64, the charsets French mail actually uses (UTF-8, ISO-8859-1/15, Windows-1252, US-ASCII), and
/// attachments (RFC 2231 file names). Bounded in size, depth and header count, so a hostile message is
/// refused with a reason instead of taking the server down.
public struct MailParser: Sendable {
    public var maximumSize = 25 * 1_048_576
    public var maximumDepth = 20
    public var maximumHeaders = 1_000

    public init() {}

    public func parse(_ raw: Data) throws(MailParseError) -> MailMessage {
        guard raw.count <= maximumSize else { throw .tooLarge(limit: maximumSize) }
        let (headers, body) = try split(raw)
        guard !headers.isEmpty else { throw .noHeaders }
        var collected = Collected()
        try walk(headers: headers, body: body, depth: 0, path: "1", into: &collected)
        func header(_ name: String) -> String? { headers.first { $0.name == name }.map { MIMEWords.decode($0.value) } }
        // Split at commas first, then decode the names: an encoded "Dupont, Léa" is one name, not two addresses.
        func addresses(_ name: String) -> [MailMessage.Address] {
            AddressList.parse(headers.first { $0.name == name }?.value ?? "").map {
                .init(name: $0.name.map(MIMEWords.decode), email: $0.email)
            }
        }
        return MailMessage(
            from: addresses("from"), to: addresses("to"), cc: addresses("cc"), subject: header("subject") ?? "",
            messageID: MessageIDs.parse(header("message-id") ?? "").first,
            inReplyTo: MessageIDs.parse(header("in-reply-to") ?? ""),
            references: MessageIDs.parse(header("references") ?? ""),
            date: header("date").flatMap(MailDate.parse),
            text: collected.text ?? collected.html.map(HTMLText.plain) ?? "", html: collected.html,
            attachments: collected.attachments)
    }

    struct Header {
        var name: String
        var value: String
    }

    private struct Collected {
        var text: String?
        var html: String?
        var attachments: [MailMessage.Attachment] = []
    }

    /// Headers (unfolded, names lowercased) and the body, split at the first empty line.
    func split(_ data: Data) throws(MailParseError) -> ([Header], Data) {
        let bytes = [UInt8](data)
        var index = 0
        var lines: [String] = []
        var bodyStart = bytes.count
        while index < bytes.count {
            var end = index
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > index, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd == index {
                bodyStart = min(end + 1, bytes.count)
                break
            }
            // Header bytes are ASCII by the standard; raw 8-bit bytes are read as UTF-8, else Latin-1.
            lines.append(Charsets.decode(Data(bytes[index..<lineEnd]), charset: nil))
            index = end + 1
            if index >= bytes.count { bodyStart = bytes.count }
        }
        var headers: [Header] = []
        for (number, line) in lines.enumerated() {
            if line.first == " " || line.first == "\t" {
                guard !headers.isEmpty else { throw .malformedHeader(line: number + 1) }
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                !line[..<colon].contains(" ")
            else {
                // A "From " mbox separator line at the top is tolerated.
                if number == 0, line.hasPrefix("From ") { continue }
                throw .malformedHeader(line: number + 1)
            }
            headers.append(
                Header(
                    name: line[..<colon].lowercased(),
                    value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            if headers.count > maximumHeaders { throw .tooManyHeaders(limit: maximumHeaders) }
        }
        return (headers, Data(bytes[bodyStart...]))
    }

    /// `unterminated`: this part is the last of a multipart that never closed and runs to the end of the message:
    /// nothing after it proves it whole.
    private func walk(
        headers: [Header], body: Data, depth: Int, path: String, unterminated: Bool = false,
        into collected: inout Collected
    )
        throws(MailParseError)
    {
        guard depth <= maximumDepth else { throw .tooDeep(limit: maximumDepth) }
        let contentType = MIMEParameters.parse(headers.first { $0.name == "content-type" }?.value ?? "text/plain")
        let disposition = MIMEParameters.parse(headers.first { $0.name == "content-disposition" }?.value ?? "")
        if contentType.value.hasPrefix("multipart/") {
            guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty else {
                throw .missingBoundary(contentType: contentType.value)
            }
            let (parts, closed) = try Multipart.split(body, boundary: boundary)
            // Only the last part of an unclosed multipart that itself runs to the end may be cut: a closed
            // multipart's parts are whole even when the message stops right after its closing delimiter.
            let runsToEnd = depth == 0 || unterminated
            for (index, part) in parts.enumerated() {
                let (partHeaders, partBody) = try split(part)
                try walk(
                    headers: partHeaders, body: partBody, depth: depth + 1, path: "\(path).\(index + 1)",
                    unterminated: runsToEnd && !closed && index == parts.count - 1, into: &collected)
            }
            return
        }
        let encoding = (headers.first { $0.name == "content-transfer-encoding" }?.value ?? "7bit").lowercased()
        let decoded: Data
        switch encoding {
        case "base64":
            guard let data = TransferEncoding.base64(body) else { throw .invalidBase64(part: path) }
            // Base64 cut at a 4-character group decodes cleanly into a broken file, so a part that may be cut is
            // refused; unless it ends in padding, which only the encoder's final group carries.
            guard !unterminated || TransferEncoding.endsWithPadding(body) else {
                throw .unterminatedPart(part: path)
            }
            decoded = data
        case "quoted-printable": decoded = TransferEncoding.quotedPrintable(body)
        default: decoded = body
        }
        let filename = disposition.parameters["filename"] ?? contentType.parameters["name"]
        let isAttachment =
            disposition.value == "attachment" || (filename != nil && !contentType.value.hasPrefix("text/"))
        if !isAttachment, contentType.value == "text/plain", collected.text == nil {
            collected.text = Charsets.decode(decoded, charset: contentType.parameters["charset"])
        } else if !isAttachment, contentType.value == "text/html", collected.html == nil {
            collected.html = Charsets.decode(decoded, charset: contentType.parameters["charset"])
        } else if isAttachment || filename != nil || !contentType.value.hasPrefix("text/") {
            // A named text part (a CSV export, a .txt log) that is not the body is an attachment, with or
            // without a Content-Disposition.
            collected.attachments.append(.init(filename: filename, contentType: contentType.value, data: decoded))
        }
    }
}
