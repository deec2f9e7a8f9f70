import Foundation
import Testing

@testable import GuichetCore

/// The distribution rules of issue 5, checked against an independent model of what each agent holds, can do
/// and is doing — not against the distributor's own bookkeeping.
@Suite("Routing: ACD decisions")
struct RoutingACDTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    @Test("The moment an agent frees up, the contact waiting longest is offered to them, with its wait")
    func offeredWhenFree() throws {
        var acd = ContactDistributor(
            queues: [.init(id: "facturation")],
            agents: [
                DistributionAgent(
                    id: "claire", skills: [:], queues: ["facturation"], capacity: [.voice: 1], idleSince: t0)
            ])
        try acd.enqueue(WaitingContact(id: "first", queue: "facturation", medium: .voice, enqueuedAt: at(0)))
        try acd.enqueue(WaitingContact(id: "second", queue: "facturation", medium: .voice, enqueuedAt: at(5)))
        try acd.enqueue(WaitingContact(id: "third", queue: "facturation", medium: .voice, enqueuedAt: at(9)))
        #expect(acd.dispatch(now: at(10)).map(\.contactID) == ["first"])
        #expect(acd.dispatch(now: at(20)).isEmpty, "claire is on a call: nothing more")
        try acd.release("claire", medium: .voice, now: at(95))
        let next = acd.dispatch(now: at(95))
        #expect(next == [Assignment(contactID: "second", agentID: "claire", queue: "facturation", waited: 90)])
        #expect(acd.waiting.map(\.id) == ["third"])
    }

    @Test("Wrap-up then available: the agent gets the next contact and counts as freshly idle")
    func wrapUpThenAvailable() throws {
        var acd = ContactDistributor(
            queues: [.init(id: "q")],
            agents: ["a", "b"].map {
                DistributionAgent(id: $0, skills: [:], queues: ["q"], capacity: [.voice: 1], idleSince: t0)
            })
        try acd.enqueue(WaitingContact(id: "c1", queue: "q", medium: .voice, enqueuedAt: at(0)))
        #expect(acd.dispatch(now: at(1)).map(\.agentID) == ["a"], "same idle time: identifier order")
        try acd.release("a", medium: .voice, now: at(60))
        try acd.setState("a", .wrapUp, now: at(60))
        try acd.enqueue(WaitingContact(id: "c2", queue: "q", medium: .voice, enqueuedAt: at(61)))
        #expect(acd.dispatch(now: at(61)).map(\.agentID) == ["b"], "a is in wrap-up")
        try acd.enqueue(WaitingContact(id: "c3", queue: "q", medium: .voice, enqueuedAt: at(70)))
        #expect(acd.dispatch(now: at(70)).isEmpty)
        try acd.setState("a", .available, now: at(90))
        #expect(acd.dispatch(now: at(90)) == [Assignment(contactID: "c3", agentID: "a", queue: "q", waited: 20)])
    }

    @Test("Overflow: the expert queue's contact stays for its experts until the delay, then a generalist may take it")
    func overflowOrder() throws {
        var acd = ContactDistributor(
            queues: [.init(id: "litiges", overflow: .init(after: 60, queue: "accueil")), .init(id: "accueil")],
            agents: [
                DistributionAgent(id: "gen", skills: [:], queues: ["accueil"], capacity: [.voice: 1], idleSince: t0)
            ])
        try acd.enqueue(WaitingContact(id: "dispute", queue: "litiges", medium: .voice, enqueuedAt: at(0)))
        try acd.enqueue(WaitingContact(id: "hello", queue: "accueil", medium: .voice, enqueuedAt: at(30)))
        // At 40 s the dispute has not overflowed: the generalist takes the later general call.
        #expect(acd.dispatch(now: at(40)).map(\.contactID) == ["hello"])
        try acd.release("gen", medium: .voice, now: at(50))
        #expect(acd.dispatch(now: at(59)).isEmpty)
        #expect(
            acd.dispatch(now: at(60)) == [
                Assignment(contactID: "dispute", agentID: "gen", queue: "accueil", waited: 60)
            ]
        )
    }

    @Test("A contact needing a level-3 skill waits for a level-3 agent, however idle the others are")
    func skillLevels() throws {
        var acd = ContactDistributor(
            queues: [.init(id: "q")],
            agents: [
                DistributionAgent(
                    id: "junior", skills: ["litiges": 2], queues: ["q"], capacity: [.email: 5], idleSince: at(-3_600)),
                DistributionAgent(
                    id: "senior", skills: ["litiges": 3, "anglais": 1], queues: ["q"], capacity: [.email: 5],
                    state: .away, idleSince: t0),
            ])
        try acd.enqueue(
            WaitingContact(
                id: "m", queue: "q", medium: .email, enqueuedAt: at(0),
                requirements: [SkillRequirement("litiges", minimumLevel: 3)]))
        #expect(acd.dispatch(now: at(10)).isEmpty)
        try acd.setState("senior", .available, now: at(20))
        #expect(acd.dispatch(now: at(20)).map(\.agentID) == ["senior"])
    }

    @Test("An abandoned contact leaves the queue and is never offered; abandoning twice says so")
    func abandon() throws {
        var acd = ContactDistributor(queues: [.init(id: "q")], agents: [])
        try acd.enqueue(WaitingContact(id: "c", queue: "q", medium: .voice, enqueuedAt: t0))
        let first = acd.abandon("c")
        let second = acd.abandon("c")
        #expect(first)
        #expect(!second)
        #expect(acd.waiting.isEmpty)
        #expect(throws: DistributionError.unknownAgent("ghost")) { try acd.setState("ghost", .away, now: t0) }
    }

    /// What the test knows independently of the distributor.
    struct Model {
        var skills: [String: [String: Int]] = [:]
        var queues: [String: Set<String>] = [:]
        var capacity: [String: [Medium: Int]] = [:]
        var state: [String: AgentState] = [:]
        var held: [String: [Medium: Int]] = [:]
        var waiting: [String: WaitingContact] = [:]
        var assigned: Set<String> = []
        var abandoned: Set<String> = []
        var enqueued: Set<String> = []

        func qualifies(_ agent: String, for contact: WaitingContact, overflow: Set<String>) -> Bool {
            let serving = overflow.union([contact.queue])
            return contact.requirements.allSatisfy { (skills[agent]?[$0.skill] ?? 0) >= $0.minimumLevel }
                && !queues[agent]!.isDisjoint(with: serving)
        }
    }

    @Test(
        "Random days: never beyond capacity, never unqualified, never twice, none lost, FIFO within a priority",
        arguments: [11, 12, 13, 14, 15, 16] as [UInt64])
    func invariants(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let skillNames = ["facturation", "technique", "anglais"]
        let queueIDs = ["q0", "q1", "q2", "q3"]
        let overflows: [String: DistributionQueue.Overflow] = [
            "q0": .init(after: 45, queue: "q1"), "q2": .init(after: 120, queue: "q3"),
        ]
        var model = Model()
        var agents: [DistributionAgent] = []
        for index in 0..<25 {
            let id = "agent\(index)"
            model.skills[id] = Dictionary(uniqueKeysWithValues: skillNames.map { ($0, pick(5)) })
            model.queues[id] = Set((0..<(1 + pick(2))).map { _ in queueIDs[pick(4)] })
            model.capacity[id] = [.voice: 1, .chat: pick(4), .email: 1 + pick(6)]
            model.state[id] = .available
            model.held[id] = [:]
            agents.append(
                DistributionAgent(
                    id: id, skills: model.skills[id]!, queues: model.queues[id]!, capacity: model.capacity[id]!,
                    idleSince: at(Double(-pick(600)))))
        }
        var acd = ContactDistributor(
            queues: queueIDs.map { DistributionQueue(id: $0, overflow: overflows[$0]) }, agents: agents)
        var clock = t0
        var contactNumber = 0
        for _ in 0..<1_500 {
            clock = clock.addingTimeInterval(Double(pick(8)))
            switch pick(20) {
            case 0..<9:
                contactNumber += 1
                let contact = WaitingContact(
                    id: "c\(contactNumber)", queue: queueIDs[pick(4)], medium: [.voice, .chat, .email][pick(3)],
                    priority: pick(3), enqueuedAt: clock,
                    requirements: pick(3) == 0 ? [] : [SkillRequirement(skillNames[pick(3)], minimumLevel: 1 + pick(3))]
                )
                try acd.enqueue(contact)
                model.waiting[contact.id] = contact
                model.enqueued.insert(contact.id)
            case 9..<15:
                let busy = model.held.filter { !$0.value.isEmpty }.keys.sorted()
                guard !busy.isEmpty else { break }
                let agent = busy[pick(busy.count)]
                let medium = model.held[agent]!.keys.sorted { $0.rawValue < $1.rawValue }[0]
                try acd.release(agent, medium: medium, now: clock)
                model.held[agent]![medium]! -= 1
                if model.held[agent]![medium]! == 0 { model.held[agent]![medium] = nil }
            case 15..<17:
                let agent = "agent\(pick(25))"
                let state = [AgentState.available, .away, .wrapUp, .available][pick(4)]
                try acd.setState(agent, state, now: clock)
                model.state[agent] = state
            case 17:
                let ids = model.waiting.keys.sorted()
                guard !ids.isEmpty else { break }
                let id = ids[pick(ids.count)]
                let wasWaiting = acd.abandon(id)
                #expect(wasWaiting)
                model.waiting[id] = nil
                model.abandoned.insert(id)
            default:
                break
            }
            let stateBefore = model.state
            let assignments = acd.dispatch(now: clock)
            // Which queues each contact could be served from at `clock`.
            func overflow(_ contact: WaitingContact) -> Set<String> {
                guard let rule = overflows[contact.queue], clock.timeIntervalSince(contact.enqueuedAt) >= rule.after
                else { return [] }
                return [rule.queue]
            }
            var offered: [String: WaitingContact] = [:]
            for assignment in assignments {
                #expect(!model.assigned.contains(assignment.contactID), "offered twice")
                let contact = try #require(model.waiting[assignment.contactID], "not waiting")
                let agent = assignment.agentID
                #expect(stateBefore[agent] == .available, "only available agents are offered contacts")
                #expect(model.qualifies(agent, for: contact, overflow: overflow(contact)), "unqualified")
                model.held[agent]![contact.medium, default: 0] += 1
                #expect(model.held[agent]![contact.medium]! <= model.capacity[agent]![contact.medium] ?? 0, "capacity")
                #expect(model.held[agent]!.count == 1, "a call and chats at once")
                #expect(assignment.waited == clock.timeIntervalSince(contact.enqueuedAt))
                model.waiting[contact.id] = nil
                model.assigned.insert(contact.id)
                offered[contact.id] = contact
            }
            // FIFO within a priority (and priority first): no contact left waiting that an agent who was just
            // given a later (or lower-priority) contact of the same medium could have taken instead.
            for assignment in assignments {
                let contact = offered[assignment.contactID]!
                for other in model.waiting.values where other.medium == contact.medium {
                    let ahead =
                        other.priority > contact.priority
                        || (other.priority == contact.priority && other.enqueuedAt < contact.enqueuedAt)
                    #expect(
                        !(ahead && model.qualifies(assignment.agentID, for: other, overflow: overflow(other))),
                        "\(other.id) was ahead of \(contact.id) and \(assignment.agentID) could take it")
                }
            }
            // Nothing lost: every contact is waiting, assigned or abandoned — exactly one of these.
            let waitingIDs = Set(acd.waiting.map(\.id))
            #expect(waitingIDs == Set(model.waiting.keys))
            #expect(waitingIDs.union(model.assigned).union(model.abandoned) == model.enqueued)
            #expect(waitingIDs.intersection(model.assigned).isEmpty)
        }
        #expect(model.assigned.count > 200, "the scenario actually exercised assignment")
    }
}
