import Foundation
import GuichetCore
import SQLKit

/// A contact waiting to enter, with the organisation it enters and the moment it arrived.
public struct PendingIntake: Sendable {
    public var organisation: UUID
    public var contact: NewContact
    public var now: Date

    public init(organisation: UUID, contact: NewContact, now: Date) {
        self.organisation = organisation
        self.contact = contact
        self.now = now
    }
}

/// What intake made of a contact: the stored record, and the agent it was offered to at once, if any.
public struct IntakeOutcome: Sendable {
    public var contact: ContactRecord
    public var assignment: AssignmentRecord?
}

/// Writes a group of new contacts inside one transaction: each customer identified (found, created or
/// merged), each contact queued with its `created` and `queued` events and first message, then one ACD
/// round per organisation. Rows are buffered and written a few statements per table whatever the group's
/// size; a merge writes what is buffered first, so it sees every earlier contact of the group.
///
/// The result is the same as taking the contacts one after the other. One contact's own problem (a
/// channel id already taken) fails that contact only; a database error fails the whole group, and the
/// caller then takes its contacts one at a time.
struct IntakeWriter {
    let db: any SQLDatabase

    private struct IdentityKey: Hashable {
        var organisation: UUID
        var kind: String
        var value: String
    }

    private struct RefKey: Hashable {
        var organisation: UUID
        var medium: String
        var ref: String
    }

    private struct NewCustomer {
        var id: UUID
        var organisation: UUID
        var displayName: String?
        var attributes: [String: String]
        var at: Date
    }

    private struct CustomerChange {
        var displayName: String?
        var attributes: [String: String]
    }

    private struct Buffered {
        var customers: [NewCustomer] = []
        var identities: [(key: IdentityKey, customer: UUID, at: Date)] = []
        var changes: [UUID: CustomerChange] = [:]
        var contacts: [(organisation: UUID, record: ContactRecord)] = []
        var events: [ContactCentreStore.EventRow] = []
        var messages: [(organisation: UUID, contact: UUID, message: NewMessage, at: Date)] = []
    }

    private var buffered = Buffered()
    /// Who owns each identity met so far: read from the database, or given in this group.
    private var owners: [IdentityKey: UUID] = [:]
    private var takenRefs: Set<RefKey> = []
    /// Customers merged into another during the group, so the group's earlier records name the kept one.
    private var mergedInto: [UUID: UUID] = [:]

    init(db: any SQLDatabase) {
        self.db = db
    }

    /// Takes the group: one result per contact, in order. With `dispatch`, each organisation's ACD then
    /// runs once, and the outcomes say which contacts were offered at once.
    static func write(
        _ items: [PendingIntake], dispatch: Bool, on db: any SQLDatabase
    ) async throws -> [Result<IntakeOutcome, any Error>] {
        var writer = IntakeWriter(db: db)
        try await writer.loadKnown(items)
        var results: [Result<ContactRecord, any Error>] = []
        for item in items {
            if let conflict = writer.claimRef(of: item) {
                results.append(.failure(conflict))
            } else {
                results.append(.success(try await writer.take(item)))
            }
        }
        try await writer.flush()
        var assignments: [UUID: AssignmentRecord] = [:]
        if dispatch {
            let now = items.map(\.now).max() ?? Date()
            for organisation in Set(items.map(\.organisation)).sorted(by: { $0.uuidString < $1.uuidString }) {
                for assignment in try await ContactCentreStore.dispatch(db, organisation: organisation, now: now) {
                    assignments[assignment.contactID] = assignment
                }
            }
        }
        return results.map { result in
            result.map { record in
                var record = record
                record.customerID = record.customerID.map(writer.kept)
                return IntakeOutcome(contact: record, assignment: assignments[record.id])
            }
        }
    }

    /// A contact whose channel id (call id, chat session, social thread) is already taken, by a stored
    /// contact or an earlier one of the group, is refused before anything of it is written.
    private mutating func claimRef(of item: PendingIntake) -> ContactCentreError? {
        guard let ref = item.contact.externalRef else { return nil }
        let medium = item.contact.medium.rawValue
        guard takenRefs.insert(RefKey(organisation: item.organisation, medium: medium, ref: ref)).inserted else {
            return .conflict("\(medium) contact '\(ref)' already exists")
        }
        return nil
    }

