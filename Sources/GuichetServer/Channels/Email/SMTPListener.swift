import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// What the listener asks the application: may this recipient receive mail, and take this message.
struct MailDelivery: Sendable {
    enum Outcome: Sendable, Equatable {
        case accepted(String)
        case rejected(String)
        case temporaryFailure(String)
    }

    var accepts: @Sendable (String) async -> Bool
    /// One outcome per recipient, in order.
    var deliver: @Sendable (_ recipients: [String], _ message: Data) async -> [Outcome]
}

struct SMTPListenerConfiguration: Sendable {
    enum Mode: String, Sendable {
        case smtp
        case lmtp
    }

    var host = "127.0.0.1"
    var port = 2525
    var mode = Mode.lmtp
    /// The name in the greeting.
    var hostname = "guichet.localhost"
    var maximumMessageSize = 25 * 1_048_576
    var maximumRecipients = 100
    var idleTimeout: TimeInterval = 300
    var maximumConnections = 200
}

/// An inbound SMTP or LMTP listener (RFC 5321, RFC 2033) that an MTA such as Postfix delivers to.
/// It speaks the commands an MTA uses (EHLO/HELO or LHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY),
/// with PIPELINING, 8BITMIME, SIZE and enhanced status codes; bounds line length, message size,
/// recipients, idle time and connections; and answers a refused message with its reason while the
/// connection carries on with the next one. LMTP answers once per recipient after DATA.
final class SMTPListener: Sendable {
    let configuration: SMTPListenerConfiguration
    let delivery: MailDelivery
    private let group: any EventLoopGroup
    private struct State {
        var server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>?
        var task: Task<Void, Never>?
        var connections = 0
        var open: [ObjectIdentifier: any NIOCore.Channel] = [:]
    }
    private let state = NIOLockedValueBox(State())

    init(configuration: SMTPListenerConfiguration, delivery: MailDelivery, group: any EventLoopGroup) {
        self.configuration = configuration
        self.delivery = delivery
        self.group = group
    }

    /// The port actually bound (useful with port 0).
    var boundPort: Int? { state.withLockedValue { $0.server?.channel.localAddress?.port } }

    func start() async throws {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let task = Task<Void, Never> {
            _ = try? await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        }
        state.withLockedValue {
            $0.server = server
            $0.task = task
        }
    }

    func shutdown() async {
        let (server, task, open) = state.withLockedValue { ($0.server, $0.task, Array($0.open.values)) }
        try? await server?.channel.close()
        for channel in open { try? await channel.close() }
        task?.cancel()
        _ = await task?.value
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let id = ObjectIdentifier(connection.channel)
        let admitted = state.withLockedValue { state -> Bool in
            guard state.connections < configuration.maximumConnections else { return false }
            state.connections += 1
            state.open[id] = connection.channel
            return true
        }
        defer {
            if admitted {
                state.withLockedValue {
                    $0.connections -= 1
                    $0.open[id] = nil
                }
            }
        }
        try? await connection.executeThenClose { inbound, outbound in
            guard admitted else {
                try await outbound.write(ByteBuffer(string: "421 4.3.2 too many connections, try again later\r\n"))
                return
            }
            var session = SMTPSession(configuration: configuration, delivery: delivery, channel: connection.channel)
            try await session.run(inbound: inbound, outbound: outbound)
        }
    }
}

/// One connection's conversation.
struct SMTPSession {
    let configuration: SMTPListenerConfiguration
    let delivery: MailDelivery
    let channel: any NIOCore.Channel

    static let maximumCommandLine = 4096

    private var greeted = false
    private var sender: String?
    private var recipients: [String] = []
    private var inData = false
    private var message = Data()
    private var oversized = false
    private var pending: [UInt8] = []
    private var closing = false

    init(configuration: SMTPListenerConfiguration, delivery: MailDelivery, channel: any NIOCore.Channel) {
        self.configuration = configuration
        self.delivery = delivery
        self.channel = channel
    }

