import Fluent
import Foundation

/// A bearer token for `/api/v1`. Only its SHA-256 is stored; the secret is shown once, at creation.
public final class APIToken: Model, @unchecked Sendable {
    public static let schema = "api_tokens"

    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    @Parent(key: "user_id") public var user: User
    @Field(key: "name") public var name: String
    /// Hex SHA-256 of the secret; unique.
    @Field(key: "token_hash") public var tokenHash: String
    /// The first characters of the secret, so a person can tell tokens apart in a list.
    @Field(key: "prefix") public var prefix: String
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}

    public init(id: UUID? = nil, userID: UUID, name: String, tokenHash: String, prefix: String) {
        self.id = id
        self.$user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.prefix = prefix
    }
}
