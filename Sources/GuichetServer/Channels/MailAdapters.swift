import Foundation

/// A reply ready to send: its raw RFC 5322 bytes and the Message-ID it carries.
struct ComposedMail: Sendable {
    var raw: Data
    var messageID: String
}

enum MailComposer {
    /// A plain-text UTF-8 reply, threaded with In-Reply-To and References.
    static func reply(
        from: String, to: String, subject: String, body: String, inReplyTo: String?, references: [String],
        hostname: String, date: Date
    ) -> ComposedMail {
        let id = "\(UUID().uuidString.lowercased())@\(hostname)"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss +0000"
        var lines = [
            "From: <\(from)>", "To: <\(to)>", "Subject: \(encodedWord(subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(id)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        if let inReplyTo { lines.append("In-Reply-To: <\(inReplyTo)>") }
        let chain = references.suffix(20).map { "<\($0)>" }
        if !chain.isEmpty { lines.append("References: " + chain.joined(separator: " ")) }
        let encoded = Data(
            body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8
        )
        .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let raw = lines.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n"
        return ComposedMail(raw: Data(raw.utf8), messageID: id)
    }

    /// RFC 2047 for a header that is not plain ASCII.
    static func encodedWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard !clean.allSatisfy({ $0.isASCII }) else { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }
}

/// Sends mail through the configured relay (SMTP, see `SMTPRelayClient`).
struct MailRelay: Sendable {
    var host: String
    var port: Int
    var hostname: String
    var username: String?
    var password: String?

    struct NotReady: Error, CustomStringConvertible {
        var description: String { "the SMTP relay client is not wired yet" }
    }

    func send(from: String, to: [String], message: Data) async throws {
        throw NotReady()
    }
}
