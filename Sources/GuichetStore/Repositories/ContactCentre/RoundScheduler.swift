import Fluent
import Foundation

/// PostgreSQL: the ACD rounds intake asks for, run beside the intake writer rather than on its path, at most one
/// at a time per organisation per instance.
///
/// A group that committed contacts asks for a round (`ask(for:now:)`), and is answered
/// once a round that *started after it asked* has finished: that round reads after the group's commit, so none
/// of its contacts is left waiting while an agent has room. Groups asking while a round runs share the next one:
/// under load one round offers what many groups brought, and the writer goes on to the next group instead of
/// spending a round's round trips per group. Each group is told every offer made by the rounds that finished
/// after it asked — the round running when it asked may have offered its contacts, if it read the waiting
/// contacts after the group's commit.
///
/// A round that fails offers nothing: its contacts stay queued, and the dispatch tick (every second, every
/// instance) offers them.
actor RoundScheduler {
    private struct Waiter {
        var now: Date
        var offers: [UUID: AssignmentRecord]
        let reply: AsyncStream<[UUID: AssignmentRecord]>.Continuation
    }

    private let database: any Database
    /// The connection rounds run on, if they have one of their own; otherwise the pool's.
    private let connection: IntakeConnection?
    /// Per organisation: the groups waiting for a round that has not started yet.
    private var waiting: [UUID: [Waiter]] = [:]
    private var running: Set<UUID> = []
    /// Rounds run since start (tests read it to see that rounds are shared).
    private(set) var rounds = 0

    init(database: any Database, connection: IntakeConnection? = nil) {
        self.database = database
        self.connection = connection
    }

    /// Asks for a round of `organisation`'s ACD; the stream gives, once, the offers made (contact id →
    /// assignment) when a round that started after this call has finished.
    func ask(for organisation: UUID, now: Date) -> AsyncStream<[UUID: AssignmentRecord]> {
        let (answer, reply) = AsyncStream.makeStream(of: [UUID: AssignmentRecord].self)
        waiting[organisation, default: []].append(Waiter(now: now, offers: [:], reply: reply))
        if running.insert(organisation).inserted {
            Task { await self.run(organisation) }
        }
        return answer
    }

    private func run(_ organisation: UUID) async {
        while let batch = waiting.removeValue(forKey: organisation), !batch.isEmpty {
            let now = batch.map(\.now).max() ?? Date()
            let made = (try? await round(organisation, now: now)) ?? []
            rounds += 1
            var offers: [UUID: AssignmentRecord] = [:]
            for assignment in made { offers[assignment.contactID] = assignment }
            // Those who asked during this round wait for the next one, knowing what this one offered.
            if !offers.isEmpty, var later = waiting[organisation] {
                for index in later.indices { later[index].offers.merge(offers) { first, _ in first } }
                waiting[organisation] = later
            }
            for waiter in batch {
                waiter.reply.yield(waiter.offers.merging(offers) { first, _ in first })
                waiter.reply.finish()
            }
        }
        running.remove(organisation)
    }

    private func round(_ organisation: UUID, now: Date) async throws -> [AssignmentRecord] {
        if let connection { return try await connection.round(organisation: organisation, now: now) }
        return try await ContactCentreStore.round(on: .pool(database), organisation: organisation, now: now)
    }
}
