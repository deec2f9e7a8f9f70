import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// `/api/v1/orgs/:org/…`: the single point of contact — set-up (queues, agents, entry points, routing),
/// contacts and their log, customers and their history, and the live view of the queues.
struct ContactCentreController {
    static let readers = Access.roles([.admin, .supervisor, .agent, .viewer])
    static let workers = Access.roles([.admin, .supervisor, .agent])
    static let managers = Access.roles([.admin, .supervisor])

    func register(_ api: any RoutesBuilder) {
        let org = api.grouped("orgs", ":org")
        let tag = "Contact centre"
        org.endpoint(
            .GET, "queues", access: Self.readers, audience: .api,
            doc: .init(summary: "Queues", tag: tag, response: Schema.array(ContactSchemas.queue)), use: queues)
        org.endpoint(
            .PUT, "queues", ":code", access: Self.managers, audience: .api,
            doc: .init(
                summary: "Create or change a queue (overflow to another queue after a wait)", tag: tag,
                request: ContactSchemas.queue, response: ContactSchemas.queue),
            use: saveQueue)
        org.endpoint(
            .GET, "agents", access: Self.readers, audience: .api,
            doc: .init(summary: "Agents, their state and load", tag: tag, response: Schema.array(ContactSchemas.agent)),
            use: agents)
        org.endpoint(
            .PUT, "agents", ":code", access: Self.managers, audience: .api,
            doc: .init(
                summary: "Create or change an agent: skills (1–5), queues, capacity per medium", tag: tag,
                request: ContactSchemas.anyObject, response: ContactSchemas.agent),
            use: saveAgent)
        org.endpoint(
            .POST, "agents", ":code", "state", access: Self.workers, audience: .api,
            doc: .init(
                summary: "Set an agent's state (an agent sets their own; supervisors anyone's)", tag: tag,
                request: Schema.object(
                    ["state": Schema.enumeration(["available", "wrap_up", "away"])], required: ["state"]),
                response: ContactSchemas.agent),
            use: setAgentState)
        org.endpoint(
            .POST, "agents", ":code", "claim", access: Self.workers, audience: .api,
            doc: .init(
                summary: "Take the next contact this agent can serve (204 when none)", tag: tag,
                response: ContactSchemas.assignment),
            use: claim)
        org.endpoint(
            .GET, "entry-points", access: Self.readers, audience: .api,
            doc: .init(summary: "Declared entry points", tag: tag, response: Schema.array(ContactSchemas.entryPoint)),
            use: entryPoints)
        org.endpoint(
            .POST, "entry-points", access: Self.managers, audience: .api,
            doc: .init(
                summary: "Declare an entry point (number, address, widget, account, form)", tag: tag,
                request: ContactSchemas.entryPoint, response: ContactSchemas.entryPoint, successStatus: 201),
            use: addEntryPoint)
        org.endpoint(
            .DELETE, "entry-points", ":id", access: Self.managers, audience: .api,
            doc: .init(summary: "Remove an entry point", tag: tag, successStatus: 204), use: removeEntryPoint)
        org.endpoint(
            .GET, "routing", access: Self.readers, audience: .api,
            doc: .init(
                summary: "Motif taxonomy, motif rules and routing rules", tag: tag, response: ContactSchemas.anyObject),
            use: routing)
        org.endpoint(
            .PUT, "routing", access: Self.managers, audience: .api,
            doc: .init(
                summary: "Save a new version of the routing configuration (checked whole)", tag: tag,
                request: ContactSchemas.anyObject, response: ContactSchemas.anyObject),
            use: saveRouting)
        org.endpoint(
            .POST, "contacts", access: Self.workers, audience: .api,
            doc: .init(
                summary: "A contact enters: customer identified, motif set, routed, queued, offered", tag: tag,
                request: ContactInput.schema, response: ContactSchemas.anyObject, successStatus: 201),
            use: intake)
        org.endpoint(
            .GET, "contacts", access: Self.readers, audience: .api,
            doc: .init(
                summary: "Contacts, newest first (?state=queued,…)", tag: tag,
                response: Schema.array(ContactSchemas.contact)),
            use: contacts)
        org.endpoint(
            .GET, "contacts", ":id", access: Self.readers, audience: .api,
            doc: .init(
                summary: "A contact with its event log and messages", tag: tag, response: ContactSchemas.anyObject),
            use: contact)
        org.endpoint(
            .POST, "contacts", ":id", "events", access: Self.workers, audience: .api,
            doc: .init(
                summary: "Record what happened (answered, held, resumed, transferred, wrap_up, resolved, …)", tag: tag,
                request: EventInput.schema, response: ContactSchemas.contact),
            use: recordEvent)
        org.endpoint(
            .POST, "contacts", ":id", "motif", access: Self.workers, audience: .api,
            doc: .init(
                summary: "Correct the motif (kept for rule tuning; re-routes a waiting contact)", tag: tag,
                request: Schema.object(["motif": Schema.string, "reason": Schema.string], required: ["motif"]),
                response: ContactSchemas.contact),
            use: correctMotif)
        org.endpoint(
            .POST, "contacts", ":id", "replies", access: Self.workers, audience: .api,
            doc: .init(
                summary: "Answer on the contact's channel: chat socket, social reply webhook, or email via the relay",
                tag: tag, request: ReplyInput.schema,
                response: Schema.object(
                    ["message": Schema.uuid, "delivery": Schema.string], required: ["message", "delivery"]),
                successStatus: 201),
            use: reply)
        org.endpoint(
            .GET, "customers", access: Self.readers, audience: .api,
            doc: .init(
                summary: "Customers whose name or identity contains ?q=", tag: tag, response: ContactSchemas.anyObject),
            use: searchCustomers)
        org.endpoint(
            .GET, "customers", ":id", access: Self.readers, audience: .api,
            doc: .init(
                summary: "A customer's cross-channel history and journey view", tag: tag,
                response: ContactSchemas.anyObject),
            use: customer)
        org.endpoint(
            .POST, "customers", "merge", access: Self.managers, audience: .api,
            doc: .init(
                summary: "Merge two records of the same person (audited)", tag: tag,
                request: Schema.object(
                    ["first": Schema.uuid, "second": Schema.uuid, "reason": Schema.string],
                    required: ["first", "second", "reason"]),
                response: ContactSchemas.anyObject),
            use: merge)
        org.endpoint(
            .GET, "rejected-inbound", access: Self.managers, audience: .api,
            doc: .init(
                summary: "What the channels refused (bad signature, malformed mail, honeypot…), with the reason",
                tag: tag, response: ContactSchemas.anyObject),
            use: rejected)
        org.endpoint(
            .GET, "live", access: Self.readers, audience: .api,
            doc: .init(
                summary: "Queues now: waiting, longest wait, agents by state", tag: tag,
                response: ContactSchemas.anyObject),
            use: live)
        org.endpoint(
            .GET, "indicators", access: Self.readers, audience: .api,
            doc: .init(
                summary: "Service level, abandonment, holds, transfers, FCR recomputed from the log (?from=&to=)",
                tag: tag,
                response: ContactSchemas.anyObject),
            use: indicators)
    }