    mutating func run(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        try await outbound.write(
            ByteBuffer(
                string: "220 \(configuration.hostname) \(configuration.mode == .lmtp ? "LMTP" : "ESMTP") Guichet\r\n"))
        // Closes the connection when nothing arrives for `idleTimeout` seconds.
        let activity = NIOLockedValueBox(Date())
        let channel = channel
        let timeout = configuration.idleTimeout
        let watchdog = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(min(timeout, 1) * 1e9))
                if Date().timeIntervalSince(activity.withLockedValue { $0 }) > timeout {
                    let buffer = ByteBuffer(string: "421 4.4.2 idle for too long, closing\r\n")
                    try? await channel.writeAndFlush(buffer)
                    try? await channel.close()
                    return
                }
            }
        }
        defer { watchdog.cancel() }
        for try await buffer in inbound {
            activity.withLockedValue { $0 = Date() }
            pending.append(contentsOf: buffer.readableBytesView)
            // Pipelined commands are answered in order, each reply as soon as it is known.
            // Lines are consumed by index and the buffer trimmed once per read: linear in the message size.
            var start = 0
            while !closing, let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = Array(pending[start..<end])
                start = newline + 1
                let reply = await handle(line)
                if !reply.isEmpty { try await outbound.write(ByteBuffer(string: reply)) }
            }
            pending.removeFirst(start)
            if !inData, pending.count > Self.maximumCommandLine {
                pending.removeAll()
                try await outbound.write(ByteBuffer(string: "500 5.5.6 command line too long\r\n"))
            }
            if closing { return }
        }
    }

    private mutating func reset() {
        sender = nil
        recipients = []
        inData = false
        message = Data()
        oversized = false
    }

    /// Handles one line; returns the reply text (possibly several lines), or "" while reading DATA.
    private mutating func handle(_ line: [UInt8]) async -> String {
        if inData { return await dataLine(line) }
        guard line.count <= Self.maximumCommandLine else { return "500 5.5.6 command line too long\r\n" }
        let text = String(decoding: line, as: UTF8.self)
        let verb = text.prefix { $0 != " " }.uppercased()
        let argument = text.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
        let lmtp = configuration.mode == .lmtp
        switch verb {
        case "EHLO", "LHLO":
            guard (verb == "LHLO") == lmtp else {
                return "500 5.5.1 this is an \(lmtp ? "LMTP" : "SMTP") server: use \(lmtp ? "LHLO" : "EHLO")\r\n"
            }
            greeted = true
            reset()
            return "250-\(configuration.hostname)\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
                + "250 SIZE \(configuration.maximumMessageSize)\r\n"
        case "HELO":
            guard !lmtp else { return "500 5.5.1 this is an LMTP server: use LHLO\r\n" }
            greeted = true
            reset()
            return "250 \(configuration.hostname)\r\n"
        case "MAIL":
            guard greeted else { return "503 5.5.1 say hello first\r\n" }
            guard sender == nil else { return "503 5.5.1 sender already given\r\n" }
            guard let path = Self.path(argument, prefix: "FROM:") else {
                return "501 5.5.4 syntax: MAIL FROM:<address>\r\n"
            }
            if let size = Self.parameter("SIZE", in: argument).flatMap(Int.init),
                size > configuration.maximumMessageSize
            {
                return "552 5.3.4 message larger than \(configuration.maximumMessageSize) bytes\r\n"
            }
            sender = path
            return "250 2.1.0 sender OK\r\n"
        case "RCPT":
            guard sender != nil else { return "503 5.5.1 MAIL first\r\n" }
            guard let path = Self.path(argument, prefix: "TO:"), !path.isEmpty else {
                return "501 5.5.4 syntax: RCPT TO:<address>\r\n"
            }
            guard recipients.count < configuration.maximumRecipients else {
                return "452 4.5.3 too many recipients\r\n"
            }
            guard await delivery.accepts(path) else { return "550 5.1.1 unknown recipient <\(path)>\r\n" }
            recipients.append(path)
            return "250 2.1.5 recipient OK\r\n"
        case "DATA":
            guard sender != nil, !recipients.isEmpty else { return "503 5.5.1 RCPT first\r\n" }
            inData = true
            message = Data()
            oversized = false
            return "354 end data with <CR><LF>.<CR><LF>\r\n"
        case "RSET":
            reset()
            return "250 2.0.0 reset\r\n"
        case "NOOP":
            return "250 2.0.0 OK\r\n"
        case "VRFY":
            return "252 2.5.2 cannot verify, but will try delivery\r\n"
        case "QUIT":
            closing = true
            return "221 2.0.0 bye\r\n"
        case "":
            return "500 5.5.2 empty command\r\n"
        default:
            return "500 5.5.2 command not recognised\r\n"
        }
    }

    private mutating func dataLine(_ line: [UInt8]) async -> String {
        if line == [UInt8(ascii: ".")] {
            let recipients = recipients
            let body = message
            let tooLarge = oversized
            reset()
            let lmtp = configuration.mode == .lmtp
            if tooLarge {
                let reply = "552 5.3.4 message larger than \(configuration.maximumMessageSize) bytes\r\n"
                return lmtp ? String(repeating: reply, count: recipients.count) : reply
            }
            let outcomes = await delivery.deliver(recipients, body)
            let replies = recipients.indices.map { index in
                Self.reply(index < outcomes.count ? outcomes[index] : .temporaryFailure("no outcome"))
            }
            if lmtp { return replies.joined() }
            // SMTP: one reply for the whole message; any refusal is reported (the MTA bounces or retries).
            if let failure = outcomes.first(where: { if case .accepted = $0 { return false } else { return true } }) {
                return Self.reply(failure)
            }
            return replies.first ?? "250 2.0.0 OK\r\n"
        }
        guard !oversized else { return "" }
        var content = line[...]
        if content.first == UInt8(ascii: ".") { content = content.dropFirst() }  // dot-unstuffing
        if message.count + content.count + 2 > configuration.maximumMessageSize {
            oversized = true
            message = Data()
            return ""
        }
        message.append(contentsOf: content)
        message.append(contentsOf: [13, 10])
        return ""
    }

    static func reply(_ outcome: MailDelivery.Outcome) -> String {
        switch outcome {
        case .accepted(let id): return "250 2.0.0 OK: queued as \(clean(id))\r\n"
        case .rejected(let reason): return "550 5.6.0 \(clean(reason))\r\n"
        case .temporaryFailure(let reason): return "451 4.3.0 \(clean(reason))\r\n"
        }
    }

    /// A reason on one line, printable, bounded.
    static func clean(_ text: String) -> String {
        String(text.map { $0.isNewline || !$0.isASCII ? " " : $0 }.prefix(400))
    }

    /// `FROM:<a@b> SIZE=…` → "a@b" (an empty path `<>` is allowed for bounces).
    static func path(_ argument: String, prefix: String) -> String? {
        guard argument.uppercased().hasPrefix(prefix) else { return nil }
        let rest = argument.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        if rest.hasPrefix("<") {
            guard let end = rest.firstIndex(of: ">") else { return nil }
            return String(rest[rest.index(after: rest.startIndex)..<end])
        }
        let bare = rest.prefix { $0 != " " }
        return bare.isEmpty ? nil : String(bare)
    }

    static func parameter(_ name: String, in argument: String) -> String? {
        for part in argument.split(separator: " ") where part.uppercased().hasPrefix(name + "=") {
            return String(part.dropFirst(name.count + 1))
        }
        return nil
    }
}
