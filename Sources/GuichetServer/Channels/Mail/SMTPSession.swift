import Foundation
import NIOCore

/// One inbound connection's conversation, run on its event loop.
///
/// Bytes are accumulated and cut into lines here rather than by a decoder in front, because the same
/// stream switches between commands (bounded lines) and message content (lines of any length, counted
/// and possibly discarded). While the delegate is consulted (RCPT, end of DATA) the handler is `busy`:
/// it stops taking lines and holds back reads, so pipelined commands are answered strictly in order
/// and a fast client cannot make us buffer without bound.
final class SMTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case command
        case data
        case closing
    }

    /// What comes back from the delegate, to be finished on the event loop.
    private enum AsyncResult: Sendable {
        case recipient(String, accepted: Bool)
        case delivered(recipients: [String], outcomes: [SMTPDeliveryOutcome])
    }

    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let dot = UInt8(ascii: ".")
    /// A message line with no end in sight is passed on in pieces of about this size.
    private static let dataChunk = 16 * 1024

    private let configuration: SMTPListenerConfiguration
    private let delivery: any SMTPDelivery
    private let admitted: Bool

    private var context: ChannelHandlerContext?
    private var inbound: ByteBuffer?
    private var phase = Phase.command
    private var busy = false
    private var heldRead = false
    private var needsFlush = false
    /// The rest of an overlong command line is being skipped; its 500 goes out when its end arrives.
    private var discardingLongLine = false
    private var lastActivity = NIODeadline.now()
    private var idleTimer: Scheduled<Void>?

    // The transaction.
    private var heloName: String?
    private var mailFrom: String?
    private var recipients: [String] = []
    // The message being received.
    private var message = Data()
    private var oversized = false
    /// Part of the current message line was taken already (a very long line): it is not a line start.
    private var dataMidLine = false

    init(configuration: SMTPListenerConfiguration, delivery: any SMTPDelivery, admitted: Bool) {
        self.configuration = configuration
        self.delivery = delivery
        self.admitted = admitted
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        guard admitted else {
            phase = .closing
            writeAndClose("421 4.3.2 \(configuration.hostname) too many connections, try again later")
            context.fireChannelActive()
            return
        }
        let kind = configuration.mode == .lmtp ? "LMTP" : "ESMTP"
        write("220 \(configuration.hostname) \(kind) Guichet")
        flushIfNeeded()
        lastActivity = .now()
        scheduleIdleCheck(at: lastActivity + Self.timeAmount(configuration.idleTimeout))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        phase = .closing
        idleTimer?.cancel()
        idleTimer = nil
        inbound = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard phase != .closing else { return }
        var incoming = unwrapInboundIn(data)
        lastActivity = .now()
        if inbound == nil || inbound?.readableBytes == 0 {
            inbound = incoming
        } else {
            inbound?.writeBuffer(&incoming)
        }
        process()
    }

    func read(context: ChannelHandlerContext) {
        if busy {
            heldRead = true
        } else {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        phase = .closing
        context.close(promise: nil)
    }

    // MARK: Lines

    /// Takes every complete line it can, in order, until it must wait for the delegate or for more bytes.
    private func process() {
        loop: while !busy {
            switch phase {
            case .closing:
                inbound = nil
                break loop
            case .command:
                guard let line = nextCommandLine() else { break loop }
                if let line {
                    handleCommand(line)
                } else {
                    write("500 5.5.2 Error: line too long")
                }
            case .data:
                guard consumeMessageLines() else { break loop }
            }
        }
        if var buffer = inbound {
            if buffer.readableBytes == 0 {
                inbound = nil
            } else if buffer.readerIndex > 64 * 1024 {
                inbound = nil  // keeps the storage unique so that discarding does not copy twice
                buffer.discardReadBytes()
                inbound = buffer
            }
        }
        flushIfNeeded()
    }

    /// The next command line without its line ending; `.some(nil)` for a line too long; nil for none yet.
    private func nextCommandLine() -> [UInt8]?? {
        guard var buffer = inbound else { return nil }
        defer { inbound = buffer }
        guard let lineFeed = buffer.readableBytesView.firstIndex(of: Self.lineFeed) else {
            if buffer.readableBytes >= configuration.maximumCommandLength {
                discardingLongLine = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
            }
            return nil
        }
        let start = buffer.readerIndex
        if discardingLongLine || lineFeed + 1 - start > configuration.maximumCommandLength {
            discardingLongLine = false
            buffer.moveReaderIndex(to: lineFeed + 1)
            return .some(nil)
        }
        var end = lineFeed
        if end > start, buffer.getInteger(at: end - 1, as: UInt8.self) == Self.carriageReturn { end -= 1 }
        let line = buffer.getBytes(at: start, length: end - start) ?? []
        buffer.moveReaderIndex(to: lineFeed + 1)
        return .some(line)
    }

    /// Takes message lines; true once the final "." was seen (the phase changed), false to wait for bytes.
    private func consumeMessageLines() -> Bool {
        guard var buffer = inbound else { return false }
        defer { inbound = buffer }
        while true {
            let start = buffer.readerIndex
            guard let lineFeed = buffer.readableBytesView.firstIndex(of: Self.lineFeed) else {
                // No line end yet. A huge line is passed on in pieces; the last byte is kept back
                // because it may be the CR of a CRLF whose LF is in the next read.
                if buffer.readableBytes > Self.dataChunk {
                    let end = buffer.writerIndex - 1
                    appendToMessage(buffer, from: contentStart(buffer, start, end), to: end)
                    dataMidLine = true
                    buffer.moveReaderIndex(to: end)
                }
                return false
            }
            var end = lineFeed
            if end > start, buffer.getInteger(at: end - 1, as: UInt8.self) == Self.carriageReturn { end -= 1 }
            if !dataMidLine, end - start == 1, buffer.getInteger(at: start, as: UInt8.self) == Self.dot {
                buffer.moveReaderIndex(to: lineFeed + 1)
                inbound = buffer
                finishMessage()
                return true
            }
            appendToMessage(buffer, from: contentStart(buffer, start, end), to: end)
            appendToMessage(crlf: ())
            dataMidLine = false
            buffer.moveReaderIndex(to: lineFeed + 1)
        }
    }

    /// Where a line's content starts: after a stuffed leading dot (RFC 5321 §4.5.2), if it is a line start.
    private func contentStart(_ buffer: ByteBuffer, _ start: Int, _ end: Int) -> Int {
        if !dataMidLine, end > start, buffer.getInteger(at: start, as: UInt8.self) == Self.dot { return start + 1 }
        return start
    }

    private func appendToMessage(_ buffer: ByteBuffer, from start: Int, to end: Int) {
        guard end > start, reserve(end - start) else { return }
        buffer.withUnsafeReadableBytes { raw in
            let offset = start - buffer.readerIndex
            message.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + (end - start)]))
        }
    }

    private func appendToMessage(crlf: Void) {
        guard reserve(2) else { return }
        message.append(contentsOf: [Self.carriageReturn, Self.lineFeed])
    }

    /// Whether `count` more bytes fit; past the limit the message is dropped and only its end is awaited.
    private func reserve(_ count: Int) -> Bool {
        guard !oversized else { return false }
        if message.count + count > configuration.maximumMessageSize {
            oversized = true
            message = Data()
            return false
        }
        return true
    }

    // MARK: Commands

    private func handleCommand(_ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let verb = String(trimmed.prefix { $0 != " " }).uppercased()
        let argument = trimmed.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
        let lmtp = configuration.mode == .lmtp
        let hello = lmtp ? "LHLO" : "EHLO"
        switch verb {
        case "EHLO", "HELO", "LHLO":
            guard (verb == "LHLO") == lmtp else {
                if verb == "LHLO" { return write("500 5.5.2 Error: command not recognized") }
                return write("500 5.5.1 Error: this is an LMTP server, use LHLO")
            }
            guard !argument.isEmpty else { return write("501 5.5.4 Syntax: \(verb) hostname") }
            heloName = argument
            resetTransaction()
            if verb == "HELO" { return write("250 \(configuration.hostname)") }
            write(
                [
                    configuration.hostname, "PIPELINING", "SIZE \(configuration.maximumMessageSize)", "8BITMIME",
                    "ENHANCEDSTATUSCODES",
                ])
        case "MAIL":
            guard heloName != nil else { return write("503 5.5.1 Error: send \(hello) first") }
            guard mailFrom == nil else { return write("503 5.5.1 Error: nested MAIL command") }
            guard let (path, parameters) = Self.parsePath(argument, keyword: "FROM") else {
                return write("501 5.5.4 Syntax: MAIL FROM:<address>")
            }
            if let size = parameters["SIZE"] {
                guard let declared = Int(size), declared >= 0 else { return write("501 5.5.4 Bad SIZE parameter") }
                guard declared <= configuration.maximumMessageSize else {
                    return write("552 5.3.4 Message size exceeds fixed limit")
                }
            }
            mailFrom = path
            write("250 2.1.0 Ok")
        case "RCPT":
            guard mailFrom != nil else { return write("503 5.5.1 Error: need MAIL command") }
            guard let (path, _) = Self.parsePath(argument, keyword: "TO"), !path.isEmpty else {
                return write("501 5.5.4 Syntax: RCPT TO:<address>")
            }
            guard recipients.count < configuration.maximumRecipients else {
                return write("452 4.5.3 Error: too many recipients")
            }
            let delivery = delivery
            startAsync { .recipient(path, accepted: await delivery.acceptsRecipient(path)) }
        case "DATA":
            guard argument.isEmpty else { return write("501 5.5.4 Syntax: DATA") }
            guard mailFrom != nil else { return write("503 5.5.1 Error: need MAIL command") }
            guard !recipients.isEmpty else { return write("503 5.5.1 Error: need RCPT command") }
            phase = .data
            message = Data()
            oversized = false
            dataMidLine = false
            write("354 End data with <CR><LF>.<CR><LF>")
        case "RSET":
            resetTransaction()
            write("250 2.0.0 Ok")
        case "NOOP":
            write("250 2.0.0 Ok")
        case "VRFY":
            write("252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery")
        case "HELP":
            write("214 2.0.0 Commands: \(hello) MAIL RCPT DATA RSET NOOP VRFY QUIT")
        case "QUIT":
            phase = .closing
            writeAndClose("221 2.0.0 Bye")
        case "STARTTLS", "AUTH", "EXPN", "ETRN", "BDAT", "TURN":
            write("502 5.5.1 Error: command not implemented")
        default:
            write("500 5.5.2 Error: command not recognized")
        }
    }

    private func resetTransaction() {
        mailFrom = nil
        recipients = []
        message = Data()
        oversized = false
        dataMidLine = false
    }

    /// The end of DATA: refuse an oversized message at once, or hand the message to the delegate.
    private func finishMessage() {
        phase = .command
        let recipients = recipients
        let replies = configuration.mode == .lmtp ? recipients.count : 1
        if oversized {
            resetTransaction()
            for _ in 0..<replies { write("552 5.3.4 Message size exceeds fixed limit") }
            return
        }
        let envelope = SMTPEnvelope(
            mailFrom: mailFrom ?? "", recipients: recipients,
            remoteAddress: context?.channel.remoteAddress?.ipAddress, heloName: heloName, mode: configuration.mode)
        let message = message
        resetTransaction()
        let delivery = delivery
        startAsync {
            .delivered(recipients: recipients, outcomes: await delivery.deliver(envelope, message: message))
        }
    }

    // MARK: The delegate, off the event loop

    private func startAsync(_ work: @escaping @Sendable () async -> AsyncResult) {
        guard let context else { return }
        busy = true
        flushIfNeeded()
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        Task {
            let result = await work()
            loop.execute { handler.value.finishAsync(result) }
        }
    }

    private func finishAsync(_ result: AsyncResult) {
        busy = false
        guard context != nil, phase != .closing else { return }
        switch result {
        case .recipient(let address, let accepted):
            if accepted {
                recipients.append(address)
                write("250 2.1.5 Ok")
            } else {
                write("550 5.1.1 <\(Self.printable(address))>: unknown recipient")
            }
        case .delivered(let recipients, let outcomes):
            let perRecipient = recipients.indices.map {
                $0 < outcomes.count ? outcomes[$0] : .temporaryFailure(reason: "no outcome for this recipient")
            }
            if configuration.mode == .lmtp {
                for outcome in perRecipient { write(Self.reply(outcome)) }
            } else {
                let failure = perRecipient.first { !$0.isAccepted }
                write(Self.reply(failure ?? perRecipient.first ?? .temporaryFailure(reason: "no outcome")))
            }
        }
        // The time spent waiting for the delegate is not the client's idleness.
        lastActivity = .now()
        process()
        if heldRead, !busy, let context {
            heldRead = false
            context.read()
        }
    }

    // MARK: Replies

    private func write(_ line: String) {
        guard let context else { return }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: line + "\r\n")), promise: nil)
        needsFlush = true
    }

    /// A multi-line reply: "250-first", …, "250 last".
    private func write(_ lines: [String]) {
        for (index, line) in lines.enumerated() {
            write("250\(index == lines.count - 1 ? " " : "-")\(line)")
        }
    }

    private func flushIfNeeded() {
        guard needsFlush, let context else { return }
        needsFlush = false
        context.flush()
    }

    private func writeAndClose(_ line: String) {
        guard let context else { return }
        needsFlush = false
        let channel = context.channel
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        // Earlier replies are written first: the connection closes once this last one is on the wire.
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: line + "\r\n")), promise: promise)
    }

    static func reply(_ outcome: SMTPDeliveryOutcome) -> String {
        switch outcome {
        case .accepted(let queueID): return "250 2.0.0 Ok: queued as \(printable(queueID))"
        case .rejected(let reason): return "550 5.6.0 \(printable(reason))"
        case .temporaryFailure(let reason): return "451 4.3.0 \(printable(reason))"
        }
    }

    /// A text fit for a reply line: printable ASCII, one line, bounded.
    static func printable(_ text: String) -> String {
        let cleaned = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? $0 : " " }
            ))
        return String(cleaned.prefix(400))
    }

    // MARK: Idle timeout

    private func scheduleIdleCheck(at deadline: NIODeadline) {
        guard let context else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(deadline: deadline) { handler.value.checkIdle() }
    }

    private func checkIdle() {
        guard phase != .closing, context != nil else { return }
        let timeout = Self.timeAmount(configuration.idleTimeout)
        if busy || lastActivity + timeout > .now() {
            scheduleIdleCheck(at: max(lastActivity, .now() - .milliseconds(1)) + timeout)
            return
        }
        phase = .closing
        writeAndClose("421 4.4.2 \(configuration.hostname) Error: timeout exceeded")
    }

    private static func timeAmount(_ seconds: TimeInterval) -> TimeAmount {
        .nanoseconds(Int64(max(seconds, 0.001) * 1_000_000_000))
    }

    // MARK: Parsing

    /// `FROM:<a@b> SIZE=10` → ("a@b", ["SIZE": "10"]). Accepts a space after the colon, a bare address,
    /// the null path `<>`, and drops a source route (`<@relay:a@b>`). Parameter names are upper-cased.
    static func parsePath(_ argument: String, keyword: String) -> (String, [String: String])? {
        let upper = argument.uppercased()
        guard upper.hasPrefix(keyword) else { return nil }
        var rest = argument.dropFirst(keyword.count).drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        var path: Substring
        if rest.first == "<" {
            guard let close = rest.firstIndex(of: ">") else { return nil }
            path = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
        } else {
            path = rest.prefix { $0 != " " }
            guard !path.isEmpty else { return nil }
            rest = rest.dropFirst(path.count)
        }
        if path.hasPrefix("@"), let colon = path.firstIndex(of: ":") { path = path[path.index(after: colon)...] }
        guard !path.contains(where: { $0 == " " || $0 == "<" || $0 == ">" }) else { return nil }
        var parameters: [String: String] = [:]
        for part in rest.split(separator: " ") {
            let pieces = part.split(separator: "=", maxSplits: 1)
            parameters[pieces[0].uppercased()] = pieces.count > 1 ? String(pieces[1]) : ""
        }
        return (String(path), parameters)
    }
}
