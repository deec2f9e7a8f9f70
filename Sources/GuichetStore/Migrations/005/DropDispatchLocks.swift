import Fluent

/// 005 — `acd_dispatch_locks` goes: an organisation's ACD rounds are now ordered by a PostgreSQL advisory lock
/// (`ContactCentreStore.lockDispatch`), which writes nothing (intake took it shared until it came to read the
/// agents' room after its commit instead); on SQLite every contact-centre transaction already holds the write
/// lock. Every instance must run this version or later.
struct DropDispatchLocks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("acd_dispatch_locks").delete()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("acd_dispatch_locks")
            .field(
                "organisation_id", .uuid, .identifier(auto: false),
                .references("organisations", "id", onDelete: .cascade)
            )
            .field("dispatched_at", .datetime)
            .create()
    }
}
