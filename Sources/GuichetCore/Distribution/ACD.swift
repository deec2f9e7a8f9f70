import Foundation

/// The media an agent handles, each with its own concurrency (one call, or up to three chats…).
public enum Medium: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    case voice
    case chat
    case email
    case social
    case form
}

/// A skill a contact needs, at a minimum level (1 = basic … 5 = expert).
public struct SkillRequirement: Codable, Sendable, Hashable {
    public var skill: String
    public var minimumLevel: Int

    public init(_ skill: String, minimumLevel: Int = 1) {
        self.skill = skill
        self.minimumLevel = minimumLevel
    }
}

/// Where an agent stands for the distributor.
public enum AgentState: String, Codable, Sendable {
    /// Ready to be offered contacts (up to their capacity).
    case available
    /// Post-contact work: nothing is offered until they are available again.
    case wrapUp = "wrap_up"
    /// Break, training, meeting: nothing is offered.
    case away
}

/// An agent (conseiller) as the distributor sees them.
public struct DistributionAgent: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    /// Skill levels by skill name.
    public var skills: [String: Int]
    /// Queues this agent serves.
    public var queues: Set<String>
    /// How many contacts of each medium they handle at once; a missing medium is not handled.
    public var capacity: [Medium: Int]
    public var state: AgentState
    /// Contacts in hand, by medium. An agent holds contacts of one medium at a time.
    public var load: [Medium: Int] = [:]
    /// When the agent last had work assigned or finished: the longest-idle agent is offered first.
    public var idleSince: Date

    public init(
        id: String, skills: [String: Int], queues: Set<String>, capacity: [Medium: Int],
        state: AgentState = .available, idleSince: Date
    ) {
        self.id = id
        self.skills = skills
        self.queues = queues
        self.capacity = capacity
        self.state = state
        self.idleSince = idleSince
    }

    /// Whether the agent can take one more contact of `medium` now.
    public func hasRoom(for medium: Medium) -> Bool {
        guard state == .available, let limit = capacity[medium], limit > 0 else { return false }
        let held = load.values.reduce(0, +)
        if held > 0, (load[medium] ?? 0) == 0 { return false }  // no mixing a call with chats
        return (load[medium] ?? 0) < limit
    }

    public func meets(_ requirements: [SkillRequirement]) -> Bool {
        requirements.allSatisfy { (skills[$0.skill] ?? 0) >= $0.minimumLevel }
    }
}

/// A queue, and where its contacts overflow to when they have waited too long.
public struct DistributionQueue: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var overflow: Overflow?

    public struct Overflow: Codable, Sendable, Hashable {
        /// Seconds of waiting after which a contact also becomes offerable from `queue`.
        public var after: TimeInterval
        public var queue: String

        public init(after: TimeInterval, queue: String) {
            self.after = after
            self.queue = queue
        }
    }

    public init(id: String, overflow: Overflow? = nil) {
        self.id = id
        self.overflow = overflow
    }
}

/// A contact waiting to be offered.
public struct WaitingContact: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var queue: String
    public var medium: Medium
    /// Higher first.
    public var priority: Int
    public var enqueuedAt: Date
    public var requirements: [SkillRequirement]
    /// Set when the contact overflowed, with the queue it now waits in.
    public var overflowedTo: String?

    public init(
        id: String, queue: String, medium: Medium, priority: Int = 0, enqueuedAt: Date,
        requirements: [SkillRequirement] = []
    ) {
        self.id = id
        self.queue = queue
        self.medium = medium
        self.priority = priority
        self.enqueuedAt = enqueuedAt
        self.requirements = requirements
    }

    /// The queues the contact may be served from.
    var servingQueues: Set<String> { Set([queue] + (overflowedTo.map { [$0] } ?? [])) }
}

/// One decision of the distributor: offer this contact to this agent.
public struct Assignment: Codable, Sendable, Hashable {
    public var contactID: String
    public var agentID: String
    /// The queue it was served from (the overflow queue when it overflowed).
    public var queue: String
    public var waited: TimeInterval
}

public enum DistributionError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownQueue(String)
    case unknownAgent(String)
    case duplicateContact(String)
    case notHeld(agent: String, medium: Medium)

    public var description: String {
        switch self {
        case .unknownQueue(let id): return "unknown queue '\(id)'"
        case .unknownAgent(let id): return "unknown agent '\(id)'"
        case .duplicateContact(let id): return "contact '\(id)' is already waiting"
        case .notHeld(let agent, let medium): return "agent '\(agent)' holds no \(medium.rawValue) contact"
        }
    }
}

/// Automatic contact distribution (ACD), as pure state: contacts wait in queues, agents become free, and
/// `dispatch(now:)` decides who gets what — highest priority first, then longest waiting, each to the
/// longest-idle qualified agent with room for its medium. A contact that has waited past its queue's
/// overflow delay may also be served from the overflow queue.
///
/// Pure and deterministic: the server runs it under database locks so that several instances never
/// offer one contact twice.
public struct ContactDistributor: Codable, Sendable {
    public private(set) var queues: [String: DistributionQueue]
    public private(set) var agents: [String: DistributionAgent]
    public private(set) var waiting: [WaitingContact] = []

    public init(queues: [DistributionQueue], agents: [DistributionAgent]) {
        self.queues = Dictionary(uniqueKeysWithValues: queues.map { ($0.id, $0) })
        self.agents = Dictionary(uniqueKeysWithValues: agents.map { ($0.id, $0) })
    }