    /// Reads, in a few statements, the channel ids already taken and the owners of every identity the
    /// group carries.
    private mutating func loadKnown(_ items: [PendingIntake]) async throws {
        for (organisation, group) in Dictionary(grouping: items, by: \.organisation) {
            let refs = group.compactMap(\.contact.externalRef)
            if !refs.isEmpty {
                let values: [any Encodable & Sendable] = Array(Set(refs))
                for row in try await db.raw(
                    """
                    SELECT medium, external_ref FROM contacts WHERE organisation_id = \(bind: organisation)
                    AND external_ref IN (\(binds: values))
                    """
                ).all() {
                    takenRefs.insert(
                        RefKey(
                            organisation: organisation, medium: try row.decode(column: "medium", as: String.self),
                            ref: try row.decode(column: "external_ref", as: String.self)))
                }
            }
            let identities = Set(group.flatMap(\.contact.identities)).map(\.stored)
            for (kind, values) in Dictionary(grouping: identities, by: { $0.kind }) {
                for chunk in values.map({ $0.value }).chunked(ContactCentreStore.rowsPerStatement) {
                    let binds: [any Encodable & Sendable] = Array(chunk)
                    for row in try await db.raw(
                        """
                        SELECT value, customer_id FROM customer_identities WHERE organisation_id = \(bind: organisation)
                        AND kind = \(bind: kind) AND value IN (\(binds: binds))
                        """
                    ).all() {
                        let key = IdentityKey(
                            organisation: organisation, kind: kind, value: try row.decode(column: "value", as: String.self))
                        owners[key] = try row.decode(column: "customer_id", as: UUID.self)
                    }
                }
            }
        }
    }

    /// One contact: its customer, its record, its first log lines and message, all buffered.
    private mutating func take(_ item: PendingIntake) async throws -> ContactRecord {
        let new = item.contact
        let org = item.organisation
        let id = UUID()
        let customer = try await customer(for: item, context: "contact \(id.uuidString)")
        let record = ContactRecord(
            id: id, customerID: customer, medium: new.medium, entryPoint: new.entryPoint,
            externalRef: new.externalRef, subject: String(new.subject.prefix(500)), motif: new.motif?.motif,
            motifRule: new.motif?.ruleID, routeRule: new.route.ruleID, routeReason: new.route.because,
            queue: new.route.target.queue, priority: new.route.target.priority, skills: new.route.target.skills,
            state: .queued, agentID: nil, createdAt: item.now, enqueuedAt: item.now, updatedAt: item.now)
        buffered.contacts.append((org, record))
        buffered.events.append(
            .init(
                organisation: org, contact: id, seq: 1, kind: .created, at: item.now, actor: new.actor, queue: nil,
                reason: new.motif.map { "motif \($0.motif) (rule \($0.ruleID))" }))
        buffered.events.append(
            .init(
                organisation: org, contact: id, seq: 2, kind: .queued, at: item.now, actor: "router",
                queue: record.queue, reason: new.route.because))
        if let message = new.message { buffered.messages.append((org, id, message, item.now)) }
        return record
    }

    /// The customer these identities belong to: created when new; when they belong to several customers,
    /// merged into the oldest record (written at once, with its audit entry).
    private mutating func customer(for item: PendingIntake, context: String) async throws -> UUID? {
        let new = item.contact
        guard !new.identities.isEmpty else { return nil }
        let keys = Set(new.identities).map { identity in
            let (kind, value) = identity.stored
            return IdentityKey(organisation: item.organisation, kind: kind, value: value)
        }
        let found = Set(keys.compactMap { owners[$0] })
        let customer: UUID
        switch found.count {
        case 0:
            customer = UUID()
            buffered.customers.append(
                NewCustomer(
                    id: customer, organisation: item.organisation, displayName: new.displayName,
                    attributes: new.customerAttributes, at: item.now))
        case 1:
            customer = found.first!
            if !new.customerAttributes.isEmpty || new.displayName != nil {
                note(customer, displayName: new.displayName, attributes: new.customerAttributes)
            }
        default:
            try await flush()
            customer = try await ContactCentreStore.identify(
                db, organisation: item.organisation, identities: new.identities, displayName: new.displayName,
                attributes: new.customerAttributes, actor: new.actor, context: context, now: item.now) ?? UUID()
            for (key, owner) in owners where found.contains(owner) { owners[key] = customer }
            for absorbed in found where absorbed != customer { mergedInto[absorbed] = customer }
            // `identify` stored the identities that were new as well.
            for key in keys { owners[key] = customer }
        }
        for key in keys where owners[key] == nil {
            owners[key] = customer
            buffered.identities.append((key, customer, item.now))
        }
        return customer
    }

    /// The record a customer of this group ended in, after the merges the group made.
    private func kept(_ customer: UUID) -> UUID {
        var current = customer
        while let next = mergedInto[current], next != current { current = next }
        return current
    }

