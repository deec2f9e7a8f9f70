import Fluent

/// Every migration, in the order it runs. Append only: a landed migration is never edited.
public enum GuichetMigrations {
    public static var all: [any Migration] {
        [
            // 001: organisations, people, access.
            CreateOrganisations(),
            CreateProviderClients(),
            CreateUsers(),
            CreateMemberships(),
            CreateAPITokens(),
            CreateWebSessions(),
            CreateLoginFailures(),
            // 002: the award protocol.
            CreateAwardTables(),
            // 003: the single point of contact.
            CreateContactCentreTables(),
            // 004: agents' loads kept as counters; waiting contacts indexed in serving order.
            AddAgentLoads(),
            // 005: ACD rounds ordered by an advisory lock instead of a row.
            DropDispatchLocks(),
            // 006: identities indexed by customer.
            IndexIdentitiesByCustomer(),
            // 007: no second foreign key on organisation_id where the parent row carries it; mail-only ref index.
            TrimIntakeConstraints(),
        ]
    }
}
