import Fluent
import Foundation

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
    public let database: any Database

    public init(organisationID: UUID, database: any Database) {
        self.organisationID = organisationID
        self.database = database
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
