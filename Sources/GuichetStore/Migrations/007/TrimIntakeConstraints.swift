import Fluent
import SQLKit

/// 007 — less work per contact written, for the same guarantees.
///
/// * PostgreSQL: a contact's events and messages, and a customer's identities, carry `organisation_id` for
///   tenant-scoped reads, and each had a foreign key on it besides the one on their parent (`contact_id`,
///   `customer_id`), whose row carries the same organisation. Every row inserted paid both checks — four of the
///   eleven a contact cost — for nothing the parent's key does not already give: an organisation's
///   deletion reaches them through their parent (`ON DELETE CASCADE` all the way), and they are only ever
///   written with their parent's organisation (`IntakeWriter`, `ContactCentreStore`). SQLite keeps them: it
///   cannot drop a constraint without copying the table, and its checks are one index probe each.
/// * Both: the index that finds a mail's thread by `message_ref` now holds only messages that have one (mail);
///   a chat line or a form's text no longer adds an entry. Lookups (`message_ref = ?`) still use it.
struct TrimIntakeConstraints: AsyncMigration {
    static let redundant = [
        ("contact_events", "contact_events_organisation_id_fkey"),
        ("contact_messages", "contact_messages_organisation_id_fkey"),
        ("customer_identities", "customer_identities_organisation_id_fkey"),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if ContactCentreStore.isPostgres(sql) {
            for (table, constraint) in Self.redundant {
                try await sql.raw("ALTER TABLE \(ident: table) DROP CONSTRAINT IF EXISTS \(ident: constraint)").run()
            }
        }
        try await sql.raw("DROP INDEX contact_messages_ref").run()
        try await sql.raw(
            "CREATE INDEX contact_messages_ref ON contact_messages (organisation_id, message_ref) WHERE message_ref IS NOT NULL"
        ).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DROP INDEX contact_messages_ref").run()
        try await sql.raw("CREATE INDEX contact_messages_ref ON contact_messages (organisation_id, message_ref)").run()
        if ContactCentreStore.isPostgres(sql) {
            for (table, constraint) in Self.redundant {
                try await sql.raw(
                    """
                    ALTER TABLE \(ident: table) ADD CONSTRAINT \(ident: constraint) FOREIGN KEY (organisation_id) \
                    REFERENCES organisations (id) ON DELETE CASCADE
                    """
                ).run()
            }
        }
    }
}
