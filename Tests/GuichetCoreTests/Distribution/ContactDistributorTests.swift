import Foundation
import Testing

@testable import GuichetCore

@Suite("Contact distribution (ACD)")
struct ContactDistributorTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func agent(
        _ id: String, idle: TimeInterval, skills: [String: Int] = ["facturation": 2], queues: Set<String> = ["q"],
        capacity: [Medium: Int] = [.voice: 1, .chat: 3]
    ) -> DistributionAgent {
        DistributionAgent(
            id: id, skills: skills, queues: queues, capacity: capacity, idleSince: t0.addingTimeInterval(idle))
    }

    func contact(
        _ id: String, at offset: TimeInterval, priority: Int = 0, medium: Medium = .voice,
        queue: String = "q", needs: [SkillRequirement] = []
    ) -> WaitingContact {
        WaitingContact(
            id: id, queue: queue, medium: medium, priority: priority, enqueuedAt: t0.addingTimeInterval(offset),
            requirements: needs)
    }

    @Test("The longest-idle qualified agent gets the contact")
    func longestIdle() throws {
        var acd = ContactDistributor(
            queues: [.init(id: "q")],
            agents: [agent("recent", idle: 50), agent("longest", idle: 10), agent("unskilled", idle: 0, skills: [:])])
        try acd.enqueue(contact("c1", at: 60, needs: [SkillRequirement("facturation", minimumLevel: 2)]))
        let assignments = acd.dispatch(now: t0.addingTimeInterval(61))
        #expect(assignments.map(\.agentID) == ["longest"])
        #expect(assignments.first?.waited == 1)
        #expect(acd.waiting.isEmpty)
    }

    @Test("Priority first, then the longest wait; what cannot be served keeps waiting")
    func priorityThenWait() throws {
        var acd = ContactDistributor(queues: [.init(id: "q")], agents: [agent("a", idle: 0), agent("b", idle: 1)])
        try acd.enqueue(contact("old-normal", at: 0))
        try acd.enqueue(contact("new-urgent", at: 30, priority: 5))
        try acd.enqueue(contact("newer-normal", at: 40))
        let assignments = acd.dispatch(now: t0.addingTimeInterval(60))
        #expect(assignments.map(\.contactID) == ["new-urgent", "old-normal"])
        #expect(acd.waiting.map(\.id) == ["newer-normal"])
        // The moment an agent frees up, the waiting contact is offered to them.
        try acd.release("a", medium: .voice, now: t0.addingTimeInterval(90))
        #expect(acd.dispatch(now: t0.addingTimeInterval(90)).map(\.agentID) == ["a"])
    }

    @Test("One call or three chats: capacity per medium, never mixing a call with chats")
    func capacity() throws {
        var acd = ContactDistributor(queues: [.init(id: "q")], agents: [agent("a", idle: 0)])
        for i in 0..<4 { try acd.enqueue(contact("chat\(i)", at: Double(i), medium: .chat)) }
        try acd.enqueue(contact("call", at: 10))
        #expect(acd.dispatch(now: t0.addingTimeInterval(20)).count == 3)
        #expect(Set(acd.waiting.map(\.id)) == ["chat3", "call"])
        for _ in 0..<3 { try acd.release("a", medium: .chat, now: t0.addingTimeInterval(30)) }
        // Free again: chat3 has waited longer than the call, so it goes first.
        #expect(acd.dispatch(now: t0.addingTimeInterval(30)).map(\.contactID) == ["chat3"])
        #expect(throws: DistributionError.notHeld(agent: "a", medium: .voice)) {
            try acd.release("a", medium: .voice, now: t0)
        }
    }

    @Test("After the overflow delay a contact may be served from the overflow queue")
    func overflow() throws {
        var acd = ContactDistributor(
            queues: [.init(id: "experts", overflow: .init(after: 120, queue: "general")), .init(id: "general")],
            agents: [agent("generalist", idle: 0, queues: ["general"])])
        try acd.enqueue(contact("c", at: 0, queue: "experts"))
        #expect(acd.dispatch(now: t0.addingTimeInterval(119)).isEmpty)
        let assignments = acd.dispatch(now: t0.addingTimeInterval(120))
        #expect(assignments.map(\.queue) == ["general"])
    }

    @Test("Agents away or in wrap-up are offered nothing")
    func states() throws {
        var acd = ContactDistributor(queues: [.init(id: "q")], agents: [agent("a", idle: 0)])
        try acd.setState("a", .away, now: t0)
        try acd.enqueue(contact("c", at: 1))
        #expect(acd.dispatch(now: t0.addingTimeInterval(2)).isEmpty)
        try acd.setState("a", .available, now: t0.addingTimeInterval(3))
        #expect(acd.dispatch(now: t0.addingTimeInterval(3)).count == 1)
        #expect(throws: DistributionError.unknownQueue("nope")) { try acd.enqueue(contact("x", at: 0, queue: "nope")) }
        #expect(throws: DistributionError.duplicateContact("d")) {
            try acd.enqueue(contact("d", at: 0))
            try acd.enqueue(contact("d", at: 0))
        }
    }

    @Test(
        "Random workloads: no contact lost or offered twice, capacity and skills always respected, FIFO per priority",
        arguments: [1, 2, 3, 4] as [UInt64])
    func invariants(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let skills = ["facturation", "technique", "resiliation"]
        let agents = (0..<40).map { i in
            DistributionAgent(
                id: "a\(i)", skills: Dictionary(uniqueKeysWithValues: skills.map { ($0, pick(4)) }),
                queues: Set(["q\(pick(3))", "q\(pick(3))"]), capacity: [.voice: 1, .chat: 1 + pick(3), .email: 5],
                idleSince: t0)
        }
        var acd = ContactDistributor(
            queues: [.init(id: "q0", overflow: .init(after: 60, queue: "q1")), .init(id: "q1"), .init(id: "q2")],
            agents: agents)
        var enqueued: Set<String> = []
        var assigned: [String: String] = [:]
        var held: [(agent: String, medium: Medium)] = []
        var clock = t0
        for step in 0..<1_000 {
            clock = clock.addingTimeInterval(Double(pick(10)))
            switch pick(10) {
            case 0..<5:
                let id = "c\(step)"
                try acd.enqueue(
                    WaitingContact(
                        id: id, queue: "q\(pick(3))", medium: [.voice, .chat, .email][pick(3)], priority: pick(3),
                        enqueuedAt: clock,
                        requirements: pick(2) == 0 ? [] : [SkillRequirement(skills[pick(3)], minimumLevel: 1 + pick(2))]
                    ))
                enqueued.insert(id)
            case 5..<8 where !held.isEmpty:
                let release = held.remove(at: pick(held.count))
                try acd.release(release.agent, medium: release.medium, now: clock)
            case 8:
                try acd.setState("a\(pick(40))", [.available, .away, .wrapUp, .available][pick(4)], now: clock)
            default:
                break
            }
            let before = acd.waiting
            for assignment in acd.dispatch(now: clock) {
                #expect(assigned[assignment.contactID] == nil, "offered twice")
                assigned[assignment.contactID] = assignment.agentID
                let contact = try #require(before.first { $0.id == assignment.contactID })
                let agent = try #require(acd.agents[assignment.agentID])
                #expect(agent.meets(contact.requirements))
                #expect((agent.load[contact.medium] ?? 0) <= (agent.capacity[contact.medium] ?? 0))
                #expect(agent.load.values.filter { $0 > 0 }.count == 1, "one medium at a time")
                held.append((assignment.agentID, contact.medium))
                // FIFO per priority: no older contact of the same priority, queue and needs stayed behind it
                // while this agent could have taken it.
                let skipped = acd.waiting.filter {
                    $0.priority == contact.priority && $0.enqueuedAt < contact.enqueuedAt && $0.medium == contact.medium
                        && $0.requirements == contact.requirements && $0.servingQueues == contact.servingQueues
                }
                #expect(skipped.isEmpty)
            }
            // Nothing lost: every contact is waiting, assigned, or was abandoned (never, here).
            #expect(Set(acd.waiting.map(\.id)).union(assigned.keys) == enqueued)
        }
        #expect(assigned.count > 100)
    }

    @Test("5,000 chats over 200 agents are all served, none twice")
    func scale() throws {
        let agents = (0..<200).map { agent("a\($0)", idle: Double($0), capacity: [.chat: 3]) }
        var acd = ContactDistributor(queues: [.init(id: "q")], agents: agents)
        for i in 0..<5_000 { try acd.enqueue(contact("c\(i)", at: Double(i), medium: .chat)) }
        var total = 0
        var seen: Set<String> = []
        var clock = t0.addingTimeInterval(20_000)
        while !acd.waiting.isEmpty {
            let assignments = acd.dispatch(now: clock)
            total += assignments.count
            seen.formUnion(assignments.map(\.contactID))
            for assignment in assignments { try acd.release(assignment.agentID, medium: .chat, now: clock) }
            clock = clock.addingTimeInterval(1)
        }
        #expect(total == 5_000)
        #expect(seen.count == 5_000)
    }
}
