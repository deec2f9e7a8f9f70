import Foundation
import Testing

@testable import GuichetCore

/// The distributor will run under database row locks on the server: a round must stay far below the time a
/// lock may be held. These tests measure it on a peak-hour backlog and fail if it degrades badly.
@Suite("Routing: ACD speed")
struct RoutingACDBenchmarkTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    /// 200 agents over 5 queues with mixed skills and capacities, and `contacts` waiting contacts of every
    /// medium, priority and need — the seed fixes it all.
    func backlog(contacts: Int, seed: UInt64 = 42) -> (ContactDistributor, [WaitingContact]) {
        var rng = SeededGenerator(seed: seed)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let skills = ["facturation", "technique", "resiliation", "anglais"]
        let queues = (0..<5).map { "q\($0)" }
        let agents = (0..<200).map { index in
            DistributionAgent(
                id: "agent\(index)", skills: Dictionary(uniqueKeysWithValues: skills.map { ($0, pick(5)) }),
                queues: Set([queues[pick(5)], queues[pick(5)]]), capacity: [.voice: 1, .chat: 3, .email: 5],
                idleSince: t0.addingTimeInterval(-Double(pick(3_600))))
        }
        let distributor = ContactDistributor(
            queues: queues.map {
                DistributionQueue(id: $0, overflow: $0 == "q0" ? .init(after: 30, queue: "q1") : nil)
            },
            agents: agents)
        let waiting = (0..<contacts).map { index in
            WaitingContact(
                id: "c\(index)", queue: queues[pick(5)], medium: [.voice, .chat, .email][pick(3)], priority: pick(3),
                enqueuedAt: t0.addingTimeInterval(Double(index) * 0.1),
                requirements: pick(2) == 0 ? [] : [SkillRequirement(skills[pick(4)], minimumLevel: 1 + pick(3))])
        }
        return (distributor, waiting)
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    @Test("10,000 waiting contacts × 200 agents: one round decided well under a second (debug build)")
    func oneRound() throws {
        var (acd, contacts) = backlog(contacts: 10_000)
        let clock = ContinuousClock()
        let enqueueTime = try clock.measure { for contact in contacts { try acd.enqueue(contact) } }
        let now = t0.addingTimeInterval(1_200)
        var assignments: [Assignment] = []
        let roundTime = clock.measure { assignments = acd.dispatch(now: now) }
        print(
            "ACD round: 10,000 contacts × 200 agents → \(assignments.count) offers in "
                + "\(Int(seconds(roundTime) * 1_000)) ms (enqueueing took \(Int(seconds(enqueueTime) * 1_000)) ms)")
        #expect(assignments.count > 200, "most agents got work")
        #expect(acd.waiting.count == 10_000 - assignments.count)
        #expect(seconds(roundTime) < 1)
    }

    /// Backlog size for the drain: 1,000 by default so the suite stays quick in debug; set
    /// `GUICHET_ACD_DRAIN=10000` (in a release build) to measure a peak-hour backlog.
    var drainSize: Int { ProcessInfo.processInfo.environment["GUICHET_ACD_DRAIN"].flatMap(Int.init) ?? 1_000 }

    @Test("A backlog drained event by event: every contact offered exactly once; rounds per second printed")
    func drain() throws {
        let size = drainSize
        var (acd, contacts) = backlog(contacts: size, seed: 7)
        for contact in contacts { try acd.enqueue(contact) }
        var now = t0.addingTimeInterval(1_000)
        var offered: Set<String> = []
        var rounds = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            var inHand: [Assignment] = []
            var mediumOf: [String: Medium] = Dictionary(uniqueKeysWithValues: contacts.map { ($0.id, $0.medium) })
            while !acd.waiting.isEmpty && rounds < 100_000 {
                let assignments = acd.dispatch(now: now)
                rounds += 1
                for assignment in assignments { #expect(offered.insert(assignment.contactID).inserted) }
                inHand += assignments
                // An agent finishes one contact every step: the event that triggers the next round.
                guard !inHand.isEmpty else { break }
                let done = inHand.removeFirst()
                try acd.release(done.agentID, medium: mediumOf.removeValue(forKey: done.contactID)!, now: now)
                now = now.addingTimeInterval(1)
            }
        }
        // Contacts needing a skill level nobody has may stay: everything else must have been offered.
        #expect(offered.count + acd.waiting.count == size)
        #expect(Double(offered.count) > 0.9 * Double(size))
        print(
            "ACD drain: backlog \(size), \(offered.count) offers over \(rounds) event-driven rounds in "
                + "\(Int(seconds(elapsed) * 1_000)) ms → \(Int(Double(rounds) / seconds(elapsed))) rounds/s")
    }
}
