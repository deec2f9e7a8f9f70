import Foundation
import GuichetCore
import GuichetStore
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

private typealias F = ContactCentreFixtures

/// The Python that runs the mail peers: `GUICHET_PYTHON` (CI points it at its venv), else `python3`.
enum MailPeer {
    static let python = ProcessInfo.processInfo.environment["GUICHET_PYTHON"] ?? "python3"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "mail_peer.py"
    )
    .path

    static let hasAiosmtpd: Bool = (try? run(["-c", "import aiosmtpd"]).status) == 0

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs a peer without blocking a thread of the cooperative pool (the server under test needs them).
    static func runAsync(_ arguments: [String]) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume() }
        }
        try handle.close()
        return try String(contentsOf: output, encoding: .utf8)
    }

    struct SendResult: Decodable {
        var refused: [String: [JSONScalar]]
        var error: String?
        var sent: String
    }

    enum JSONScalar: Decodable {
        case int(Int)
        case string(String)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Int.self) {
                self = .int(value)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }

    /// smtplib sends one message (run off the cooperative pool: it blocks).
    static func send(
        port: Int, mode: String, from: String, to: [String], extra: [String] = []
    ) async throws -> SendResult {
        let arguments = [script, "send", "\(port)", mode, from, to.joined(separator: ",")] + extra
        let output = try await runAsync(arguments)
        return try JSONDecoder().decode(SendResult.self, from: Data(output.utf8))
    }

    static func raw(port: Int, _ bytes: String) async throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(UUID().uuidString)")
        try Data(bytes.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try await runAsync([script, "raw", "\(port)", file.path])
        return try JSONDecoder().decode([String].self, from: Data(output.utf8))
    }
}

/// aiosmtpd, started as the relay replies go through.
final class RelaySink: @unchecked Sendable {
    let process = Process()
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID().uuidString).jsonl")
    let port: Int

    init(rejecting: String? = nil) throws {
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [MailPeer.python, MailPeer.script, "sink", log.path] + (rejecting.map { ["--reject-rcpt", $0] } ?? [])
        process.standardOutput = pipe
        try process.run()
        let line = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestSetupError("aiosmtpd did not start: \(line)")
        }
        self.port = port
    }

    struct Received: Decodable {
        var from: String
        var to: [String]
        var subject: String
        var in_reply_to: String?
        var references: String?
        var message_id: String?
        var body: String?
    }

    func received() throws -> [Received] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Received.self, from: Data($0.utf8)) }
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }
}