    /// Remembers a name or attributes given for a known customer: a customer new in this group takes them
    /// before it is written; one already stored is updated at the next flush.
    private mutating func note(_ customer: UUID, displayName: String?, attributes: [String: String]) {
        if let index = buffered.customers.firstIndex(where: { $0.id == customer }) {
            buffered.customers[index].attributes.merge(attributes) { _, new in new }
            if buffered.customers[index].displayName == nil { buffered.customers[index].displayName = displayName }
            return
        }
        var change = buffered.changes[customer] ?? CustomerChange(displayName: nil, attributes: [:])
        change.attributes.merge(attributes) { _, new in new }
        if change.displayName == nil { change.displayName = displayName }
        buffered.changes[customer] = change
    }

    /// Writes everything buffered, parents before children.
    private mutating func flush() async throws {
        let rows = buffered
        buffered = Buffered()
        try await apply(rows.changes)
        var statements: [SQLQueryString] = []
        for chunk in rows.customers.chunked(ContactCentreStore.rowsPerStatement) {
            let values = chunk.map { customer -> SQLQueryString in
                """
                (\(bind: customer.id), \(bind: customer.organisation), \(bind: customer.displayName), \
                \(bind: ContactCentreStore.json(customer.attributes)), \(bind: customer.at))
                """
            }
            statements.append(
                """
                INSERT INTO customers (id, organisation_id, display_name, attributes_json, created_at)
                VALUES \(values.joined(separator: ", "))
                """)
        }
        for chunk in rows.identities.chunked(ContactCentreStore.rowsPerStatement) {
            let values = chunk.map { identity -> SQLQueryString in
                """
                (\(bind: UUID()), \(bind: identity.key.organisation), \(bind: identity.customer), \
                \(bind: identity.key.kind), \(bind: identity.key.value), \(bind: identity.at))
                """
            }
            statements.append(
                """
                INSERT INTO customer_identities (id, organisation_id, customer_id, kind, value, created_at)
                VALUES \(values.joined(separator: ", "))
                """)
        }
        for chunk in rows.contacts.chunked(ContactCentreStore.rowsPerStatement) {
            let values = chunk.map { organisation, record -> SQLQueryString in
                """
                (\(bind: record.id), \(bind: record.customerID), \(bind: record.medium.rawValue), \
                \(bind: record.entryPoint), \(bind: record.externalRef), \(bind: record.subject), \(bind: record.motif), \
                \(bind: record.motifRule), \(bind: record.routeRule), \(bind: record.routeReason), \(bind: record.queue), \
                \(bind: record.priority), \(bind: ContactCentreStore.json(record.skills)), 'queued', NULL, \
                \(bind: record.createdAt), \(bind: record.enqueuedAt), \(bind: record.updatedAt), \(bind: organisation), 2)
                """
            }
            statements.append(
                """
                INSERT INTO contacts (\(unsafeRaw: ContactCentreStore.contactColumns), organisation_id, event_count)
                VALUES \(values.joined(separator: ", "))
                """)
        }
        statements += ContactCentreStore.eventInserts(rows.events)
        let messages = ContactCentreStore.messageInserts(rows.messages)
        statements += messages.statements
        try await ContactCentreStore.runTogether(db, statements)
        for entry in messages.oneByOne {
            _ = try await ContactCentreStore.insertMessage(
                db, organisation: entry.organisation, contact: entry.contact, entry.message, at: entry.at)
        }
    }

    /// Updates stored customers with the names and attributes the group gave them (a name only when
    /// none is known; attributes merged, the newer value winning).
    private func apply(_ changes: [UUID: CustomerChange]) async throws {
        guard !changes.isEmpty else { return }
        let ids: [any Encodable & Sendable] = Array(changes.keys)
        for row in try await db.raw(
            "SELECT id, display_name, attributes_json FROM customers WHERE id IN (\(binds: ids))"
        ).all() {
            let id = try row.decode(column: "id", as: UUID.self)
            guard let change = changes[id] else { continue }
            let known = try ContactCentreStore.decode(
                [String: String].self, row.decode(column: "attributes_json", as: String.self))
            let knownName = try row.decode(column: "display_name", as: String?.self)
            let merged = known.merging(change.attributes) { _, new in new }
            guard merged != known || (knownName == nil && change.displayName != nil) else { continue }
            try await db.raw(
                """
                UPDATE customers SET attributes_json = \(bind: ContactCentreStore.json(merged)),
                display_name = \(bind: knownName ?? change.displayName) WHERE id = \(bind: id)
                """
            ).run()
        }
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
