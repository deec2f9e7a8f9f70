import Fluent
import SQLKit

/// 004: what the ACD reads at every dispatch, kept so it costs the same whatever the backlog.
/// - `acd_agent_loads`: contacts each agent holds per medium (offered, in progress, on hold, in wrap-up),
///   maintained by the two writes that change who holds a contact (an offer, an event), instead of counted
///   over every held contact at each dispatch. Filled from the contacts as they stand.
/// - `contacts_queue_order`: waiting contacts in the order they are served (priority first, then waiting
///   time), so a dispatch reads one page of them instead of sorting the whole queue.
struct AddAgentLoads: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("acd_agent_loads")
            .field("agent_id", .uuid, .required, .references("acd_agents", "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references("organisations", "id", onDelete: .cascade))
            .field("medium", .string, .required)
            .field("held", .int, .required)
            .compositeIdentifier(over: "agent_id", "medium")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            INSERT INTO acd_agent_loads (agent_id, organisation_id, medium, held)
            SELECT agent_id, organisation_id, medium, COUNT(*) FROM contacts
            WHERE agent_id IS NOT NULL AND state IN ('offered', 'in_progress', 'on_hold', 'wrap_up')
            GROUP BY agent_id, organisation_id, medium
            """
        ).run()
        try await sql.raw("CREATE INDEX acd_agent_loads_organisation ON acd_agent_loads (organisation_id)").run()
        try await sql.raw(
            "CREATE INDEX contacts_queue_order ON contacts (organisation_id, state, priority DESC, enqueued_at, id)"
        ).run()
        try await sql.raw("DROP INDEX contacts_waiting").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.raw(
                "CREATE INDEX contacts_waiting ON contacts (organisation_id, state, priority, enqueued_at)"
            ).run()
            try await sql.raw("DROP INDEX contacts_queue_order").run()
        }
        try await database.schema("acd_agent_loads").delete()
    }
}
