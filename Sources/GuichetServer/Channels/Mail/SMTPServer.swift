import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Which protocol the inbound listener speaks.
public enum SMTPListenerMode: String, Sendable, CaseIterable {
    /// RFC 5321 ESMTP: one reply after DATA for the whole message.
    case smtp
    /// RFC 2033 LMTP: LHLO instead of EHLO, and one reply per accepted recipient after DATA.
    case lmtp
}

/// Settings of the inbound listener; every limit has a default an MTA in front of us can live with.
public struct SMTPListenerConfiguration: Sendable {
    /// Address to bind. Keep it on loopback or a trusted network: there is no TLS and no authentication.
    public var host: String
    /// Port to bind; 0 picks a free one (read it back from `SMTPListener.boundPort`).
    public var port: Int
    public var mode: SMTPListenerMode
    /// The name we give in the greeting and in the EHLO/LHLO reply.
    public var hostname: String
    /// Largest message accepted, in bytes, as received (after dot-unstuffing, CRLF line endings).
    public var maximumMessageSize: Int
    /// Recipients per transaction; the next RCPT gets 452 (the client sends the rest in another transaction).
    public var maximumRecipients: Int
    /// Seconds without a byte from the client (while no reply of ours is pending) before 421 and close.
    public var idleTimeout: TimeInterval
    /// Simultaneous connections; the next one is greeted with 421 and closed.
    public var maximumConnections: Int
    /// Longest command line, CRLF included. RFC 5321 says 512 for commands and 1000 for text lines;
    /// we tolerate more because clients exceed it with long addresses and ESMTP parameters.
    public var maximumCommandLength: Int

    public init(
        host: String = "127.0.0.1", port: Int = 2525, mode: SMTPListenerMode = .lmtp,
        hostname: String = "guichet.localhost", maximumMessageSize: Int = 25 * 1024 * 1024,
        maximumRecipients: Int = 100, idleTimeout: TimeInterval = 300, maximumConnections: Int = 200,
        maximumCommandLength: Int = 4096
    ) {
        self.host = host
        self.port = port
        self.mode = mode
        self.hostname = hostname
        self.maximumMessageSize = maximumMessageSize
        self.maximumRecipients = maximumRecipients
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
        self.maximumCommandLength = maximumCommandLength
    }
}

/// The envelope of one message: who the MTA says it is from and for, and where it came from.
public struct SMTPEnvelope: Sendable, Equatable {
    /// The reverse path of MAIL FROM, without angle brackets; empty for a bounce (`MAIL FROM:<>`).
    public var mailFrom: String
    /// The recipients accepted at RCPT, in order. In LMTP mode the delivery returns one outcome for each.
    public var recipients: [String]
    /// The client's IP address.
    public var remoteAddress: String?
    /// The name the client gave in EHLO, HELO or LHLO.
    public var heloName: String?
    public var mode: SMTPListenerMode

    public init(
        mailFrom: String, recipients: [String], remoteAddress: String? = nil, heloName: String? = nil,
        mode: SMTPListenerMode = .smtp
    ) {
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.remoteAddress = remoteAddress
        self.heloName = heloName
        self.mode = mode
    }
}

/// What became of a message for one recipient.
public enum SMTPDeliveryOutcome: Sendable, Equatable {
    /// Taken in: "250 2.0.0 Ok: queued as <queueID>". The MTA forgets the message.
    case accepted(queueID: String)
    /// Refused for good (a malformed message, say): "550 5.6.0 <reason>". The MTA bounces it.
    case rejected(reason: String)
    /// Not now (the database is down, say): "451 4.3.0 <reason>". The MTA keeps it and tries again.
    case temporaryFailure(reason: String)

    var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }
}

/// What the listener asks the application. Called off the event loop; may take its time
/// (the connection waits, and reads no further command, until the answer is written).
public protocol SMTPDelivery: Sendable {
    /// Whether mail for `address` (as given in RCPT TO, without brackets) is wanted: 250 or 550 5.1.1.
    func acceptsRecipient(_ address: String) async -> Bool
    /// Takes one message: `message` is exactly what followed DATA, dot-unstuffed, with CRLF line endings,
    /// without the final ".". Returns one outcome per recipient of `envelope.recipients`, in order;
    /// a missing outcome counts as a temporary failure. In SMTP mode the single reply is the first
    /// failure (permanent or temporary) if any, else the first success.
    func deliver(_ envelope: SMTPEnvelope, message: Data) async -> [SMTPDeliveryOutcome]
}

/// An inbound SMTP or LMTP listener (RFC 5321, RFC 2033) that an MTA such as Postfix delivers to.
///
/// It speaks what an MTA uses — EHLO/HELO (LHLO in LMTP), MAIL, RCPT, DATA, RSET, NOOP, VRFY, QUIT —
/// and advertises SIZE, 8BITMIME, PIPELINING and ENHANCEDSTATUSCODES. Pipelined commands are answered
/// in order; lines may be split across reads and end in CRLF or a bare LF. Line length, message size,
/// recipients, idle time and connections are bounded; an oversized message is read to its end and
/// discarded, never buffered. A refused message leaves the connection ready for the next one.
///
/// There is no STARTTLS and no AUTH: bind it to loopback or a trusted network behind the MTA.
public final class SMTPListener: Sendable {
    public let configuration: SMTPListenerConfiguration
    private let delivery: any SMTPDelivery
    private let eventLoopGroup: any EventLoopGroup

    private struct State {
        var serverChannel: (any NIOCore.Channel)?
        var open: [ObjectIdentifier: any NIOCore.Channel] = [:]
        /// The open connections that were let in (the others are being refused).
        var admitted: Set<ObjectIdentifier> = []
        var shuttingDown = false
    }
    private let state = NIOLockedValueBox(State())

    public init(
        configuration: SMTPListenerConfiguration, delegate: some SMTPDelivery,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.delivery = delegate
        self.eventLoopGroup = eventLoopGroup
    }

    /// The port actually bound once started (the one to give the MTA when `port` was 0).
    public var boundPort: Int? {
        state.withLockedValue { $0.serverChannel?.localAddress?.port }
    }

    /// Connections being served now (not counting ones being refused).
    public var openConnections: Int {
        state.withLockedValue { $0.admitted.count }
    }

    /// Binds and starts accepting connections.
    public func start() async throws {
        let configuration = configuration
        let delivery = delivery
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .childChannelInitializer { [self] channel in
                let admitted = admit(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let handler = SMTPConnectionHandler(
                        configuration: configuration, delivery: delivery, admitted: admitted)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        state.withLockedValue { $0.serverChannel = channel }
    }

    /// Stops accepting, closes every open connection (a message being received is lost, and the MTA,
    /// having had no final reply, delivers it again later) and returns once the socket is released.
    public func shutdown() async throws {
        let (server, open) = state.withLockedValue { state in
            state.shuttingDown = true
            return (state.serverChannel, Array(state.open.values))
        }
        for channel in open { try? await channel.close() }
        try await server?.close()
        state.withLockedValue { $0.serverChannel = nil }
    }

    /// Counts the connection in; false past the limit (or while shutting down).
    private func admit(_ channel: any NIOCore.Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let admitted = state.withLockedValue { state -> Bool in
            let admitted = !state.shuttingDown && state.admitted.count < configuration.maximumConnections
            // A refused connection is tracked too, so that shutdown closes it.
            state.open[id] = channel
            if admitted { state.admitted.insert(id) }
            return admitted
        }
        channel.closeFuture.whenComplete { [self] _ in
            state.withLockedValue { state in
                state.open[id] = nil
                state.admitted.remove(id)
            }
        }
        return admitted
    }
}
