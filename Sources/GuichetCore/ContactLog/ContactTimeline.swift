import Foundation

/// What happened to a contact. The log of these events is append-only and every KPI is recomputed
/// from it (DOMAIN.md §1–2: holds and transfers are measured as failures of routing).
public enum ContactEventKind: String, Codable, Sendable, CaseIterable {
    case created
    case queued
    case offered
    case answered
    case held
    case resumed
    case transferred
    case wrapUp = "wrap_up"
    case abandoned
    case resolved
    case reopened
}

public struct ContactEvent: Codable, Sendable, Hashable {
    public var contactID: String
    public var kind: ContactEventKind
    public var at: Date
    /// The agent or system that caused it.
    public var actor: String?
    /// Queue, for queued/transferred.
    public var queue: String?
    /// Why: hold reason, transfer reason, agent's note.
    public var reason: String?
    /// For `created`: who and where from.
    public var customerID: String?
    public var entryPoint: String?
    public var medium: Medium?

    public init(
        contactID: String, kind: ContactEventKind, at: Date, actor: String? = nil, queue: String? = nil,
        reason: String? = nil, customerID: String? = nil, entryPoint: String? = nil, medium: Medium? = nil
    ) {
        self.contactID = contactID
        self.kind = kind
        self.at = at
        self.actor = actor
        self.queue = queue
        self.reason = reason
        self.customerID = customerID
        self.entryPoint = entryPoint
        self.medium = medium
    }
}

/// Where a contact stands, derived from its events.
public enum ContactState: String, Codable, Sendable {
    case new
    case queued
    case offered
    case inProgress = "in_progress"
    case onHold = "on_hold"
    case wrapUp = "wrap_up"
    case abandoned
    case resolved
}

public enum ContactLogError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case mixedContacts
    case notFirst(ContactEventKind)
    case outOfOrder(index: Int)
    case invalidTransition(index: Int, from: ContactState, event: ContactEventKind)

    public var description: String {
        switch self {
        case .empty: return "no event"
        case .mixedContacts: return "events of several contacts"
        case .notFirst(let kind): return "a contact's log starts with 'created', not '\(kind.rawValue)'"
        case .outOfOrder(let index): return "event \(index) is earlier than the one before it"
        case .invalidTransition(let index, let from, let event):
            return "event \(index): cannot '\(event.rawValue)' a contact that is \(from.rawValue)"
        }
    }
}

/// One contact replayed from its log: its state, and the measures every KPI is built from.
public struct ContactTimeline: Sendable, Hashable {
    public var contactID: String
    public var customerID: String?
    public var entryPoint: String?
    public var medium: Medium?
    public var state: ContactState
    /// From first entering a queue (or, never queued, from creation) to first being answered; nil if never answered.
    public var waitBeforeAnswer: TimeInterval?
    /// Time answered, on hold and in wrap-up.
    public var handleTime: TimeInterval = 0
    public var holds = 0
    public var holdTime: TimeInterval = 0
    public var transfers = 0
    public var reopened = 0
    public var wasAbandoned = false
    public var wasAnswered = false

    /// Résolu au premier contact: resolved, never reopened, never transferred.
    public var resolvedAtFirstContact: Bool { state == .resolved && reopened == 0 && transfers == 0 }

    /// Replays a contact's events, refusing impossible sequences (answering a resolved contact…).
    public static func replay(_ events: [ContactEvent]) throws(ContactLogError) -> ContactTimeline {
        guard let first = events.first else { throw .empty }
        guard first.kind == .created else { throw .notFirst(first.kind) }
        guard events.allSatisfy({ $0.contactID == first.contactID }) else { throw .mixedContacts }
        var timeline = ContactTimeline(
            contactID: first.contactID, customerID: first.customerID, entryPoint: first.entryPoint,
            medium: first.medium, state: .new)
        var firstQueued: Date?
        var since = first.at
        for (index, event) in events.enumerated().dropFirst() {
            guard event.at >= events[index - 1].at else { throw .outOfOrder(index: index) }
            let elapsed = event.at.timeIntervalSince(since)
            switch timeline.state {
            case .inProgress, .wrapUp: timeline.handleTime += elapsed
            case .onHold:
                timeline.handleTime += elapsed
                timeline.holdTime += elapsed
            default: break
            }
            let next: ContactState
            switch (timeline.state, event.kind) {
            case (.new, .queued), (.offered, .queued), (.inProgress, .queued), (.wrapUp, .queued):
                next = .queued
            case (.queued, .offered):
                next = .offered
            case (.new, .answered), (.queued, .answered), (.offered, .answered):
                timeline.wasAnswered = true
                next = .inProgress
            case (.inProgress, .held):
                timeline.holds += 1
                next = .onHold
            case (.onHold, .resumed):
                next = .inProgress
            case (.inProgress, .transferred), (.onHold, .transferred):
                timeline.transfers += 1
                next = .queued
            case (.inProgress, .wrapUp):
                next = .wrapUp
            case (.new, .abandoned), (.queued, .abandoned), (.offered, .abandoned), (.onHold, .abandoned):
                timeline.wasAbandoned = true
                next = .abandoned
            case (.new, .resolved), (.inProgress, .resolved), (.wrapUp, .resolved):
                next = .resolved
            case (.resolved, .reopened), (.abandoned, .reopened):
                timeline.reopened += 1
                next = .new
            default:
                throw .invalidTransition(index: index, from: timeline.state, event: event.kind)
            }
            if next == .queued, firstQueued == nil { firstQueued = event.at }
            // Never queued (picked up at once): the customer waited from the contact's creation.
            if next == .inProgress, timeline.waitBeforeAnswer == nil {
                timeline.waitBeforeAnswer = event.at.timeIntervalSince(firstQueued ?? first.at)
            }
            timeline.state = next
            since = event.at
        }
        return timeline
    }
}

