import Foundation
import GuichetCore
import SQLKit

/// Something a channel refused, kept for operators with its reason.
public struct RejectedInbound: Codable, Sendable, Hashable {
    public var channel: String
    public var reason: String
    public var excerpt: String
    public var at: Date
}

/// One contact in a customer's cross-channel history.
public struct HistoryEntry: Codable, Sendable, Hashable {
    public var contact: ContactRecord
    public var events: [ContactEventRecord]
    public var messages: [MessageRecord]
    /// Holds and transfers counted from the log (nil when the log cannot be replayed).
    public var holds: Int?
    public var transfers: Int?
}

extension ContactCentreStore {
    static func insertMessage(
        _ db: any SQLDatabase, organisation: UUID, contact: UUID, _ message: NewMessage, at: Date
    ) async throws -> UUID {
        let id = UUID.rowID()
        try await db.raw(
            """
            INSERT INTO contact_messages (id, organisation_id, contact_id, direction, author, subject, body, message_ref, delivery, at)
            VALUES (\(bind: id), \(bind: organisation), \(bind: contact), \(bind: message.direction.rawValue), \
            \(bind: String(message.author.prefix(320))), \(bind: message.subject.map { String($0.prefix(500)) }), \
            \(bind: message.body), \(bind: message.messageRef), \(bind: message.delivery), \(bind: at))
            """
        ).run()
        for attachment in message.attachments {
            try await db.raw(
                """
                INSERT INTO message_attachments (id, organisation_id, message_id, filename, content_type, size, data)
                VALUES (\(bind: UUID.rowID()), \(bind: organisation), \(bind: id), \(bind: attachment.filename.map { String($0.prefix(255)) }), \
                \(bind: String(attachment.contentType.prefix(255))), \(bind: attachment.data.count), \(bind: attachment.data))
                """
            ).run()
        }
        var refs: [(String, String)] = message.messageRef.map { [($0, "own")] } ?? []
        refs += Set(message.cites).subtracting(message.messageRef.map { [$0] } ?? []).sorted().map { ($0, "cited") }
        for (ref, kind) in refs where message.direction == .inbound || kind == "own" {
            try await db.raw(
                """
                INSERT INTO mail_refs (id, organisation_id, ref, kind, contact_id)
                VALUES (\(bind: UUID.rowID()), \(bind: organisation), \(bind: String(ref.prefix(998))), \(bind: kind), \(bind: contact))
                """
            ).run()
        }
        return id
    }

    typealias FirstMessage = (organisation: UUID, contact: UUID, message: NewMessage, at: Date)

    /// A message written with others in one statement (`IntakeInsert`): no attachment, no mail reference. Others
    /// are written by `insertMessage`, one at a time.
    static func isPlain(_ message: NewMessage) -> Bool {
        message.attachments.isEmpty && message.messageRef == nil && message.cites.isEmpty
    }

    /// Adds a message to an existing contact.
    public func addMessage(_ message: NewMessage, to contact: UUID, now: Date = Date()) async throws -> UUID {
        let org = organisationID
        return try await transaction { db in
            _ = try await Self.lockContact(db, organisation: org, id: contact, now: now)
            return try await Self.insertMessage(db, organisation: org, contact: contact, message, at: now)
        }
    }

    public func setDelivery(message: UUID, _ delivery: String) async throws {
        try await sql.raw(
            "UPDATE contact_messages SET delivery = \(bind: String(delivery.prefix(500))) WHERE organisation_id = \(bind: organisationID) AND id = \(bind: message)"
        ).run()
    }

