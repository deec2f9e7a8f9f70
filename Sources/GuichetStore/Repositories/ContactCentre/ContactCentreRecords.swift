import Foundation
import GuichetCore

/// A customer as the brand knows them, with every identity they showed up under.
public struct CustomerRecord: Codable, Sendable, Hashable {
    public var id: UUID
    public var displayName: String?
    public var attributes: [String: String]
    public var identities: [CustomerIdentity]
    public var createdAt: Date
}

/// A brand's declared entry point: a phone number, a mail address, a chat widget, a social account, a form.
public struct EntryPointRecord: Codable, Sendable, Hashable {
    public var id: UUID
    public var medium: Medium
    /// Normalised: "+33…" for voice, a lowercased address for email, the widget/form key, "network:account".
    public var address: String
    public var label: String
    public var createdAt: Date
}

public struct QueueRecord: Codable, Sendable, Hashable {
    public var code: String
    public var name: String
    public var overflowAfter: Double?
    public var overflowQueue: String?

    public init(code: String, name: String, overflowAfter: Double? = nil, overflowQueue: String? = nil) {
        self.code = code
        self.name = name
        self.overflowAfter = overflowAfter
        self.overflowQueue = overflowQueue
    }
}

public struct AgentRecord: Codable, Sendable, Hashable {
    public var id: UUID
    public var userID: UUID?
    public var code: String
    public var name: String
    public var skills: [String: Int]
    public var queues: [String]
    public var capacity: [Medium: Int]
    public var state: AgentState
    public var idleSince: Date
    public var stateSince: Date
    /// Contacts in hand, by medium (offered, in progress, on hold or in wrap-up).
    public var load: [Medium: Int]
}

public struct ContactRecord: Codable, Sendable, Hashable {
    public var id: UUID
    public var customerID: UUID?
    public var medium: Medium
    public var entryPoint: String?
    /// The channel's own identifier: a call id, a chat session, a social thread.
    public var externalRef: String?
    public var subject: String
    public var motif: String?
    public var motifRule: String?
    public var routeRule: String?
    public var routeReason: String
    public var queue: String
    public var priority: Int
    public var skills: [SkillRequirement]
    public var state: ContactState
    public var agentID: UUID?
    public var createdAt: Date
    public var enqueuedAt: Date
    public var updatedAt: Date
}

public struct ContactEventRecord: Codable, Sendable, Hashable {
    public var seq: Int
    public var kind: ContactEventKind
    public var at: Date
    public var actor: String?
    public var queue: String?
    public var reason: String?
}

public struct MessageRecord: Codable, Sendable, Hashable {
    public enum Direction: String, Codable, Sendable { case inbound, outbound }

    public var id: UUID
    public var contactID: UUID
    public var direction: Direction
    public var author: String
    public var subject: String?
    public var body: String
    /// Message-ID for mail, the network's message id for social.
    public var messageRef: String?
    /// For outbound messages: "sent", "failed: …", "pending".
    public var delivery: String?
    public var at: Date
    public var attachments: [AttachmentSummary]
}

public struct AttachmentSummary: Codable, Sendable, Hashable {
    public var id: UUID
    public var filename: String?
    public var contentType: String
    public var size: Int
}

public struct NewAttachment: Sendable {
    public var filename: String?
    public var contentType: String
    public var data: Data

    public init(filename: String?, contentType: String, data: Data) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// What the ACD decided in one dispatch: which contact goes to which agent.
public struct AssignmentRecord: Codable, Sendable, Hashable {
    public var contactID: UUID
    public var agentID: UUID
    public var agentCode: String
    public var queue: String
    public var waited: Double
}

/// The live picture of a brand's queues, for supervisors.
public struct LiveQueues: Codable, Sendable, Hashable {
    public struct Queue: Codable, Sendable, Hashable {
        public var code: String
        public var name: String
        public var waiting: Int
        /// Seconds the oldest waiting contact has waited.
        public var longestWait: Double?
        public var inProgress: Int
    }

    public var at: Date
    public var queues: [Queue]
    /// Agents by state: available, busy (available with contacts in hand), wrap_up, away.
    public var agents: [String: Int]
    public var agentList: [AgentRecord]
}

public enum ContactCentreError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownContact(String)
    case unknownAgent(String)
    case unknownQueue(String)
    case unknownCustomer(String)
    /// The event does not fit where the contact stands (answering a resolved contact…).
    case invalidTransition(String)
    case agentUnavailable(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .unknownContact(let id): return "no contact '\(id)'"
        case .unknownAgent(let id): return "no agent '\(id)'"
        case .unknownQueue(let id): return "no queue '\(id)'"
        case .unknownCustomer(let id): return "no customer '\(id)'"
        case .invalidTransition(let detail): return detail
        case .agentUnavailable(let detail): return detail
        case .conflict(let detail): return detail
        }
    }
}
