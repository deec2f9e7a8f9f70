import Foundation
import GuichetCore
import SQLKit

/// A contact entering the single point of contact, already identified and routed by the caller.
public struct NewContact: Sendable {
    public var medium: Medium
    public var entryPoint: String?
    public var externalRef: String?
    public var subject: String
    public var identities: [CustomerIdentity]
    public var displayName: String?
    public var customerAttributes: [String: String]
    public var motif: MotifDecision?
    public var route: RoutingDecision
    /// The first message (mail, form, chat opening line, social post).
    public var message: NewMessage?
    public var actor: String

    public init(
        medium: Medium, entryPoint: String?, externalRef: String?, subject: String, identities: [CustomerIdentity],
        displayName: String?, customerAttributes: [String: String], motif: MotifDecision?, route: RoutingDecision,
        message: NewMessage?, actor: String
    ) {
        self.medium = medium
        self.entryPoint = entryPoint
        self.externalRef = externalRef
        self.subject = subject
        self.identities = identities
        self.displayName = displayName
        self.customerAttributes = customerAttributes
        self.motif = motif
        self.route = route
        self.message = message
        self.actor = actor
    }
}

public struct NewMessage: Sendable {
    public var direction: MessageRecord.Direction
    public var author: String
    public var subject: String?
    public var body: String
    public var messageRef: String?
    /// Message-IDs this mail cites (In-Reply-To, References), kept for threading whatever the arrival order.
    public var cites: [String]
    public var delivery: String?
    public var attachments: [NewAttachment]

    public init(
        direction: MessageRecord.Direction, author: String, subject: String? = nil, body: String,
        messageRef: String? = nil, cites: [String] = [], delivery: String? = nil, attachments: [NewAttachment] = []
    ) {
        self.direction = direction
        self.author = author
        self.subject = subject
        self.body = body
        self.messageRef = messageRef
        self.cites = cites
        self.delivery = delivery
        self.attachments = attachments
    }
}

extension ContactCentreStore {
    static let contactColumns = """
        id, customer_id, medium, entry_point, external_ref, subject, motif, motif_rule, route_rule, route_reason, \
        queue, priority, skills_json, state, agent_id, created_at, enqueued_at, updated_at
        """

