import Foundation
import GuichetCore
import SQLKit

extension CustomerIdentity {
    /// Stored as a kind and a normalised value, unique per organisation.
    public var stored: (kind: String, value: String) {
        switch self {
        case .phone(let number): return ("phone", number)
        case .email(let address): return ("email", address)
        case .social(let network, let handle): return ("social", "\(network):\(handle)")
        }
    }

    public init?(storedKind kind: String, value: String) {
        switch kind {
        case "phone": self = .phone(value)
        case "email": self = .email(value)
        case "social":
            guard let colon = value.firstIndex(of: ":") else { return nil }
            self = .social(network: String(value[..<colon]), handle: String(value[value.index(after: colon)...]))
        default: return nil
        }
    }
}

public struct CustomerMergeRecord: Codable, Sendable, Hashable {
    public var keptID: UUID
    public var absorbedID: UUID
    public var movedIdentities: [String]
    public var movedContacts: Int
    public var mergedBy: String
    public var reason: String
    public var at: Date
}

extension ContactCentreStore {
    /// Finds the customer these identities belong to, creating them when new. When the identities belong
    /// to several customers, they are the same person: merged into the oldest record, with an audit entry.
    static func identify(
        _ db: any SQLDatabase, organisation: UUID, identities: [CustomerIdentity], displayName: String?,
        attributes: [String: String], actor: String, context: String, now: Date
    ) async throws -> UUID? {
        guard !identities.isEmpty else { return nil }
        var found: [(customer: UUID, identity: CustomerIdentity)] = []
        for identity in Set(identities) {
            let (kind, value) = identity.stored
            if let row = try await db.raw(
                """
                SELECT customer_id FROM customer_identities
                WHERE organisation_id = \(bind: organisation) AND kind = \(bind: kind) AND value = \(bind: value)
                """
            ).first() {
                found.append((try row.decode(column: "customer_id", as: UUID.self), identity))
            }
        }
        let owners = Array(Set(found.map(\.customer)))
        let customer: UUID
        if owners.isEmpty {
            customer = UUID.rowID()
            try await db.raw(
                """
                INSERT INTO customers (id, organisation_id, display_name, attributes_json, created_at)
                VALUES (\(bind: customer), \(bind: organisation), \(bind: displayName), \(bind: json(attributes)), \(bind: now))
                """
            ).run()
        } else {
            var kept = owners[0]
            if owners.count > 1 {
                kept = try await merge(
                    db, organisation: organisation, customers: owners, by: actor,
                    reason: "identities given together in \(context)", now: now)
            }
            customer = kept
            if !attributes.isEmpty || displayName != nil {
                let row = try await db.raw(
                    "SELECT display_name, attributes_json FROM customers WHERE id = \(bind: customer)"
                ).first()
                var known = try decode(
                    [String: String].self, row?.decode(column: "attributes_json", as: String.self) ?? "{}")
                let knownName = try row?.decode(column: "display_name", as: String?.self)
                let merged = known.merging(attributes) { _, new in new }
                if merged != known || (knownName == nil && displayName != nil) {
                    known = merged
                    try await db.raw(
                        """
                        UPDATE customers SET attributes_json = \(bind: json(known)),
                        display_name = \(bind: knownName ?? displayName) WHERE id = \(bind: customer)
                        """
                    ).run()
                }
            }
        }
        let known = Set(found.map(\.identity))
        for identity in Set(identities).subtracting(known).sorted(by: { $0.description < $1.description }) {
            let (kind, value) = identity.stored
            try await db.raw(
                """
                INSERT INTO customer_identities (id, organisation_id, customer_id, kind, value, created_at)
                VALUES (\(bind: UUID.rowID()), \(bind: organisation), \(bind: customer), \(bind: kind), \(bind: value), \(bind: now))
                """
            ).run()
        }
        return customer
    }