    public func messages(of contact: UUID) async throws -> [MessageRecord] {
        let rows = try await sql.raw(
            """
            SELECT id, contact_id, direction, author, subject, body, message_ref, delivery, at FROM contact_messages
            WHERE organisation_id = \(bind: organisationID) AND contact_id = \(bind: contact) ORDER BY at, id
            """
        ).all()
        let attachments = try await sql.raw(
            """
            SELECT a.id, a.message_id, a.filename, a.content_type, a.size FROM message_attachments a
            JOIN contact_messages m ON m.id = a.message_id
            WHERE a.organisation_id = \(bind: organisationID) AND m.contact_id = \(bind: contact)
            """
        ).all()
        var byMessage: [UUID: [AttachmentSummary]] = [:]
        for row in attachments {
            byMessage[try row.decode(column: "message_id", as: UUID.self), default: []].append(
                AttachmentSummary(
                    id: try row.decode(column: "id", as: UUID.self),
                    filename: try row.decode(column: "filename", as: String?.self),
                    contentType: try row.decode(column: "content_type", as: String.self),
                    size: try row.decode(column: "size", as: Int.self)))
        }
        return try rows.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            return MessageRecord(
                id: id, contactID: try row.decode(column: "contact_id", as: UUID.self),
                direction: MessageRecord.Direction(rawValue: try row.decode(column: "direction", as: String.self))
                    ?? .inbound,
                author: try row.decode(column: "author", as: String.self),
                subject: try row.decode(column: "subject", as: String?.self),
                body: try row.decode(column: "body", as: String.self),
                messageRef: try row.decode(column: "message_ref", as: String?.self),
                delivery: try row.decode(column: "delivery", as: String?.self),
                at: try row.decode(column: "at", as: Date.self), attachments: byMessage[id] ?? [])
        }
    }

    public func attachment(_ id: UUID) async throws -> (summary: AttachmentSummary, data: Data)? {
        guard
            let row = try await sql.raw(
                """
                SELECT id, filename, content_type, size, data FROM message_attachments
                WHERE organisation_id = \(bind: organisationID) AND id = \(bind: id)
                """
            ).first()
        else { return nil }
        return (
            AttachmentSummary(
                id: id, filename: try row.decode(column: "filename", as: String?.self),
                contentType: try row.decode(column: "content_type", as: String.self),
                size: try row.decode(column: "size", as: Int.self)),
            try row.decode(column: "data", as: Data.self)
        )
    }

    /// What the threading rules need to know about earlier mail, for one incoming message.
    public func mailKnowledge(for message: MailMessage) async throws -> MailThreading.Known {
        var messages: [String: String] = [:]
        var citedBy: [String: String] = [:]
        let cited = Array(Set(message.inReplyTo + message.references))
        for ref in cited {
            // The message itself if stored; else a stored message that cites it too (a sibling reply).
            if let row = try await sql.raw(
                """
                SELECT contact_id, kind FROM mail_refs WHERE organisation_id = \(bind: organisationID) AND ref = \(bind: ref)
                ORDER BY kind DESC LIMIT 1
                """
            ).first() {
                let contact = try row.decode(column: "contact_id", as: UUID.self).uuidString
                if try row.decode(column: "kind", as: String.self) == "own" {
                    messages[ref] = contact
                } else {
                    citedBy[ref] = contact
                }
            }
        }
        if let own = message.messageID,
            let row = try await sql.raw(
                "SELECT contact_id FROM mail_refs WHERE organisation_id = \(bind: organisationID) AND ref = \(bind: own) LIMIT 1"
            ).first()
        {
            citedBy[own] = try row.decode(column: "contact_id", as: UUID.self).uuidString
        }
        var conversations: [MailThreading.Conversation] = []
        if let sender = message.from.first?.email {
            let rows = try await sql.raw(
                """
                SELECT c.id, c.subject, c.updated_at FROM contacts c JOIN customer_identities i ON i.customer_id = c.customer_id
                WHERE c.organisation_id = \(bind: organisationID) AND c.medium = 'email'
                AND i.organisation_id = \(bind: organisationID) AND i.kind = 'email' AND i.value = \(bind: sender)
                ORDER BY c.updated_at DESC LIMIT 50
                """
            ).all()
            for row in rows {
                conversations.append(
                    .init(
                        contactID: try row.decode(column: "id", as: UUID.self).uuidString, customerEmail: sender,
                        subject: MailThreading.normalisedSubject(try row.decode(column: "subject", as: String.self)),
                        lastMessageAt: try row.decode(column: "updated_at", as: Date.self)))
            }
        }
        return MailThreading.Known(messages: messages, citedBy: citedBy, conversations: conversations)
    }

    /// Whether a message with this reference was already stored (a redelivery).
    public func hasMessage(ref: String) async throws -> Bool {
        try await sql.raw(
            "SELECT id FROM contact_messages WHERE organisation_id = \(bind: organisationID) AND message_ref = \(bind: ref) LIMIT 1"
        ).first() != nil
    }

    /// Keeps what a channel refused, and why, so an operator can see it (never silently dropped).
    public func recordRejected(channel: String, reason: String, excerpt: String, now: Date = Date()) async throws {
        try await sql.raw(
            """
            INSERT INTO rejected_inbound (id, organisation_id, channel, reason, excerpt, at)
            VALUES (\(bind: UUID.rowID()), \(bind: organisationID), \(bind: channel), \(bind: String(reason.prefix(1000))), \
            \(bind: String(excerpt.prefix(2000))), \(bind: now))
            """
        ).run()
    }

    /// What channels refused for this brand, newest first.
    public func rejectedInbound(limit: Int = 100) async throws -> [RejectedInbound] {
        try await sql.raw(
            """
            SELECT channel, reason, excerpt, at FROM rejected_inbound WHERE organisation_id = \(bind: organisationID)
            ORDER BY at DESC LIMIT \(bind: limit)
            """
        ).all().map {
            RejectedInbound(
                channel: try $0.decode(column: "channel", as: String.self),
                reason: try $0.decode(column: "reason", as: String.self),
                excerpt: try $0.decode(column: "excerpt", as: String.self),
                at: try $0.decode(column: "at", as: Date.self))
        }
    }

    /// Every contact of a customer, on every channel, oldest first, with its log and messages.
    public func history(of customer: UUID) async throws -> [HistoryEntry] {
        let contacts = try await contacts(customer: customer, limit: 1000).reversed()
        var entries: [HistoryEntry] = []
        for contact in contacts {
            let events = try await events(of: contact.id)
            let timeline = try? ContactTimeline.replay(Self.coreEvents(contact, events))
            entries.append(
                HistoryEntry(
                    contact: contact, events: events, messages: try await messages(of: contact.id),
                    holds: timeline?.holds, transfers: timeline?.transfers))
        }
        return entries
    }

    /// The journey view of one customer: entry points touched, contacts with a hold or a transfer.
    public func journey(of customer: UUID) async throws -> JourneyView {
        let entries = try await history(of: customer)
        return JourneyView(
            customerID: customer.uuidString, contacts: entries.count,
            entryPointsTouched: Set(entries.compactMap(\.contact.entryPoint)).count,
            contactsWithHoldOrTransfer: entries.filter { ($0.holds ?? 0) > 0 || ($0.transfers ?? 0) > 0 }.count)
    }

    /// Indicators over the brand's contacts created in [from, to), recomputed from the log.
    public func summary(from: Date, to: Date, threshold: TimeInterval = 30) async throws -> ContactLogSummary {
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.contactColumns) FROM contacts WHERE organisation_id = \(bind: organisationID)
            AND created_at >= \(bind: from) AND created_at < \(bind: to)
            """
        ).all().map(Self.contact)
        var events: [ContactEvent] = []
        for contact in rows {
            events += Self.coreEvents(contact, try await self.events(of: contact.id))
        }
        return ContactLogReplay(events).summary(threshold: threshold)
    }
}