    // MARK: Set-up

    @Sendable func queues(_ request: Request) async throws -> [QueueRecord] {
        try await ContactCentreService(request: request).store.queues()
    }

    @Sendable func saveQueue(_ request: Request) async throws -> QueueRecord {
        struct Input: Content {
            var name: String
            var overflowAfter: Double?
            var overflowQueue: String?
        }
        let input = try request.decodeJSON(Input.self)
        let service = try ContactCentreService(request: request)
        let queue = try await service.store.saveQueue(
            QueueRecord(
                code: request.parameters.get("code") ?? "", name: input.name, overflowAfter: input.overflowAfter,
                overflowQueue: input.overflowQueue), now: request.now)
        request.application.guichet.routingCache.invalidate(service.organisation)
        return queue
    }

    @Sendable func agents(_ request: Request) async throws -> [AgentRecord] {
        try await ContactCentreService(request: request).store.agents()
    }

    @Sendable func saveAgent(_ request: Request) async throws -> AgentRecord {
        let input = try request.decodeJSON(AgentInput.self)
        let service = try ContactCentreService(request: request)
        var userID: UUID?
        if let email = input.userEmail {
            guard let user = try await request.accounts.user(email: email),
                try await !request.accounts.members(in: request.requireTenant().scope).filter({
                    $0.$user.id == user.id
                }).isEmpty
            else {
                throw ValidationFailure(
                    pointer: "/userEmail", "no member of this organisation has the address '\(email)'")
            }
            userID = try user.requireID()
        }
        return try await service.store.saveAgent(
            code: request.parameters.get("code") ?? "", name: input.name, userID: userID, skills: input.skills ?? [:],
            queues: input.queues ?? [], capacity: input.capacity ?? [.voice: 1], now: request.now)
    }

