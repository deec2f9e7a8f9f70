import Fluent

/// 002: the award protocol (editions, participants, planned tests, evaluations and their audit).
struct CreateAwardTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AwardEditionRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, "id", onDelete: .cascade))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("state", .string, .required)
            .field("definition_json", .string, .required)
            .field("scorecards_json", .string)
            .field("plan_seed", .int64)
            .field("results_json", .string)
            .field("published_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organisation_id", "code")
            .create()
        try await database.schema(AwardParticipantRecord.schema)
            .id()
            .field("edition_id", .uuid, .required, .references(AwardEditionRecord.schema, "id", onDelete: .cascade))
            .field("company_code", .string, .required)
            .field("company_name", .string, .required)
            .field("category_code", .string, .required)
            .field("brand_organisation_id", .uuid, .references(Organisation.schema, "id", onDelete: .setNull))
            .unique(on: "edition_id", "company_code")
            .create()
        try await database.schema(AwardTestRecord.schema)
            .id()
            .field("edition_id", .uuid, .required, .references(AwardEditionRecord.schema, "id", onDelete: .cascade))
            .field("code", .string, .required)
            .field("company_code", .string, .required)
            .field("channel", .string, .required)
            .field("scheduled_at", .datetime, .required)
            .field("shopper_code", .string)
            .field("shopper_user_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("test_json", .string, .required)
            .unique(on: "edition_id", "code")
            .create()
        try await database.schema(AwardEvaluationRecord.schema)
            .id()
            .field("edition_id", .uuid, .required, .references(AwardEditionRecord.schema, "id", onDelete: .cascade))
            .field("test_code", .string, .required)
            .field("submitted_by", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("evaluation_json", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "edition_id", "test_code")
            .create()
        try await database.schema(AwardEvaluationAuditRecord.schema)
            .id()
            .field(
                "evaluation_id", .uuid, .required, .references(AwardEvaluationRecord.schema, "id", onDelete: .cascade)
            )
            .field("edited_by", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("edited_at", .datetime, .required)
            .field("before_json", .string, .required)
            .field("after_json", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [
            AwardEvaluationAuditRecord.schema, AwardEvaluationRecord.schema, AwardTestRecord.schema,
            AwardParticipantRecord.schema, AwardEditionRecord.schema,
        ] {
            try await database.schema(schema).delete()
        }
    }
}
