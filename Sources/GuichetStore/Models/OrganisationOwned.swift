import Fluent
import Foundation
import Synchronization

/// Tenant data: a model that belongs to one organisation.
///
/// Queries on such models go through `TenantScope`, never `Model.query(on:)` directly, so that the
/// organisation filter lives in one place.
public protocol OrganisationOwned: Model {
    /// All rows of this model owned by `organisationID`.
    static func owned(by organisationID: UUID, on database: any Database) -> QueryBuilder<Self>
}

/// The organisation a request acts for, and the roles the caller holds there.
///
/// Created only after membership has been checked; the sole way to reach tenant data.
public struct TenantScope: Sendable {
    public let organisationID: UUID
    private let source: DatabaseSource

    /// The database the scope's queries run on, made the first time it is asked for.
    public var database: any Database { source.database }

    public init(organisationID: UUID, database: any Database) {
        self.organisationID = organisationID
        self.source = DatabaseSource(made: database)
    }

    /// A scope whose database is made only if a query needs it: a request's `db` costs a lookup and an
    /// allocation or two (5 % of an intake request's CPU), and contact intake does not use it.
    public init(organisationID: UUID, lazyDatabase make: @escaping @Sendable () -> any Database) {
        self.organisationID = organisationID
        self.source = DatabaseSource(make: make)
    }

    /// A query over the rows of `type` that belong to this organisation.
    public func query<M: OrganisationOwned>(_ type: M.Type) -> QueryBuilder<M> {
        M.owned(by: organisationID, on: database)
    }

    /// The row of `type` with `id`, if it belongs to this organisation.
    public func find<M: OrganisationOwned>(_ type: M.Type, _ id: UUID) async throws -> M?
    where M.IDValue == UUID {
        try await query(type).filter(\._$id == id).first()
    }
}

/// Makes a scope's database once, on first use.
private final class DatabaseSource: Sendable {
    private let make: @Sendable () -> any Database
    private let made: Mutex<(any Database)?>

    init(made database: any Database) {
        self.make = { database }
        self.made = Mutex(database)
    }

    init(make: @escaping @Sendable () -> any Database) {
        self.make = make
        self.made = Mutex(nil)
    }

    var database: any Database {
        made.withLock { made in
            if let made { return made }
            let database = make()
            made = database
            return database
        }
    }
}