    /// The agent a request acts on; an agent may only act as themselves.
    static func agent(_ request: Request, _ service: ContactCentreService) async throws -> AgentRecord {
        guard let agent = try await service.store.agent(code: request.parameters.get("code") ?? "") else {
            throw AppError.notFound("agent")
        }
        let tenant = try request.requireTenant()
        if tenant.roles.isDisjoint(with: [.admin, .supervisor]) {
            guard agent.userID == (try request.requirePrincipal().userID) else {
                throw AppError.forbidden("an agent acts only as themselves")
            }
        }
        return agent
    }

    @Sendable func setAgentState(_ request: Request) async throws -> AgentRecord {
        let input = try request.decodeJSON(AgentStateInput.self)
        let service = try ContactCentreService(request: request)
        let agent = try await Self.agent(request, service)
        return try await service.setAgentState(agent.id, input.state)
    }

    @Sendable func claim(_ request: Request) async throws -> Response {
        let service = try ContactCentreService(request: request)
        let agent = try await Self.agent(request, service)
        guard let assignment = try await service.claimNext(agent: agent.id) else { return Response(status: .noContent) }
        return try await assignment.encodeResponse(for: request)
    }

    @Sendable func entryPoints(_ request: Request) async throws -> [EntryPointRecord] {
        try await ContactCentreService(request: request).store.entryPoints()
    }

    @Sendable func addEntryPoint(_ request: Request) async throws -> Response {
        let input = try request.decodeJSON(EntryPointInput.self)
        let (record, secret) = try await ContactCentreService(request: request).store.addEntryPoint(
            medium: input.medium, address: input.address, label: input.label, outboundURL: input.outboundURL,
            now: request.now)
        return try await EntryPointCreatedDTO(entryPoint: record, secret: secret).encodeResponse(
            status: .created, for: request)
    }

    @Sendable func removeEntryPoint(_ request: Request) async throws -> HTTPStatus {
        guard let id = request.parameters.get("id", as: UUID.self),
            try await ContactCentreService(request: request).store.removeEntryPoint(id: id)
        else { throw AppError.notFound("entry point") }
        return .noContent
    }

    @Sendable func routing(_ request: Request) async throws -> RoutingDTO {
        let store = try ContactCentreService(request: request).store
        if let stored = try await store.routing() {
            return RoutingDTO(
                version: stored.version, configuration: stored.configuration, updatedBy: stored.updatedBy,
                updatedAt: stored.updatedAt)
        }
        guard let first = try await store.queues().first else {
            throw AppError.notFound("routing (create a queue first)")
        }
        return RoutingDTO(
            version: 0, configuration: .starter(queue: first.code), updatedBy: "guichet", updatedAt: request.now)
    }

    @Sendable func saveRouting(_ request: Request) async throws -> RoutingDTO {
        let configuration = try request.decodeJSON(RoutingConfiguration.self)
        let service = try ContactCentreService(request: request)
        let stored = try await service.store.saveRouting(
            configuration, by: try request.requirePrincipal().email, now: request.now)
        request.application.guichet.routingCache.invalidate(service.organisation)
        return RoutingDTO(
            version: stored.version, configuration: stored.configuration, updatedBy: stored.updatedBy,
            updatedAt: stored.updatedAt)
    }

    // MARK: Contacts