    static func contact(_ row: any SQLRow) throws -> ContactRecord {
        ContactRecord(
            id: try row.decode(column: "id", as: UUID.self),
            customerID: try row.decode(column: "customer_id", as: UUID?.self),
            medium: Medium(rawValue: try row.decode(column: "medium", as: String.self)) ?? .form,
            entryPoint: try row.decode(column: "entry_point", as: String?.self),
            externalRef: try row.decode(column: "external_ref", as: String?.self),
            subject: try row.decode(column: "subject", as: String.self),
            motif: try row.decode(column: "motif", as: String?.self),
            motifRule: try row.decode(column: "motif_rule", as: String?.self),
            routeRule: try row.decode(column: "route_rule", as: String?.self),
            routeReason: try row.decode(column: "route_reason", as: String.self),
            queue: try row.decode(column: "queue", as: String.self),
            priority: try row.decode(column: "priority", as: Int.self),
            skills: try ParsedJSON.requirements.value(of: row.decode(column: "skills_json", as: String.self)),
            state: ContactState(rawValue: try row.decode(column: "state", as: String.self)) ?? .new,
            agentID: try row.decode(column: "agent_id", as: UUID?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            enqueuedAt: try row.decode(column: "enqueued_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    /// Whether an error is a unique-constraint violation (two instances created the same thing at once).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        let text = String(reflecting: error).lowercased()
        return text.contains("unique") || text.contains("duplicate key") || text.contains("23505")
    }

    // MARK: Intake

    /// Records a new contact in one transaction: customer identified (or created, or merged), contact
    /// queued where routing sent it, `created` and `queued` events, and its first message.
    public func intake(_ new: NewContact, now: Date = Date()) async throws -> ContactRecord {
        do {
            return try await intakeOnce(new, now: now)
        } catch  where Self.isUniqueViolation(error) {
            // Another instance created the same customer identity or call id meanwhile: try again, which
            // finds theirs. A duplicate call id then surfaces as a conflict.
            if let ref = new.externalRef, try await contact(medium: new.medium, externalRef: ref) != nil {
                throw ContactCentreError.conflict("\(new.medium.rawValue) contact '\(ref)' already exists")
            }
            return try await intakeOnce(new, now: now)
        }
    }

    private func intakeOnce(_ new: NewContact, now: Date) async throws -> ContactRecord {
        let item = PendingIntake(organisation: organisationID, contact: new, now: now)
        let outcome = try await transaction { db in
            try await IntakeWriter.write([item], dispatch: false, on: db).results[0]
        }
        return try outcome.get().contact
    }

    static func insertEvent(
        _ db: any SQLDatabase, organisation: UUID, contact: UUID, seq: Int, kind: ContactEventKind, at: Date,
        actor: String?, queue: String?, reason: String?
    ) async throws {
        try await insertEvents(
            db,
            [
                EventRow(
                    organisation: organisation, contact: contact, seq: seq, kind: kind, at: at, actor: actor,
                    queue: queue, reason: reason)
            ])
    }

    /// One line of a contact's log, about to be written.
    struct EventRow {
        var organisation: UUID
        var contact: UUID
        var seq: Int
        var kind: ContactEventKind
        var at: Date
        var actor: String?
        var queue: String?
        var reason: String?
    }

    /// Appends log lines, many per statement.
    static func insertEvents(_ db: any SQLDatabase, _ events: [EventRow]) async throws {
        for statement in eventInserts(events) { try await db.raw(statement).run() }
    }

    static func eventInserts(_ events: [EventRow]) -> [SQLQueryString] {
        events.chunked(Self.rowsPerStatement).map { chunk in
            let values = chunk.map { event -> SQLQueryString in
                """
                (\(bind: UUID.rowID()), \(bind: event.organisation), \(bind: event.contact), \(bind: event.seq), \
                \(bind: event.kind.rawValue), \(bind: event.at), \(bind: event.actor), \(bind: event.queue), \
                \(bind: event.reason.map { String($0.prefix(1000)) }))
                """
            }
            return """
                INSERT INTO contact_events (id, organisation_id, contact_id, seq, kind, at, actor, queue, reason)
                VALUES \(values.joined(separator: ", "))
                """
        }
    }

    /// Rows per multi-row INSERT: well under both databases' bound-parameter limits (SQLite 32,766,
    /// PostgreSQL 65,535) at twenty columns a row.
    static let rowsPerStatement = 500

    // MARK: Reading

    public func contact(_ id: UUID) async throws -> ContactRecord? {
        try await sql.raw(
            "SELECT \(unsafeRaw: Self.contactColumns) FROM contacts WHERE organisation_id = \(bind: organisationID) AND id = \(bind: id)"
        ).first().map(Self.contact)
    }

    public func contact(medium: Medium, externalRef: String) async throws -> ContactRecord? {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.contactColumns) FROM contacts WHERE organisation_id = \(bind: organisationID)
            AND medium = \(bind: medium.rawValue) AND external_ref = \(bind: externalRef)
            """
        ).first().map(Self.contact)
    }

    public func events(of contact: UUID) async throws -> [ContactEventRecord] {
        try await Self.events(sql, organisation: organisationID, contact: contact)
    }

    static func events(_ db: any SQLDatabase, organisation: UUID, contact: UUID) async throws -> [ContactEventRecord] {
        try await db.raw(
            """
            SELECT seq, kind, at, actor, queue, reason FROM contact_events
            WHERE organisation_id = \(bind: organisation) AND contact_id = \(bind: contact) ORDER BY seq
            """
        ).all().map { row in
            ContactEventRecord(
                seq: try row.decode(column: "seq", as: Int.self),
                kind: ContactEventKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .created,
                at: try row.decode(column: "at", as: Date.self),
                actor: try row.decode(column: "actor", as: String?.self),
                queue: try row.decode(column: "queue", as: String?.self),
                reason: try row.decode(column: "reason", as: String?.self))
        }
    }

    /// Contacts, newest first, optionally only those in some states or of one customer.
    public func contacts(
        states: [ContactState] = [], customer: UUID? = nil, limit: Int = 100
    ) async throws
        -> [ContactRecord]
    {
        var query = SQLQueryString(
            "SELECT \(unsafeRaw: Self.contactColumns) FROM contacts WHERE organisation_id = \(bind: organisationID)")
        if !states.isEmpty {
            let values: [any Encodable & Sendable] = states.map(\.rawValue)
            query = query + " AND state IN (\(binds: values))"
        }
        if let customer { query = query + " AND customer_id = \(bind: customer)" }
        query = query + " ORDER BY created_at DESC LIMIT \(bind: max(1, min(limit, 1000)))"
        return try await sql.raw(query).all().map(Self.contact)
    }

    /// The contact's timeline rebuilt from its event log, the way every indicator is computed.
    public func timeline(of record: ContactRecord) async throws -> ContactTimeline {
        let events = try await events(of: record.id)
        return try ContactTimeline.replay(
            Self.coreEvents(record, events))
    }

    static func coreEvents(_ record: ContactRecord, _ events: [ContactEventRecord]) -> [ContactEvent] {
        events.map { event in
            ContactEvent(
                contactID: record.id.uuidString, kind: event.kind, at: event.at, actor: event.actor, queue: event.queue,
                reason: event.reason, customerID: event.kind == .created ? record.customerID?.uuidString : nil,
                entryPoint: event.kind == .created ? record.entryPoint : nil,
                medium: event.kind == .created ? record.medium : nil)
        }
    }

    // MARK: Events

    /// Appends an event to a contact's log, refusing one that does not fit where the contact stands.
    /// `agent` is who answered (for `answered`); `queue` where a transfer sends the contact.
    public func record(
        _ kind: ContactEventKind, contact id: UUID, actor: String, reason: String? = nil, queue: String? = nil,
        agent: UUID? = nil, now: Date = Date()
    ) async throws -> ContactRecord {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if [.held, .transferred].contains(kind), (reason ?? "").isEmpty {
            throw ValidationFailure(
                pointer: "/reason", "a \(kind == .held ? "hold" : "transfer") is recorded with its reason")
        }
        if kind == .transferred {
            guard let queue else {
                throw ValidationFailure(pointer: "/queue", "a transfer names the queue it sends to")
            }
            guard try await queues().contains(where: { $0.code == queue }) else {
                throw ValidationFailure(pointer: "/queue", "unknown queue '\(queue)'")
            }
        }
        let org = organisationID
        return try await transaction { db in
            let row = try await Self.lockContact(db, organisation: org, id: id, now: now)
            var record = try Self.contact(row)
            let before = record
            var count = try row.decode(column: "event_count", as: Int.self)
            let past = try await Self.events(db, organisation: org, contact: id)
            var appended = [
                ContactEventRecord(
                    seq: count + 1, kind: kind, at: max(now, past.last?.at ?? now), actor: actor, queue: queue,
                    reason: reason)
            ]
            if kind == .reopened {
                appended.append(
                    ContactEventRecord(
                        seq: count + 2, kind: .queued, at: appended[0].at, actor: "router", queue: record.queue,
                        reason: "reopened"))
            }
            let timeline: ContactTimeline
            do {
                timeline = try ContactTimeline.replay(Self.coreEvents(record, past + appended))
            } catch {
                throw ContactCentreError.invalidTransition(
                    "cannot record '\(kind.rawValue)' on a contact that is \(record.state.rawValue.replacingOccurrences(of: "_", with: " "))"
                )
            }
            for event in appended {
                try await Self.insertEvent(
                    db, organisation: org, contact: id, seq: event.seq, kind: event.kind, at: event.at,
                    actor: event.actor, queue: event.queue, reason: event.reason)
            }
            count += appended.count
            record.state = timeline.state
            switch kind {
            case .answered: record.agentID = agent ?? record.agentID
            case .transferred:
                record.queue = queue ?? record.queue
                record.agentID = nil
                record.enqueuedAt = appended[0].at
            case .resolved, .abandoned: record.agentID = nil
            case .reopened:
                record.agentID = nil
                record.enqueuedAt = appended[0].at
            default: break
            }
            record.updatedAt = now
            try await db.raw(
                """
                UPDATE contacts SET state = \(bind: record.state.rawValue), agent_id = \(bind: record.agentID), \
                queue = \(bind: record.queue), enqueued_at = \(bind: record.enqueuedAt), event_count = \(bind: count)
                WHERE id = \(bind: id)
                """
            ).run()
            try await Self.adjustLoads(db, organisation: org, Self.loadChanges(from: before, to: record))
            return record
        }
    }

    /// What a change of state or agent does to the agents' loads: the contact leaves whoever held it and
    /// counts for whoever holds it now.
    static func loadChanges(from before: ContactRecord, to after: ContactRecord) -> [LoadChange: Int] {
        var changes: [LoadChange: Int] = [:]
        if let agent = before.agentID, heldStateSet.contains(before.state) {
            changes[LoadChange(agent: agent, medium: before.medium), default: 0] -= 1
        }
        if let agent = after.agentID, heldStateSet.contains(after.state) {
            changes[LoadChange(agent: agent, medium: after.medium), default: 0] += 1
        }
        return changes
    }

    /// Locks a contact's row for the rest of the transaction (touching `updated_at`), so concurrent changes to
    /// one contact apply one after the other; returns the row with its `event_count`.
    static func lockContact(_ db: any SQLDatabase, organisation: UUID, id: UUID, now: Date) async throws -> any SQLRow {
        guard
            let row = try await db.raw(
                """
                UPDATE contacts SET updated_at = \(bind: now) WHERE organisation_id = \(bind: organisation) AND id = \(bind: id)
                RETURNING \(unsafeRaw: contactColumns), event_count
                """
            ).first()
        else { throw ContactCentreError.unknownContact(id.uuidString) }
        return row
    }

    /// Changes the motif of a contact (the agent knows better), re-routing it if it still waits.
    public func correctMotif(
        contact id: UUID, to motif: String, reason: String?, by actor: String, route: RoutingDecision?,
        now: Date = Date()
    ) async throws -> ContactRecord {
        let org = organisationID
        return try await transaction { db in
            let row = try await Self.lockContact(db, organisation: org, id: id, now: now)
            var record = try Self.contact(row)
            let correction = MotifCorrection(
                contactID: id.uuidString, from: record.motif, to: motif, agentID: actor, at: now, reason: reason)
            try await db.raw(
                """
                INSERT INTO motif_corrections (id, organisation_id, contact_id, correction_json, at)
                VALUES (\(bind: UUID.rowID()), \(bind: org), \(bind: id), \(bind: Self.json(correction)), \(bind: now))
                """
            ).run()
            record.motif = motif
            if let route, record.state == .queued {
                record.queue = route.target.queue
                record.priority = route.target.priority
                record.skills = route.target.skills
                record.routeRule = route.ruleID
                record.routeReason = route.because
            }
            try await db.raw(
                """
                UPDATE contacts SET motif = \(bind: motif), queue = \(bind: record.queue), priority = \(bind: record.priority), \
                skills_json = \(bind: Self.json(record.skills)), route_rule = \(bind: record.routeRule), route_reason = \(bind: record.routeReason)
                WHERE id = \(bind: id)
                """
            ).run()
            return record
        }
    }

    public func motifCorrections(limit: Int = 1000) async throws -> [MotifCorrection] {
        try await sql.raw(
            "SELECT correction_json FROM motif_corrections WHERE organisation_id = \(bind: organisationID) ORDER BY at DESC LIMIT \(bind: limit)"
        ).all().map { try Self.decode(MotifCorrection.self, $0.decode(column: "correction_json", as: String.self)) }
    }
}
