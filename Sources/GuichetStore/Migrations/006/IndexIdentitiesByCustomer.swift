import Fluent
import SQLKit

/// 006 — a customer's identities found by customer: the customer page, a merge moving the absorbed record's
/// identities and a customer's deletion read them by `customer_id`, which only the table's scan could answer.
struct IndexIdentitiesByCustomer: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw(
            "CREATE INDEX customer_identities_customer ON customer_identities (customer_id)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX customer_identities_customer").run()
    }
}