    @Sendable func intake(_ request: Request) async throws -> Response {
        let input = try request.decodeJSON(ContactInput.self)
        let service = try ContactCentreService(request: request)
        let intake = try Self.intake(input, actor: try request.requirePrincipal().email)
        let result = try await service.intake(intake)
        let dto = IntakeDTO(contact: result.contact, assignment: result.assignment)
        guard let json = dto.json() else { return try await dto.encodeResponse(status: .created, for: request) }
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .created, headers: headers, body: .init(buffer: ByteBuffer(bytes: json)))
    }

    /// Checks a generic contact and turns it into an intake: identities normalised, sizes bounded.
    static func intake(_ input: ContactInput, actor: String) throws -> ContactCentreService.Intake {
        var problems: [FieldProblem] = []
        var identities: [CustomerIdentity] = []
        if let phone = input.customer?.phone {
            if let identity = CustomerIdentity.normalisedPhone(phone) {
                identities.append(identity)
            } else {
                problems.append(.init(pointer: "/customer/phone", detail: "not a phone number: '\(phone.prefix(40))'"))
            }
        }
        if let email = input.customer?.email {
            if let identity = CustomerIdentity.normalisedEmail(email) {
                identities.append(identity)
            } else {
                problems.append(
                    .init(pointer: "/customer/email", detail: "not an email address: '\(email.prefix(80))'"))
            }
        }
        if let social = input.customer?.social {
            if let identity = CustomerIdentity.normalisedSocial(network: social.network, handle: social.handle) {
                identities.append(identity)
            } else {
                problems.append(.init(pointer: "/customer/social", detail: "a network and a handle without spaces"))
            }
        }
        let text = input.text ?? ""
        if text.utf8.count > 100_000 { problems.append(.init(pointer: "/text", detail: "at most 100,000 bytes")) }
        if (input.subject ?? "").count > 500 {
            problems.append(.init(pointer: "/subject", detail: "at most 500 characters"))
        }
        if let ref = input.externalRef, ref.isEmpty || ref.count > 200 {
            problems.append(.init(pointer: "/externalRef", detail: "1 to 200 characters"))
        }
        let attributes = input.customer?.attributes ?? [:]
        if attributes.count > 50 || attributes.contains(where: { $0.key.count > 64 || $0.value.count > 200 }) {
            problems.append(
                .init(
                    pointer: "/customer/attributes",
                    detail: "at most 50 attributes, names ≤ 64 and values ≤ 200 characters"))
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        var entryPoint = input.entryPoint
        if let raw = entryPoint,
            case .success(let normalised) = ContactCentreStore.normalisedAddress(raw, medium: input.medium)
        {
            entryPoint = normalised
        }
        let subject = input.subject ?? String(text.prefix(80))
        return ContactCentreService.Intake(
            facts: ContactFacts(
                medium: input.medium, entryPoint: entryPoint, ivrChoice: input.ivrChoice, text: subject + "\n" + text,
                customer: attributes),
            externalRef: input.externalRef, subject: subject.isEmpty ? input.medium.rawValue : subject,
            identities: identities, displayName: input.customer?.name,
            message: text.isEmpty
                ? nil
                : NewMessage(
                    direction: .inbound, author: input.customer?.email ?? input.customer?.name ?? "customer",
                    subject: input.subject, body: text),
            actor: actor)
    }

    @Sendable func contacts(_ request: Request) async throws -> [ContactRecord] {
        var states: [ContactState] = []
        if let list = try? request.query.get(String.self, at: "state") {
            for name in list.split(separator: ",") {
                guard let state = ContactState(rawValue: String(name)) else {
                    throw ValidationFailure(pointer: "state", "unknown state '\(name)'")
                }
                states.append(state)
            }
        }
        let limit = (try? request.query.get(Int.self, at: "limit")) ?? 100
        return try await ContactCentreService(request: request).store.contacts(states: states, limit: limit)
    }

    @Sendable func contact(_ request: Request) async throws -> ContactDetailDTO {
        let store = try ContactCentreService(request: request).store
        guard let id = request.parameters.get("id", as: UUID.self), let contact = try await store.contact(id) else {
            throw AppError.notFound("contact")
        }
        return ContactDetailDTO(
            contact: contact, events: try await store.events(of: id), messages: try await store.messages(of: id))
    }

    @Sendable func recordEvent(_ request: Request) async throws -> ContactRecord {
        let input = try request.decodeJSON(EventInput.self)
        guard ![.created, .queued, .offered].contains(input.kind) else {
            throw ValidationFailure(pointer: "/kind", "'\(input.kind.rawValue)' is recorded by Guichet itself")
        }
        guard let id = request.parameters.get("id", as: UUID.self) else { throw AppError.notFound("contact") }
        let service = try ContactCentreService(request: request)
        let principal = try request.requirePrincipal()
        let agent = try await service.store.agent(userID: principal.userID)
        return try await service.record(
            input.kind, contact: id, actor: agent?.code ?? principal.email, reason: input.reason, queue: input.queue,
            agent: input.kind == .answered ? agent?.id : nil)
    }

    @Sendable func correctMotif(_ request: Request) async throws -> ContactRecord {
        let input = try request.decodeJSON(MotifInput.self)
        guard let id = request.parameters.get("id", as: UUID.self) else { throw AppError.notFound("contact") }
        return try await ContactCentreService(request: request).correctMotif(
            contact: id, motif: input.motif, reason: input.reason, actor: try request.requirePrincipal().email)
    }

    @Sendable func reply(_ request: Request) async throws -> Response {
        let input = try request.decodeJSON(ReplyInput.self)
        guard let id = request.parameters.get("id", as: UUID.self) else { throw AppError.notFound("contact") }
        let service = try ContactCentreService(request: request)
        let principal = try request.requirePrincipal()
        let agent = try await service.store.agent(userID: principal.userID)
        let result = try await service.reply(
            to: id, input, author: agent?.name ?? principal.displayName, client: request.client)
        return try await result.encodeResponse(status: .created, for: request)
    }

    // MARK: Customers

    @Sendable func searchCustomers(_ request: Request) async throws -> [CustomerDTO] {
        let text = (try? request.query.get(String.self, at: "q")) ?? ""
        return try await ContactCentreService(request: request).store.searchCustomers(String(text.prefix(100)))
            .map(CustomerDTO.init)
    }

    @Sendable func customer(_ request: Request) async throws -> CustomerHistoryDTO {
        let store = try ContactCentreService(request: request).store
        guard let id = request.parameters.get("id", as: UUID.self), let customer = try await store.customer(id) else {
            throw AppError.notFound("customer")
        }
        return CustomerHistoryDTO(
            customer: CustomerDTO(customer), journey: try await store.journey(of: customer.id),
            contacts: try await store.history(of: customer.id), merges: try await store.merges(of: customer.id))
    }

    @Sendable func merge(_ request: Request) async throws -> CustomerDTO {
        let input = try request.decodeJSON(MergeInput.self)
        let store = try ContactCentreService(request: request).store
        for id in [input.first, input.second] where try await store.customer(id) == nil {
            throw AppError.notFound("customer \(id)")
        }
        let kept = try await store.mergeCustomers(
            input.first, input.second, by: try request.requirePrincipal().email, reason: input.reason, now: request.now)
        guard let customer = try await store.customer(kept) else { throw AppError.notFound("customer") }
        return CustomerDTO(customer)
    }

    // MARK: Live and indicators

    @Sendable func rejected(_ request: Request) async throws -> [RejectedInbound] {
        try await ContactCentreService(request: request).store.rejectedInbound()
    }

    @Sendable func live(_ request: Request) async throws -> LiveQueues {
        try await ContactCentreService(request: request).store.live(now: request.now)
    }

    @Sendable func indicators(_ request: Request) async throws -> ContactLogSummary {
        let formatter = ISO8601DateFormatter()
        let to = (try? request.query.get(String.self, at: "to")).flatMap(formatter.date(from:)) ?? request.now
        let from =
            (try? request.query.get(String.self, at: "from")).flatMap(formatter.date(from:))
            ?? to.addingTimeInterval(-86_400)
        guard from < to else { throw ValidationFailure(pointer: "from", "must be before 'to'") }
        return try await ContactCentreService(request: request).store.summary(from: from, to: to)
    }
}