/// Indicators recomputed from contact timelines, with their published formulas (docs/CHANNELS.md).
public struct ContactLogSummary: Codable, Sendable, Hashable {
    public var contacts: Int
    public var answered: Int
    public var abandoned: Int
    /// Answered within `threshold` seconds ÷ (answered + abandoned): abandons count as misses.
    public var serviceLevel: Double?
    public var threshold: TimeInterval
    public var averageWait: Double?
    public var averageHandleTime: Double?
    /// Contacts put on hold at least once ÷ contacts answered.
    public var holdRate: Double?
    /// Contacts transferred at least once ÷ contacts answered.
    public var transferRate: Double?
    /// Resolved at first contact ÷ contacts resolved.
    public var firstContactResolution: Double?

    public init(_ timelines: [ContactTimeline], threshold: TimeInterval = 30) {
        contacts = timelines.count
        let answeredOnes = timelines.filter(\.wasAnswered)
        answered = answeredOnes.count
        abandoned = timelines.filter(\.wasAbandoned).count
        self.threshold = threshold
        let waits = timelines.compactMap(\.waitBeforeAnswer)
        let withinThreshold = waits.filter { $0 <= threshold }.count
        let offered = answered + abandoned
        serviceLevel = offered > 0 ? Double(withinThreshold) / Double(offered) : nil
        averageWait = waits.isEmpty ? nil : waits.reduce(0, +) / Double(waits.count)
        averageHandleTime = answered > 0 ? answeredOnes.map(\.handleTime).reduce(0, +) / Double(answered) : nil
        holdRate = answered > 0 ? Double(answeredOnes.filter { $0.holds > 0 }.count) / Double(answered) : nil
        transferRate = answered > 0 ? Double(answeredOnes.filter { $0.transfers > 0 }.count) / Double(answered) : nil
        let resolved = timelines.filter { $0.state == .resolved }
        firstContactResolution =
            resolved.isEmpty ? nil : Double(resolved.filter(\.resolvedAtFirstContact).count) / Double(resolved.count)
    }
}

/// The single-point-of-contact view of one customer's journey: how many entry points they had to use, and
/// how many of their contacts went through a hold or a transfer.
public struct JourneyView: Codable, Sendable, Hashable {
    public var customerID: String
    public var contacts: Int
    public var entryPointsTouched: Int
    public var contactsWithHoldOrTransfer: Int

    public init(customerID: String, contacts: Int, entryPointsTouched: Int, contactsWithHoldOrTransfer: Int) {
        self.customerID = customerID
        self.contacts = contacts
        self.entryPointsTouched = entryPointsTouched
        self.contactsWithHoldOrTransfer = contactsWithHoldOrTransfer
    }

    /// One view per customer, in customer order.
    public static func views(_ timelines: [ContactTimeline]) -> [JourneyView] {
        Dictionary(grouping: timelines.filter { $0.customerID != nil }, by: { $0.customerID! })
            .sorted { $0.key < $1.key }
            .map { customer, contacts in
                JourneyView(
                    customerID: customer, contacts: contacts.count,
                    entryPointsTouched: Set(contacts.compactMap(\.entryPoint)).count,
                    contactsWithHoldOrTransfer: contacts.filter { $0.holds > 0 || $0.transfers > 0 }.count)
            }
    }
}
