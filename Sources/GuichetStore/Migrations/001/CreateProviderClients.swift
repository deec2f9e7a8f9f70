import Fluent

struct CreateProviderClients: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ProviderClient.schema)
            .id()
            .field("provider_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("brand_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "provider_id", "brand_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ProviderClient.schema).delete()
    }
}
