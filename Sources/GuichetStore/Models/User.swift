import Fluent
import Foundation

/// A person who signs in to Guichet. Roles are held per organisation through `Membership`.
public final class User: Model, @unchecked Sendable {
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    /// Trimmed and lowercased; unique.
    @Field(key: "email") public var email: String
    @Field(key: "display_name") public var displayName: String
    /// bcrypt hash (cost 12 in production).
    @Field(key: "password_hash") public var passwordHash: String

    @Children(for: \.$user) public var memberships: [Membership]

    public init() {}

    public init(id: UUID? = nil, email: String, displayName: String, passwordHash: String) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
    }
}