    public mutating func enqueue(_ contact: WaitingContact) throws(DistributionError) {
        guard queues[contact.queue] != nil else { throw .unknownQueue(contact.queue) }
        guard !waiting.contains(where: { $0.id == contact.id }) else { throw .duplicateContact(contact.id) }
        waiting.append(contact)
    }

    /// Queues many contacts at once (one pass, however many already wait); returns those refused, each with
    /// its reason, and queues the others.
    @discardableResult
    public mutating func enqueue(contentsOf contacts: [WaitingContact]) -> [(WaitingContact, DistributionError)] {
        var known = Set(waiting.map(\.id))
        var refused: [(WaitingContact, DistributionError)] = []
        for contact in contacts {
            if queues[contact.queue] == nil {
                refused.append((contact, .unknownQueue(contact.queue)))
            } else if !known.insert(contact.id).inserted {
                refused.append((contact, .duplicateContact(contact.id)))
            } else {
                waiting.append(contact)
            }
        }
        return refused
    }

    /// How many more contacts of each medium the available agents can take in all.
    public var room: [Medium: Int] {
        var room: [Medium: Int] = [:]
        for agent in agents.values where agent.state == .available {
            for (medium, capacity) in agent.capacity where agent.hasRoom(for: medium) {
                room[medium, default: 0] += max(0, capacity - (agent.load[medium] ?? 0))
            }
        }
        return room
    }

    /// Removes a waiting contact (the customer hung up); true when it was waiting.
    @discardableResult
    public mutating func abandon(_ contactID: String) -> Bool {
        guard let index = waiting.firstIndex(where: { $0.id == contactID }) else { return false }
        waiting.remove(at: index)
        return true
    }

    public mutating func setState(_ agentID: String, _ state: AgentState, now: Date) throws(DistributionError) {
        guard var agent = agents[agentID] else { throw .unknownAgent(agentID) }
        if agent.state != .available, state == .available { agent.idleSince = now }
        agent.state = state
        agents[agentID] = agent
    }

    /// The agent finished one contact of `medium`.
    public mutating func release(_ agentID: String, medium: Medium, now: Date) throws(DistributionError) {
        guard var agent = agents[agentID] else { throw .unknownAgent(agentID) }
        guard let held = agent.load[medium], held > 0 else { throw .notHeld(agent: agentID, medium: medium) }
        agent.load[medium] = held == 1 ? nil : held - 1
        agent.idleSince = now
        agents[agentID] = agent
    }

    /// Applies overflows due at `now`, then offers every contact that can be served.
    public mutating func dispatch(now: Date) -> [Assignment] {
        for index in waiting.indices where waiting[index].overflowedTo == nil {
            if let overflow = queues[waiting[index].queue]?.overflow,
                now.timeIntervalSince(waiting[index].enqueuedAt) >= overflow.after
            {
                waiting[index].overflowedTo = overflow.queue
            }
        }
        let order = waiting.indices.sorted { a, b in
            let x = waiting[a]
            let y = waiting[b]
            if x.priority != y.priority { return x.priority > y.priority }
            if x.enqueuedAt != y.enqueuedAt { return x.enqueuedAt < y.enqueuedAt }
            return x.id < y.id
        }
        var assignments: [Assignment] = []
        var served: Set<Int> = []
        // Assigning only takes room away, so a kind of contact no agent could take stays untakeable for the
        // rest of this round: remember it rather than scanning every agent again for each such contact.
        var untakeable: Set<String> = []
        // The agents in id order (ties in idleness go to the smaller id), in an array for the round: looked up by
        // id in the dictionary, each contact hashed every agent's id (an ACD round with 200 agents available).
        var pool = agents.sorted { $0.key < $1.key }.map(\.value)
        for index in order {
            let contact = waiting[index]
            let servingQueues = contact.servingQueues
            let kind = "\(contact.medium.rawValue)|\(servingQueues.sorted())|\(contact.requirements)"
            if untakeable.contains(kind) { continue }
            var best: Int?
            var bestIdle = Date.distantFuture
            for (candidate, agent) in pool.enumerated() {
                guard agent.idleSince < bestIdle, agent.hasRoom(for: contact.medium),
                    !agent.queues.isDisjoint(with: servingQueues), agent.meets(contact.requirements)
                else { continue }
                best = candidate
                bestIdle = agent.idleSince
            }
            guard let chosen = best else {
                untakeable.insert(kind)
                continue
            }
            pool[chosen].load[contact.medium, default: 0] += 1
            pool[chosen].idleSince = now
            agents[pool[chosen].id] = pool[chosen]
            let queue =
                pool[chosen].queues.contains(contact.queue) ? contact.queue : (contact.overflowedTo ?? contact.queue)
            assignments.append(
                Assignment(
                    contactID: contact.id, agentID: pool[chosen].id, queue: queue,
                    waited: now.timeIntervalSince(contact.enqueuedAt)))
            served.insert(index)
        }
        waiting = waiting.enumerated().filter { !served.contains($0.offset) }.map(\.element)
        return assignments
    }
}

extension SkillRequirement {
    private enum CodingKeys: String, CodingKey { case skill, minimumLevel }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try container.decode(String.self, forKey: .skill),
            minimumLevel: try container.decodeIfPresent(Int.self, forKey: .minimumLevel) ?? 1)
    }
}
