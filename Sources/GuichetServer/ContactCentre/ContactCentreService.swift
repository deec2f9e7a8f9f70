import Fluent
import Foundation
import GuichetCore
import GuichetStore
import NIOConcurrencyHelpers
import Vapor

/// The single point of contact, as every channel and page uses it: identify, set the motif, route,
/// queue, distribute, and tell live pages. The channels only translate their protocol into these calls.
struct ContactCentreService {
    let store: ContactCentreStore
    let organisation: UUID
    let application: Application
    let scope: TenantScope
    let now: Date

    init(scope: TenantScope, application: Application, now: Date = Date()) {
        self.store = ContactCentreStore(scope: scope)
        self.organisation = scope.organisationID
        self.application = application
        self.scope = scope
        self.now = now
    }

    /// The request's database, made only when something here needs it (intake does not).
    var database: any Database { scope.database }

    init(request: Request) throws {
        self.init(scope: try request.requireTenant().scope, application: request.application, now: request.now)
    }

    var feed: ChangeFeed { application.guichet.changeFeed }

    /// The brand's routing, compiled; a starter one (everything to its first queue) until it saves its own.
    func routing() async throws -> CompiledRouting {
        if let cached = application.guichet.routingCache.get(organisation, now: now) { return cached }
        let queues = try await store.queues()
        guard let first = queues.first else {
            throw AppError(.conflict, detail: "no queue yet: create one before taking contacts")
        }
        let configuration = try await store.routing()?.configuration ?? .starter(queue: first.code)
        let compiled: CompiledRouting
        do {
            compiled = try configuration.compile(queues: Set(queues.map(\.code)))
        } catch {
            // A queue the configuration names was removed since: route everything to the fallback's rules
            // is impossible, so fall back to the first queue rather than refuse the customer.
            compiled = try RoutingConfiguration.starter(queue: first.code).compile(queues: Set(queues.map(\.code)))
        }
        application.guichet.routingCache.put(organisation, compiled, now: now)
        return compiled
    }

    struct Intake {
        var facts: ContactFacts
        var externalRef: String?
        var subject: String
        var identities: [CustomerIdentity]
        var displayName: String?
        var message: NewMessage?
        var actor: String
    }

    struct IntakeResult {
        var contact: ContactRecord
        var assignment: AssignmentRecord?
    }

    /// A contact enters: motif and route decided from its facts, queued, offered if an agent is free.
    /// Written with whatever other contacts arrive meanwhile, in one transaction (`IntakeBatcher`), which
    /// also tells live pages.
    func intake(_ intake: Intake) async throws -> IntakeResult {
        let outcome = try await routing().decide(intake.facts)
        let new = NewContact(
            medium: intake.facts.medium, entryPoint: intake.facts.entryPoint, externalRef: intake.externalRef,
            subject: intake.subject, identities: intake.identities, displayName: intake.displayName,
            customerAttributes: intake.facts.customer, motif: outcome.motif, route: outcome.route,
            message: intake.message, actor: intake.actor)
        let taken = try await application.guichet.intakeBatcher(application).intake(
            PendingIntake(organisation: organisation, contact: new, now: now))
        return IntakeResult(contact: taken.contact, assignment: taken.assignment)
    }

    /// Runs the ACD and tells live pages when something moved.
    @discardableResult
    func dispatch(announce: Bool = true) async throws -> [AssignmentRecord] {
        let assignments = try await store.dispatch(now: now)
        if announce, !assignments.isEmpty { await feed.publish(organisation, on: database) }
        return assignments
    }

    /// Records an event on a contact; frees capacity → offers waiting contacts.
    func record(
        _ kind: ContactEventKind, contact: UUID, actor: String, reason: String?, queue: String? = nil,
        agent: UUID? = nil
    ) async throws -> ContactRecord {
        let record = try await store.record(
            kind, contact: contact, actor: actor, reason: reason, queue: queue, agent: agent, now: now)
        if [.resolved, .abandoned, .transferred, .reopened].contains(kind) {
            try await dispatch(announce: false)
        }
        await feed.publish(organisation, on: database)
        if record.medium == .chat { await feed.publish(organisation, detail: "chat:\(record.id)", on: database) }
        return record
    }

    func setAgentState(_ agent: UUID, _ state: AgentState) async throws -> AgentRecord {
        let record = try await store.setAgentState(agent, state, now: now)
        if state == .available { try await dispatch(announce: false) }
        await feed.publish(organisation, on: database)
        return try await store.agents().first { $0.id == record.id } ?? record
    }

    func claimNext(agent: UUID) async throws -> AssignmentRecord? {
        let assignment = try await store.claimNext(agent: agent, now: now)
        if assignment != nil { await feed.publish(organisation, on: database) }
        return assignment
    }

    func correctMotif(contact: UUID, motif: String, reason: String?, actor: String) async throws -> ContactRecord {
        guard let existing = try await store.contact(contact) else { throw AppError.notFound("contact") }
        let compiled = try await routing()
        guard compiled.detector.taxonomy.motifs[motif] != nil else {
            throw ValidationFailure(pointer: "/motif", "unknown motif '\(motif)'")
        }
        let customer = try await existing.customerID.asyncMap { try await store.customer($0) }
        let route = compiled.reroute(motif: motif, medium: existing.medium, customer: customer??.attributes ?? [:])
        let record = try await store.correctMotif(
            contact: contact, to: motif, reason: reason, by: actor, route: route, now: now)
        await feed.publish(organisation, on: database)
        return record
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// Compiled routing per organisation, kept a short while: another instance's change shows within
/// `lifetime` seconds; a change made here shows at once.
final class RoutingCache: Sendable {
    private let entries = NIOLockedValueBox([UUID: (at: Date, routing: CompiledRouting)]())
    let lifetime: TimeInterval = 2

    func get(_ organisation: UUID, now: Date) -> CompiledRouting? {
        entries.withLockedValue { entries in
            guard let entry = entries[organisation], now.timeIntervalSince(entry.at) < lifetime,
                now >= entry.at
            else { return nil }
            return entry.routing
        }
    }

    func put(_ organisation: UUID, _ routing: CompiledRouting, now: Date) {
        entries.withLockedValue { $0[organisation] = (now, routing) }
    }

    func invalidate(_ organisation: UUID) {
        entries.withLockedValue { $0[organisation] = nil }
    }
}
