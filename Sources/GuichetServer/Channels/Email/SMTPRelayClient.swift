import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

enum SMTPRelayError: Error, Sendable, Equatable, CustomStringConvertible {
    case connectionFailed(String)
    case timeout
    /// The relay refused at `stage` (greeting, EHLO, AUTH, MAIL, RCPT, DATA, message) with its reply.
    case rejected(stage: String, code: Int, text: String)
    case protocolError(String)

    var description: String {
        switch self {
        case .connectionFailed(let detail): return "cannot reach the SMTP relay: \(detail)"
        case .timeout: return "the SMTP relay did not answer in time"
        case .rejected(let stage, let code, let text): return "the SMTP relay refused \(stage): \(code) \(text)"
        case .protocolError(let detail): return "unexpected answer from the SMTP relay: \(detail)"
        }
    }
}

/// Sends one message through an SMTP relay (RFC 5321): EHLO (HELO if refused), optional AUTH PLAIN,
/// MAIL, RCPT for each recipient, DATA with dot-stuffing, QUIT. No STARTTLS: the relay is expected on
/// the same host or a trusted network (a local Postfix that relays onwards with TLS).
struct SMTPRelayClient: Sendable {
    var host: String
    var port: Int
    var hostname: String
    var username: String?
    var password: String?
    var timeout: TimeInterval = 30

    func send(
        from: String, to recipients: [String], message: Data,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    )
        async throws
    {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(Int64(min(timeout, 10))))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPRelayError.connectionFailed(String(describing: error))
        }
        // The whole exchange has `timeout` seconds: past it the connection is closed and the send fails.
        let timedOut = NIOLockedValueBox(false)
        let seconds = timeout
        let watchdog = Task {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            timedOut.withLockedValue { $0 = true }
            try? await channel.channel.close()
        }
        defer { watchdog.cancel() }
        do {
            try await exchange(channel, from: from, to: recipients, message: message)
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw SMTPRelayError.timeout }
            throw error
        }
    }

    private func exchange(
        _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, from: String, to recipients: [String], message: Data
    ) async throws {
        try await channel.executeThenClose { inbound, outbound in
            var reader = ReplyReader(iterator: inbound.makeAsyncIterator())
            func expect(_ stage: String, _ accepted: ClosedRange<Int>) async throws -> (Int, String) {
                let reply = try await reader.next()
                guard accepted.contains(reply.code) else {
                    throw SMTPRelayError.rejected(stage: stage, code: reply.code, text: reply.text)
                }
                return reply
            }
            func command(_ line: String) async throws {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
            }
            _ = try await expect("the connection", 220...220)
            try await command("EHLO \(hostname)")
            do {
                _ = try await expect("EHLO", 250...250)
            } catch SMTPRelayError.rejected {
                try await command("HELO \(hostname)")
                _ = try await expect("HELO", 250...250)
            }
            if let username, let password {
                let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                try await command("AUTH PLAIN \(token)")
                _ = try await expect("authentication", 235...235)
            }
            try await command("MAIL FROM:<\(from)>")
            _ = try await expect("the sender", 250...251)
            for recipient in recipients {
                try await command("RCPT TO:<\(recipient)>")
                _ = try await expect("recipient \(recipient)", 250...251)
            }
            try await command("DATA")
            _ = try await expect("DATA", 354...354)
            try await outbound.write(ByteBuffer(bytes: Self.dotStuffed(message)))
            _ = try await expect("the message", 250...250)
            try await command("QUIT")
            _ = try? await reader.next()
        }
    }

    /// CRLF line endings, a leading "." doubled, and the terminating "." line.
    static func dotStuffed(_ message: Data) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + 64)
        var atLineStart = true
        var previous: UInt8 = 0
        for byte in message {
            if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") { out.append(UInt8(ascii: "\r")) }
            if atLineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
            previous = byte
        }
        if !atLineStart { out += [13, 10] }
        out += Array(".\r\n".utf8)
        return out
    }

    /// Reads multi-line replies ("250-…" continued until "250 …").
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending: [UInt8] = []

        mutating func next() async throws -> (code: Int, text: String) {
            var lines: [String] = []
            while true {
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeFirst(newline + 1)
                    if line.hasSuffix("\r") { line.removeLast() }
                    lines.append(line)
                    guard line.count >= 3, let code = Int(line.prefix(3)) else {
                        throw SMTPRelayError.protocolError(String(line.prefix(200)))
                    }
                    if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                        return (code, lines.map { String($0.dropFirst(4)) }.joined(separator: " "))
                    }
                }
                guard let buffer = try await iterator.next() else {
                    throw SMTPRelayError.protocolError("connection closed by the relay")
                }
                pending.append(contentsOf: buffer.readableBytesView)
            }
        }
    }
}
