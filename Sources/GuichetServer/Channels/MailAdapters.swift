import Foundation
import NIOConcurrencyHelpers
import Vapor

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

/// Sends mail through the configured relay.
struct MailRelay: Sendable {
    var host: String
    var port: Int
    var hostname: String
    var username: String?
    var password: String?

    func send(from: String, to: [String], message: Data) async throws {
        try await SMTPRelayClient(host: host, port: port, hostname: hostname, username: username, password: password)
            .send(from: from, to: to, message: message)
    }
}

/// Starts the inbound mail listener with the server when `GUICHET_MAIL_LISTEN` is set.
struct MailListenerLifecycle: LifecycleHandler {
    final class Handle: Sendable {
        let listener = NIOLockedValueBox<SMTPListener?>(nil)
    }

    let handle = Handle()

    func didBootAsync(_ application: Application) async throws {
        let configuration = application.guichet.configuration
        guard let address = configuration.mailListen else { return }
        let intake = MailIntake(application: application)
        let listener = SMTPListener(
            configuration: SMTPListenerConfiguration(
                host: address.host, port: address.port, mode: configuration.mailProtocol == "smtp" ? .smtp : .lmtp,
                hostname: configuration.mailHostname),
            delivery: MailDelivery(
                accepts: { await intake.accepts($0) },
                deliver: { recipients, message in await intake.deliver(recipients: recipients, raw: message) }),
            group: application.eventLoopGroup)
        try await listener.start()
        handle.listener.withLockedValue { $0 = listener }
        application.logger.notice(
            "mail listener (\(configuration.mailProtocol.uppercased())) on \(address.host):\(listener.boundPort ?? address.port)"
        )
    }

    func shutdownAsync(_ application: Application) async {
        await handle.listener.withLockedValue { $0 }?.shutdown()
    }
}