private func withListener(
    _ app: Application, mode: SMTPListenerConfiguration.Mode, maximumSize: Int = 1_048_576,
    _ body: (Int) async throws -> Void
) async throws {
    let intake = MailIntake(application: app)
    let listener = SMTPListener(
        configuration: .init(host: "127.0.0.1", port: 0, mode: mode, maximumMessageSize: maximumSize),
        delivery: MailDelivery(
            accepts: { await intake.accepts($0) },
            deliver: { recipients, message in await intake.deliver(recipients: recipients, raw: message) }),
        group: app.eventLoopGroup)
    try await listener.start()
    do {
        try await body(try #require(listener.boundPort))
    } catch {
        await listener.shutdown()
        throw error
    }
    await listener.shutdown()
}

@Suite("Email: LMTP/SMTP listener with smtplib, replies through an aiosmtpd relay", .enabled(if: MailPeer.hasAiosmtpd))
struct MailChannelTests {
    @Test(
        "A French multipart message over LMTP becomes a contact; per-recipient answers; the reply is threaded",
        arguments: TestDatabase.available)
    func lmtpAndReply(database: TestDatabase) async throws {
        let sink = try RelaySink()
        defer { sink.stop() }
        try await withTestApp(database, configure: { $0.mailRelay = ("127.0.0.1", sink.port) }) { app in
            let setup = try await F.setUp(app)
            try await withListener(app, mode: .lmtp) { port in
                let result = try await MailPeer.send(
                    port: port, mode: "lmtp", from: "emilie@client.example",
                    to: ["service@brand-a.fr", "personne@brand-a.fr"],
                    extra: ["--message-id", "<m1@client.example>", "--attach", "facture été.pdf"])
                #expect(result.error == nil)
                #expect(Array(result.refused.keys) == ["personne@brand-a.fr"])
                let contacts = try F.decode([ContactRecord].self, try await setup.agent.get("\(setup.base)/contacts"))
                let contact = try #require(contacts.first)
                #expect(contacts.count == 1 && contact.medium == .email && contact.entryPoint == "service@brand-a.fr")
                #expect(contact.subject == "Problème de facturation — échéance")
                #expect(contact.motif == nil && contact.queue == "general")  // no rule names this subject
                let detail = try F.decode(
                    ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(contact.id)"))
                let message = try #require(detail.messages.first)
                #expect(
                    message.body.contains("J'ai été prélevée deux fois")
                        && message.body.contains("\n.ligne qui commence"))
                #expect(message.attachments.map(\.filename) == ["facture été.pdf"])
                #expect(message.messageRef == "m1@client.example")
                // The agent answers by email: aiosmtpd receives it, threaded on the customer's message.
                let reply = try await setup.agent.send(
                    .POST, "\(setup.base)/contacts/\(contact.id)/replies",
                    json: #"{"body": "Bonjour Émilie,\nnous remboursons le doublon."}"#)
                #expect(reply.status == .created, "\(reply.body.string)")
                #expect(try F.decode(ReplyDTO.self, reply).delivery == "sent")
                let received = try #require(try sink.received().first)
                #expect(received.to == ["emilie@client.example"] && received.from == "service@brand-a.fr")
                #expect(received.subject == "Re: Problème de facturation — échéance")
                #expect(received.in_reply_to == "<m1@client.example>")
                #expect(received.body?.contains("nous remboursons le doublon.") == true)
                // Émilie answers the reply: same contact.
                let sentID = try #require(received.message_id)
                let answer = try await MailPeer.send(
                    port: port, mode: "lmtp", from: "emilie@client.example", to: ["service@brand-a.fr"],
                    extra: ["--message-id", "<m2@client.example>", "--in-reply-to", sentID, "--subject", "Re: merci"])
                #expect(answer.error == nil && answer.refused.isEmpty)
                let after = try F.decode(
                    ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(contact.id)"))
                #expect(after.messages.map(\.direction) == [.inbound, .outbound, .inbound])
                #expect(try await F.count(app, "contacts") == 1)
            }
        }
    }

    @Test(
        "Replies arriving before their original still thread; a malformed message is refused and the next one taken",
        arguments: TestDatabase.available)
    func threadingAndMalformed(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            try await withListener(app, mode: .smtp) { port in
                let reply = try await MailPeer.send(
                    port: port, mode: "smtp", from: "paul@client.example", to: ["service@brand-a.fr"],
                    extra: [
                        "--message-id", "<r1@client.example>", "--in-reply-to", "<o1@client.example>", "--subject",
                        "Re: Ma box",
                    ])
                #expect(reply.error == nil)
                let original = try await MailPeer.send(
                    port: port, mode: "smtp", from: "paul@client.example", to: ["service@brand-a.fr"],
                    extra: ["--message-id", "<o1@client.example>", "--subject", "Ma box"])
                #expect(original.error == nil)
                #expect(try await F.count(app, "contacts") == 1)
                // A broken multipart, then a good message, on one connection.
                let broken =
                    "From: x@client.example\r\nTo: service@brand-a.fr\r\nSubject: cassé\r\nContent-Type: multipart/mixed\r\n\r\nrien\r\n"
                let good =
                    "From: y@client.example\r\nTo: service@brand-a.fr\r\nSubject: ok\r\nMessage-ID: <g1@c>\r\n\r\nBonjour\r\n"
                let replies = try await MailPeer.raw(
                    port: port,
                    "EHLO test\r\nMAIL FROM:<x@client.example>\r\nRCPT TO:<service@brand-a.fr>\r\nDATA\r\n\(broken).\r\n"
                        + "MAIL FROM:<y@client.example>\r\nRCPT TO:<service@brand-a.fr>\r\nDATA\r\n\(good).\r\nQUIT\r\n"
                )
                let codes = replies.compactMap {
                    $0.count >= 4 && $0.dropFirst(3).first == " " ? String($0.prefix(3)) : nil
                }
                #expect(codes == ["250", "250", "250", "354", "550", "250", "250", "354", "250", "221"], "\(replies)")
                #expect(replies.contains { $0.hasPrefix("550") && $0.contains("without a boundary") })
                #expect(try await F.count(app, "contacts") == 2)
                #expect(try await F.count(app, "rejected_inbound") == 1)
                _ = setup
            }
        }
    }

    @Test("Protocol: unknown recipients, size limits, pipelining, bare LF, unknown commands, LHLO vs EHLO")
    func protocolRules() async throws {
        try await withTestApp { app in
            _ = try await F.setUp(app)
            try await withListener(app, mode: .smtp, maximumSize: 2_000) { port in
                let pipelined = try await MailPeer.raw(
                    port: port,
                    "EHLO a\r\nNOOP\nMAIL FROM:<a@b.fr> SIZE=999999\r\nMAIL FROM:<a@b.fr>\r\nRCPT TO:<nobody@brand-a.fr>\r\n"
                        + "RCPT TO:<service@brand-a.fr>\r\nDATA\r\n\(String(repeating: "x", count: 3_000))\r\n.\r\nFOO\r\nLHLO a\r\nVRFY x\r\nRSET\r\nQUIT\r\n"
                )
                let finals = pipelined.filter { $0.count >= 4 && $0.dropFirst(3).first == " " }.map {
                    String($0.prefix(3))
                }
                #expect(
                    finals == [
                        "250", "250", "552", "250", "550", "250", "354", "552", "500", "500", "252", "250", "221",
                    ], "\(pipelined)")
                #expect(pipelined.contains("250 SIZE 2000"))
                let outOfOrder = try await MailPeer.raw(port: port, "MAIL FROM:<a@b.fr>\r\nEHLO a\r\nDATA\r\nQUIT\r\n")
                #expect(
                    outOfOrder.filter { $0.count >= 4 && $0.dropFirst(3).first == " " }.map { String($0.prefix(3)) }
                        == ["503", "250", "503", "221"])
            }
        }
    }

    @Test("The relay refusing a recipient, or not answering at all, is recorded on the message, not lost")
    func relayFailures() async throws {
        let sink = try RelaySink(rejecting: "refuse@client.example")
        defer { sink.stop() }
        do {
            try await SMTPRelayClient(host: "127.0.0.1", port: sink.port, hostname: "test").send(
                from: "service@brand-a.fr", to: ["refuse@client.example"], message: Data("Subject: x\r\n\r\ny\r\n".utf8)
            )
            Issue.record("the refusal was not reported")
        } catch let error as SMTPRelayError {
            guard case .rejected(_, let code, _) = error else { throw error }
            #expect(code == 550)
        }
        await #expect(throws: SMTPRelayError.self) {
            try await SMTPRelayClient(host: "127.0.0.1", port: 1, hostname: "test").send(
                from: "a@b.fr", to: ["c@d.fr"], message: Data("x".utf8))
        }
        try await withTestApp(configure: { $0.mailRelay = ("127.0.0.1", 1) }) { app in
            let setup = try await F.setUp(app)
            let intake = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts",
                    json:
                        #"{"medium": "email", "subject": "Bonjour", "text": "Aide", "customer": {"email": "z@client.example"}}"#
                ))
            let reply = try await setup.agent.send(
                .POST, "\(setup.base)/contacts/\(intake.contact.id)/replies", json: #"{"body": "Réponse"}"#)
            #expect(reply.status == .created)
            #expect(try F.decode(ReplyDTO.self, reply).delivery.hasPrefix("failed: cannot reach the SMTP relay"))
            let detail = try F.decode(
                ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(intake.contact.id)"))
            #expect(detail.messages.last?.delivery?.hasPrefix("failed") == true)
        }
    }
}