    /// Merges customers into the oldest one: identities and contacts move, the others are marked absorbed.
    static func merge(
        _ db: any SQLDatabase, organisation: UUID, customers: [UUID], by actor: String, reason: String, now: Date
    ) async throws -> UUID {
        var records: [(id: UUID, createdAt: Date, identities: Set<CustomerIdentity>, contacts: [String])] = []
        for id in customers {
            guard
                let row = try await db.raw(
                    "SELECT created_at FROM customers WHERE organisation_id = \(bind: organisation) AND id = \(bind: id) AND merged_into IS NULL"
                ).first()
            else { throw ContactCentreError.unknownCustomer(id.uuidString) }
            let identities = try await db.raw(
                "SELECT kind, value FROM customer_identities WHERE customer_id = \(bind: id)"
            ).all().compactMap {
                CustomerIdentity(
                    storedKind: try $0.decode(column: "kind", as: String.self),
                    value: try $0.decode(column: "value", as: String.self))
            }
            let contacts = try await db.raw("SELECT id FROM contacts WHERE customer_id = \(bind: id)").all().map {
                try $0.decode(column: "id", as: UUID.self).uuidString
            }
            records.append((id, try row.decode(column: "created_at", as: Date.self), Set(identities), contacts))
        }
        records.sort { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
        let kept = records[0]
        for absorbed in records.dropFirst() {
            let plan = try CustomerMerge.plan(
                (kept.id.uuidString, kept.createdAt, kept.identities, kept.contacts),
                (absorbed.id.uuidString, absorbed.createdAt, absorbed.identities, absorbed.contacts),
                by: actor, at: now, reason: reason)
            try await db.raw(
                "UPDATE customer_identities SET customer_id = \(bind: kept.id) WHERE customer_id = \(bind: absorbed.id)"
            ).run()
            try await db.raw(
                "UPDATE contacts SET customer_id = \(bind: kept.id) WHERE customer_id = \(bind: absorbed.id)"
            )
            .run()
            try await db.raw("UPDATE customers SET merged_into = \(bind: kept.id) WHERE id = \(bind: absorbed.id)")
                .run()
            try await db.raw(
                """
                INSERT INTO customer_merges (id, organisation_id, kept_id, absorbed_id, merge_json, merged_by, reason, at)
                VALUES (\(bind: UUID.rowID()), \(bind: organisation), \(bind: kept.id), \(bind: absorbed.id), \(bind: json(plan)), \(bind: actor), \(bind: reason), \(bind: now))
                """
            ).run()
        }
        return kept.id
    }

    /// Merges two customer records a supervisor found to be the same person.
    public func mergeCustomers(
        _ first: UUID, _ second: UUID, by actor: String, reason: String, now: Date = Date()
    )
        async throws -> UUID
    {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else {
            throw ValidationFailure(
                pointer: "/reason", "say why these records are the same person (1 to 500 characters)")
        }
        guard first != second else { throw ValidationFailure(pointer: "/customers", "a customer cannot absorb itself") }
        let org = organisationID
        return try await transaction { db in
            try await Self.merge(
                db, organisation: org, customers: [first, second], by: actor, reason: reason, now: now)
        }
    }

    public func customer(_ id: UUID) async throws -> CustomerRecord? {
        guard
            let row = try await sql.raw(
                """
                SELECT id, display_name, attributes_json, merged_into, created_at FROM customers
                WHERE organisation_id = \(bind: organisationID) AND id = \(bind: id)
                """
            ).first()
        else { return nil }
        // An absorbed record leads to the one that kept its history.
        if let kept = try row.decode(column: "merged_into", as: UUID?.self) { return try await customer(kept) }
        let identities = try await sql.raw(
            "SELECT kind, value FROM customer_identities WHERE customer_id = \(bind: id) ORDER BY kind, value"
        ).all().compactMap {
            CustomerIdentity(
                storedKind: try $0.decode(column: "kind", as: String.self),
                value: try $0.decode(column: "value", as: String.self))
        }
        return CustomerRecord(
            id: id, displayName: try row.decode(column: "display_name", as: String?.self),
            attributes: try Self.decode([String: String].self, row.decode(column: "attributes_json", as: String.self)),
            identities: identities, createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    /// The customer known under this identity, if any.
    public func customer(identity: CustomerIdentity) async throws -> CustomerRecord? {
        let (kind, value) = identity.stored
        guard
            let row = try await sql.raw(
                """
                SELECT customer_id FROM customer_identities
                WHERE organisation_id = \(bind: organisationID) AND kind = \(bind: kind) AND value = \(bind: value)
                """
            ).first()
        else { return nil }
        return try await customer(try row.decode(column: "customer_id", as: UUID.self))
    }

    /// Customers whose name or identity contains `text`, newest first.
    public func searchCustomers(_ text: String, limit: Int = 50) async throws -> [CustomerRecord] {
        let pattern =
            "%" + text.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
            + "%"
        let rows = try await sql.raw(
            """
            SELECT DISTINCT c.id, c.created_at FROM customers c LEFT JOIN customer_identities i ON i.customer_id = c.id
            WHERE c.organisation_id = \(bind: organisationID) AND c.merged_into IS NULL
            AND (LOWER(COALESCE(c.display_name, '')) LIKE \(bind: pattern) OR i.value LIKE \(bind: pattern))
            ORDER BY c.created_at DESC LIMIT \(bind: limit)
            """
        ).all()
        var result: [CustomerRecord] = []
        for row in rows {
            if let customer = try await customer(try row.decode(column: "id", as: UUID.self)) {
                result.append(customer)
            }
        }
        return result
    }

    public func merges(of customer: UUID) async throws -> [CustomerMergeRecord] {
        try await sql.raw(
            """
            SELECT kept_id, absorbed_id, merge_json, merged_by, reason, at FROM customer_merges
            WHERE organisation_id = \(bind: organisationID) AND (kept_id = \(bind: customer) OR absorbed_id = \(bind: customer))
            ORDER BY at
            """
        ).all().map { row in
            let plan = try Self.decode(CustomerMerge.self, row.decode(column: "merge_json", as: String.self))
            return CustomerMergeRecord(
                keptID: try row.decode(column: "kept_id", as: UUID.self),
                absorbedID: try row.decode(column: "absorbed_id", as: UUID.self),
                movedIdentities: plan.movedIdentities.map(\.description), movedContacts: plan.movedContacts.count,
                mergedBy: try row.decode(column: "merged_by", as: String.self),
                reason: try row.decode(column: "reason", as: String.self),
                at: try row.decode(column: "at", as: Date.self))
        }
    }
}
