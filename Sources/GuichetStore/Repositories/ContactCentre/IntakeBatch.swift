import FluentPostgresDriver
import Foundation
import GuichetCore
import SQLKit
import SQLiteNIO

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
    /// False while a group is prepared for writing without a transaction: a merge must not write.
    private var writesAllowed = true

    /// The group needs more than one statement (a merge, a stored customer's name or attributes, a message
    /// with attachments): it is written in a transaction instead.
    private struct NeedsTransaction: Error {}

    /// PostgreSQL: the intake writer's own connection, where the writer's statements are prepared once
    /// (`FixedStatement`); nil elsewhere.
    private var prepared: PostgresConnection?
    /// SQLite: the connection `db` runs on, where the writer binds its values itself (`sqlite(_:_:)`); nil elsewhere.
    private let lite: (any SQLiteDatabase)?
    private var logger = Self.logger
    /// Made once: a writer is made for every group.
    private static let logger = Logger(label: "guichet.intake")

    /// `sqlite`: the SQLite connection under `db`, when `db` does not say (the intake writer's own connection);
    /// a connection of the pool does.
    init(db: any SQLDatabase, sqlite: (any SQLiteDatabase)? = nil) {
        self.db = db
        lite = sqlite ?? db as? any SQLiteDatabase
    }

    /// What a group's transaction did, and what it leaves for after the commit.
    struct Written {
        var results: [Result<IntakeOutcome, any Error>]
        /// PostgreSQL: the organisations that took contacts in the group. Once the group has committed, each
        /// has an ACD round (`ContactCentreStore.round`), which starts by reading the agents' room — read after
        /// the commit, it needs no lock: a change that frees room and commits before this read is seen by it;
        /// one that commits after it is followed by a round of its own that reads after it, hence after this
        /// group's commit, and offers its contacts.
        var rounds: [UUID] = []
        var now: Date
    }

    /// Takes the group: one result per contact, in order. With `dispatch`, the ACD then runs for each
    /// organisation: on SQLite at once, inside the group's transaction (writers take turns anyway); on
    /// PostgreSQL after the commit (`Written.rounds`) — groups on other connections and instances are written
    /// at the same time.
    static func write(
        _ items: [PendingIntake], dispatch: Bool, on db: any SQLDatabase, sqlite: (any SQLiteDatabase)? = nil
    ) async throws -> Written {
        var writer = IntakeWriter(db: db, sqlite: sqlite)
        try await writer.loadKnown(items)
        let results = try await writer.takeAll(items)
        try await writer.flush()
        let now = items.map(\.now).max() ?? Date()
        var assignments: [UUID: AssignmentRecord] = [:]
        var afterCommit: [UUID] = []
        if dispatch {
            let media = Self.media(of: items, taken: results)
            if ContactCentreStore.isPostgres(db) {
                afterCommit = Self.organisations(in: media)
            } else {
                for organisation in Self.organisations(in: media)
                where try await ContactCentreStore.hasRoom(
                    db, organisation: organisation, for: media[organisation] ?? [])
                {
                    // Without room for the group's contacts, a round could offer nothing: whoever makes room runs one.
                    for assignment in try await ContactCentreStore.dispatch(
                        db, sqlite: writer.lite, organisation: organisation, now: now)
                    {
                        assignments[assignment.contactID] = assignment
                    }
                }
            }
        }
        let outcomes = results.map { result in
            result.map { record in
                var record = record
                record.customerID = record.customerID.map(writer.kept)
                return IntakeOutcome(contact: record, assignment: assignments[record.id])
            }
        }
        return Written(results: outcomes, rounds: afterCommit, now: now)
    }

    /// PostgreSQL, the common group in two statements and no transaction: the first reads the identities and
    /// channel ids the group carries (none, when it carries neither), the second inserts every row and commits
    /// as it ends. No lock: the rounds run after the commit (`Written.rounds`).
    ///
    /// Nil, with nothing written, when the group needs several statements (a merge, a stored customer's
    /// name or attributes, a message with attachments): the caller then writes it in a transaction.
    static func writeWithoutTransaction(
        _ items: [PendingIntake], on connection: PostgresConnection, logger: Logger
    ) async throws -> Written? {
        var writer = IntakeWriter(db: connection.sql())
        writer.prepared = connection
        writer.logger = logger
        writer.writesAllowed = false
        try await writer.loadKnown(items)
        let results: [Result<ContactRecord, any Error>]
        do {
            results = try await writer.takeAll(items)
        } catch is NeedsTransaction {
            return nil
        }
        guard writer.buffered.changes.isEmpty,
            writer.buffered.messages.allSatisfy({ ContactCentreStore.isPlain($0.message) })
        else { return nil }
        if !writer.buffered.contacts.isEmpty {
            _ = try await writer.takeInsert().insert.rows(on: connection, logger: logger)
        }
        let outcomes = results.map { result in
            result.map { IntakeOutcome(contact: $0, assignment: nil) }
        }
        return Written(
            results: outcomes, rounds: Self.organisations(in: Self.media(of: items, taken: results)),
            now: items.map(\.now).max() ?? Date())
    }

    /// Each contact of the group in turn, refused alone when its channel id is taken.
    private mutating func takeAll(_ items: [PendingIntake]) async throws -> [Result<ContactRecord, any Error>] {
        var results: [Result<ContactRecord, any Error>] = []
        for item in items {
            if let conflict = claimRef(of: item) {
                results.append(.failure(conflict))
            } else {
                results.append(.success(try await take(item)))
            }
        }
        return results
    }

    /// Organisations in a fixed order (rounds and locks are taken in it).
    private static func organisations(in media: [UUID: Set<Medium>]) -> [UUID] {
        media.keys.sorted { $0.uuidString < $1.uuidString }
    }

    /// The media of the contacts taken, per organisation: what an agent must have room for to call a round.
    private static func media(
        of items: [PendingIntake], taken results: [Result<ContactRecord, any Error>]
    ) -> [UUID: Set<Medium>] {
        var media: [UUID: Set<Medium>] = [:]
        for (item, result) in zip(items, results) where (try? result.get()) != nil {
            media[item.organisation, default: []].insert(item.contact.medium)
        }
        return media
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

    /// Reads the channel ids already taken and the owners of every identity the group carries: on PostgreSQL in
    /// one statement (`loadKnownInOneStatement`), on SQLite a few.
    private mutating func loadKnown(_ items: [PendingIntake]) async throws {
        if ContactCentreStore.isPostgres(db) {
            return try await loadKnownInOneStatement(items)
        }
        for (organisation, group) in Dictionary(grouping: items, by: \.organisation) {
            let org = SQLiteData.text(organisation.uppercaseText)
            let refs = Array(Set(group.compactMap(\.contact.externalRef)))
            for chunk in refs.chunked(ContactCentreStore.rowsPerStatement) {
                for row in try await sqlite(
                    """
                    SELECT medium, external_ref FROM contacts WHERE organisation_id = ? \
                    AND external_ref IN (\(Self.parameters(chunk.count)))
                    """, [org] + chunk.map { .text($0) })
                {
                    takenRefs.insert(
                        RefKey(
                            organisation: organisation, medium: try row.decode(column: "medium", as: String.self),
                            ref: try row.decode(column: "external_ref", as: String.self)))
                }
            }
            let identities = Set(group.flatMap(\.contact.identities)).map(\.stored)
            for (kind, values) in Dictionary(grouping: identities, by: { $0.kind }) {
                for chunk in values.map({ $0.value }).chunked(ContactCentreStore.rowsPerStatement) {
                    for row in try await sqlite(
                        """
                        SELECT value, customer_id FROM customer_identities WHERE organisation_id = ? AND kind = ? \
                        AND value IN (\(Self.parameters(chunk.count)))
                        """, [org, .text(kind)] + chunk.map { .text($0) })
                    {
                        let key = IdentityKey(
                            organisation: organisation, kind: kind,
                            value: try row.decode(column: "value", as: String.self))
                        owners[key] = try row.decode(column: "customer_id", as: UUID.self)
                    }
                }
            }
        }
    }

    /// PostgreSQL, one statement (`IntakeLookup`; none when the group carries no identity and no channel id): what
    /// `loadKnown` reads.
    private mutating func loadKnownInOneStatement(_ items: [PendingIntake]) async throws {
        var refs: Set<RefKey> = []
        var identities: Set<IdentityKey> = []
        for item in items {
            if let ref = item.contact.externalRef {
                refs.insert(RefKey(organisation: item.organisation, medium: item.contact.medium.rawValue, ref: ref))
            }
            for identity in item.contact.identities.map(\.stored) {
                identities.insert(
                    IdentityKey(organisation: item.organisation, kind: identity.kind, value: identity.value))
            }
        }
        guard !refs.isEmpty || !identities.isEmpty else { return }
        let lookup = IntakeLookup(
            refs: refs.map { ($0.organisation, $0.medium, $0.ref) },
            identities: identities.map { ($0.organisation, $0.kind, $0.value) })
        let rows =
            if let prepared { try await lookup.rows(on: prepared, logger: logger) } else {
                try await db.raw(lookup.query).all()
            }
        for row in rows {
            switch try row.decode(column: "part", as: String.self) {
            case "ref":
                takenRefs.insert(
                    RefKey(
                        organisation: try row.decode(column: "organisation_id", as: UUID.self),
                        medium: try row.decode(column: "a", as: String.self),
                        ref: try row.decode(column: "b", as: String.self)))
            case "identity":
                let key = IdentityKey(
                    organisation: try row.decode(column: "organisation_id", as: UUID.self),
                    kind: try row.decode(column: "a", as: String.self),
                    value: try row.decode(column: "b", as: String.self))
                owners[key] = try row.decode(column: "owner", as: UUID.self)
            default: break
            }
        }
    }

    /// One contact: its customer, its record, its first log lines and message, all buffered.
    private mutating func take(_ item: PendingIntake) async throws -> ContactRecord {
        let new = item.contact
        let org = item.organisation
        let id = UUID.rowID()
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
            customer = UUID.rowID()
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
            guard writesAllowed else { throw NeedsTransaction() }
            try await flush()
            customer =
                try await ContactCentreStore.identify(
                    db, organisation: item.organisation, identities: new.identities, displayName: new.displayName,
                    attributes: new.customerAttributes, actor: new.actor, context: context, now: item.now)
                ?? UUID.rowID()
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

    /// `count` SQLite parameters, for an `IN (…)` list.
    private static func parameters(_ count: Int) -> String {
        repeatElement("?", count: count).joined(separator: ", ")
    }

    /// SQLite: a statement's rows, its `?` parameters given in SQLite's own form: bound directly on the connection
    /// (no SQLKit serialisation, no `Encodable`), or through SQLKit when the writer does not have the connection.
    private func sqlite(_ sql: String, _ binds: [SQLiteData]) async throws -> [any SQLRow] {
        if let lite { return try await lite.query(sql, binds).map { $0.sql() } }
        return try await db.raw("\(NumberedSQL(sql, sqlite: binds))").all()
    }

    /// Writes everything buffered, parents before children: on PostgreSQL in one statement (`IntakeInsert`), on
    /// SQLite one multi-row INSERT per table (`IntakeInsert.sqliteStatements`); then the messages that must be
    /// written one by one (those with attachments or mail references).
    private mutating func flush() async throws {
        let changes = buffered.changes
        let (insert, oneByOne) = takeInsert()
        try await apply(changes)
        if !insert.isEmpty {
            if ContactCentreStore.isPostgres(db) {
                try await db.raw(insert.query).run()
            } else {
                for statement in insert.sqliteStatements { _ = try await sqlite(statement.sql, statement.binds) }
            }
        }
        for entry in oneByOne {
            _ = try await ContactCentreStore.insertMessage(
                db, organisation: entry.organisation, contact: entry.contact, entry.message, at: entry.at)
        }
    }

    /// Everything buffered, as one statement whose text never changes (`IntakeInsert`: one INSERT per table, each
    /// column bound as one array), and the first messages it leaves to be written one by one (those with attachments
    /// or mail references, `ContactCentreStore.isPlain`). The buffer is emptied; customer changes are left to the
    /// caller.
    private mutating func takeInsert() -> (insert: IntakeInsert, oneByOne: [ContactCentreStore.FirstMessage]) {
        let rows = buffered
        buffered = Buffered()
        let customers = rows.customers
        let identities = rows.identities
        let contacts = rows.contacts.map(\.record)
        let events = rows.events
        let messages = rows.messages.filter { ContactCentreStore.isPlain($0.message) }
        var insert = IntakeInsert()
        insert.values = [
            .uuids(customers.map(\.id)), .uuids(customers.map(\.organisation)),
            .optionalTexts(customers.map(\.displayName)),
            .texts(customers.map { ContactCentreStore.json($0.attributes) }), .dates(customers.map(\.at)),

            .uuids(identities.map { _ in UUID.rowID() }), .uuids(identities.map(\.key.organisation)),
            .uuids(identities.map(\.customer)), .texts(identities.map(\.key.kind)),
            .texts(identities.map(\.key.value)), .dates(identities.map(\.at)),

            .uuids(contacts.map(\.id)), .optionalUUIDs(contacts.map(\.customerID)),
            .texts(contacts.map(\.medium.rawValue)), .optionalTexts(contacts.map(\.entryPoint)),
            .optionalTexts(contacts.map(\.externalRef)), .texts(contacts.map(\.subject)),
            .optionalTexts(contacts.map(\.motif)), .optionalTexts(contacts.map(\.motifRule)),
            .optionalTexts(contacts.map(\.routeRule)), .texts(contacts.map(\.routeReason)),
            .texts(contacts.map(\.queue)), .integers(contacts.map(\.priority)),
            .texts(contacts.map { ContactCentreStore.json($0.skills) }), .dates(contacts.map(\.createdAt)),
            .dates(contacts.map(\.enqueuedAt)), .dates(contacts.map(\.updatedAt)),
            .uuids(rows.contacts.map(\.organisation)),

            .uuids(events.map { _ in UUID.rowID() }), .uuids(events.map(\.organisation)),
            .uuids(events.map(\.contact)), .integers(events.map(\.seq)), .texts(events.map(\.kind.rawValue)),
            .dates(events.map(\.at)), .optionalTexts(events.map(\.actor)), .optionalTexts(events.map(\.queue)),
            .optionalTexts(events.map { $0.reason.map { String($0.prefix(1000)) } }),

            .uuids(messages.map { _ in UUID.rowID() }), .uuids(messages.map(\.organisation)),
            .uuids(messages.map(\.contact)), .texts(messages.map(\.message.direction.rawValue)),
            .texts(messages.map { String($0.message.author.prefix(320)) }),
            .optionalTexts(messages.map { $0.message.subject.map { String($0.prefix(500)) } }),
            .texts(messages.map(\.message.body)), .optionalTexts(messages.map(\.message.delivery)),
            .dates(messages.map(\.at)),
        ]
        return (insert, rows.messages.filter { !ContactCentreStore.isPlain($0.message) })
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
