import Fluent
import Foundation
import GuichetCore

/// One role held by one user in one organisation.
public final class Membership: Model, @unchecked Sendable {
    public static let schema = "memberships"

    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    @Parent(key: "user_id") public var user: User
    @Parent(key: "organisation_id") public var organisation: Organisation
    @Field(key: "role") public var role: Role

    public init() {}

    public init(id: UUID? = nil, userID: UUID, organisationID: UUID, role: Role) {
        self.id = id
        self.$user.id = userID
        self.$organisation.id = organisationID
        self.role = role
    }
}

extension Membership: OrganisationOwned {
    public static func owned(by organisationID: UUID, on database: any Database) -> QueryBuilder<Membership> {
        Membership.query(on: database).filter(\.$organisation.$id == organisationID)
    }
}
