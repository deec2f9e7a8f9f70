import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// Phone: call events from a PBX in the generic CTI shape Zammad accepts (`newCall`, `answer`, `hangup`
/// with `callId`, `from`, `to`, `direction`, `user`), plus `hold`, `resume`, `transfer` and `queue`; and
/// the routing decision a PBX asks for an incoming call. JSON or form-encoded bodies, bearer token of an
/// integration account (admin or supervisor). See docs/CHANNELS.md.
struct CTIController {
    static let access = Access.roles([.admin, .supervisor])

    func register(_ api: any RoutesBuilder) {
        let cti = api.grouped("orgs", ":org", "cti")
        cti.endpoint(
            .POST, "events", access: Self.access, audience: .api,
            doc: .init(
                summary: "A call event: newCall, answer, hangup, hold, resume, transfer, queue", tag: "Channels",
                request: CTIEvent.schema, response: ContactSchemas.anyObject),
            use: event)
        cti.endpoint(
            .POST, "route", access: Self.access, audience: .api,
            doc: .init(
                summary: "Which agent or queue for this incoming call (registers the call if new)", tag: "Channels",
                request: CTIEvent.schema, response: CTIRouteDTO.schema),
            use: route)
    }

    @Sendable func event(_ request: Request) async throws -> CTIOutcomeDTO {
        let event = try CTIEvent.decode(request)
        let service = try ContactCentreService(request: request)
        if event.kind == .newCall {
            guard event.direction != "out" else {
                return CTIOutcomeDTO(
                    callId: event.callId, recorded: false, detail: "outbound call: not a queued contact")
            }
            let (contact, created) = try await Self.register(event, service)
            return CTIOutcomeDTO(
                callId: event.callId, recorded: created, contact: contact.id, state: contact.state,
                detail: created ? "call queued in \(contact.queue)" : "call already known")
        }
        guard let contact = try await service.store.contact(medium: .voice, externalRef: event.callId) else {
            throw AppError(.notFound, detail: "unknown call id '\(event.callId)': send newCall first")
        }
        let actor = event.user ?? "pbx"
        var agent: AgentRecord?
        if let user = event.user {
            agent = try await service.store.agents().first { $0.code == user || $0.name == user }
        }
        let reason = event.reason ?? "signalled by the PBX"
        var record: ContactRecord
        switch event.kind {
        case .newCall:
            throw AppError(.internalServerError, detail: "newCall reached the event switch")
        case .answer:
            record = try await service.record(
                .answered, contact: contact.id, actor: agent?.code ?? actor, reason: nil, agent: agent?.id)
        case .hold:
            record = try await service.record(.held, contact: contact.id, actor: agent?.code ?? actor, reason: reason)
        case .resume:
            record = try await service.record(.resumed, contact: contact.id, actor: agent?.code ?? actor, reason: nil)
        case .transfer, .queue:
            guard let queue = event.queue else {
                throw ValidationFailure(pointer: "/queue", "\(event.kind.rawValue) names the queue the call goes to")
            }
            if contact.state == .queued || contact.state == .new {
                // Entering a queue before anyone answered: the PBX's own queue choice, nothing to transfer.
                return CTIOutcomeDTO(
                    callId: event.callId, recorded: false, contact: contact.id, state: contact.state,
                    detail: "call waiting in \(contact.queue)")
            }
            record = try await service.record(
                .transferred, contact: contact.id, actor: agent?.code ?? actor,
                reason: event.reason ?? "transferred by the PBX to \(queue)", queue: queue)
        case .hangup:
            switch contact.state {
            case .new, .queued, .offered:
                record = try await service.record(
                    .abandoned, contact: contact.id, actor: "customer", reason: event.cause ?? "hung up while waiting")
            case .inProgress, .onHold:
                record = try await service.record(
                    .wrapUp, contact: contact.id, actor: agent?.code ?? actor, reason: event.cause)
                if !event.wrapUp {
                    record = try await service.record(
                        .resolved, contact: contact.id, actor: agent?.code ?? actor, reason: "call ended")
                }
            case .wrapUp, .resolved, .abandoned:
                return CTIOutcomeDTO(
                    callId: event.callId, recorded: false, contact: contact.id, state: contact.state,
                    detail: "call already ended")
            }
        }
        return CTIOutcomeDTO(
            callId: event.callId, recorded: true, contact: record.id, state: record.state, detail: event.kind.rawValue)
    }

    @Sendable func route(_ request: Request) async throws -> CTIRouteDTO {
        let event = try CTIEvent.decode(request)
        let service = try ContactCentreService(request: request)
        let (contact, _) = try await Self.register(event, service)
        var agent: AgentRecord?
        if let id = contact.agentID { agent = try await service.store.agents().first { $0.id == id } }
        return CTIRouteDTO(
            callId: event.callId, contact: contact.id, queue: contact.queue, priority: contact.priority,
            motif: contact.motif, agent: agent?.code, agentName: agent?.name, because: contact.routeReason)
    }

    /// The call's contact, registering it when new. Idempotent on the call id.
    static func register(_ event: CTIEvent, _ service: ContactCentreService) async throws -> (ContactRecord, Bool) {
        if let existing = try await service.store.contact(medium: .voice, externalRef: event.callId) {
            return (existing, false)
        }
        guard let from = event.from else {
            throw ValidationFailure(pointer: "/from", "the caller's number is required")
        }
        let identity = CustomerIdentity.normalisedPhone(from)
        var entryPoint = event.to
        if let to = event.to, case .phone(let number)? = CustomerIdentity.normalisedPhone(to) { entryPoint = number }
        do {
            let result = try await service.intake(
                .init(
                    facts: ContactFacts(medium: .voice, entryPoint: entryPoint, ivrChoice: event.ivr, text: ""),
                    externalRef: event.callId,
                    subject: "Appel de \(identity.map { $0.stored.value } ?? "numéro masqué")",
                    identities: identity.map { [$0] } ?? [], displayName: nil, message: nil, actor: "pbx"))
            return (result.contact, true)
        } catch ContactCentreError.conflict {
            // The PBX sent newCall and asked for a route at the same moment: one of them registered it.
            guard let existing = try await service.store.contact(medium: .voice, externalRef: event.callId) else {
                throw AppError(.conflict, detail: "call id '\(event.callId)' is being registered")
            }
            return (existing, false)
        }
    }
}

/// One CTI event. `user` may be a string or a list (Zammad's `user[]`); the first name is used.
struct CTIEvent: Decodable {
    enum Kind: String, Decodable, CaseIterable {
        case newCall, answer, hangup, hold, resume, transfer, queue
    }

    var kind: Kind
    var callId: String
    var from: String?
    var to: String?
    var direction: String?
    var user: String?
    var queue: String?
    var reason: String?
    var cause: String?
    var ivr: String?
    /// After hangup, leave the call in wrap-up for the agent to resolve (default: resolved at hangup).
    var wrapUp: Bool

    enum CodingKeys: String, CodingKey {
        case event, callId, from, to, direction, user, queue, reason, cause, ivr, wrapUp
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .event)
        callId = try container.decode(String.self, forKey: .callId)
        from = try container.decodeIfPresent(String.self, forKey: .from)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        direction = try container.decodeIfPresent(String.self, forKey: .direction)
        if let list = try? container.decodeIfPresent([String].self, forKey: .user) {
            user = list.first
        } else {
            user = try container.decodeIfPresent(String.self, forKey: .user)
        }
        queue = try container.decodeIfPresent(String.self, forKey: .queue)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        cause = try container.decodeIfPresent(String.self, forKey: .cause)
        ivr = try container.decodeIfPresent(String.self, forKey: .ivr)
        if let flag = try? container.decodeIfPresent(Bool.self, forKey: .wrapUp) {
            wrapUp = flag
        } else {
            wrapUp = (try? container.decodeIfPresent(String.self, forKey: .wrapUp)) == "true"
        }
    }

    static func decode(_ request: Request) throws -> CTIEvent {
        let event = try request.decodeJSON(CTIEvent.self)
        var problems: [FieldProblem] = []
        if event.callId.isEmpty || event.callId.count > 200 {
            problems.append(.init(pointer: "/callId", detail: "1 to 200 characters"))
        }
        for (pointer, value) in [
            ("/from", event.from), ("/to", event.to), ("/user", event.user), ("/queue", event.queue),
            ("/ivr", event.ivr),
        ] {
            if let value, value.count > 200 {
                problems.append(.init(pointer: pointer, detail: "at most 200 characters"))
            }
        }
        if let reason = event.reason, reason.count > 1000 {
            problems.append(.init(pointer: "/reason", detail: "at most 1,000 characters"))
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        return event
    }

    static let schema = Schema.object(
        [
            "event": Schema.enumeration(Kind.allCases.map(\.rawValue)), "callId": Schema.string, "from": Schema.string,
            "to": Schema.string, "direction": Schema.enumeration(["in", "out"]),
            "user": ["oneOf": [Schema.string, Schema.array(Schema.string)]], "queue": Schema.string,
            "reason": Schema.string, "cause": Schema.string, "ivr": Schema.string, "wrapUp": Schema.boolean,
        ], required: ["event", "callId"])
}

struct CTIOutcomeDTO: Content {
    var callId: String
    var recorded: Bool
    var contact: UUID?
    var state: ContactState?
    var detail: String
}

struct CTIRouteDTO: Content {
    var callId: String
    var contact: UUID
    var queue: String
    var priority: Int
    var motif: String?
    /// The agent the call is offered to, when one was free.
    var agent: String?
    var agentName: String?
    var because: String

    static let schema = Schema.object(
        [
            "callId": Schema.string, "contact": Schema.uuid, "queue": Schema.string, "priority": Schema.integer,
            "motif": Schema.nullable(Schema.string), "agent": Schema.nullable(Schema.string),
            "agentName": Schema.nullable(Schema.string), "because": Schema.string,
        ], required: ["callId", "contact", "queue", "priority", "because"])
}
