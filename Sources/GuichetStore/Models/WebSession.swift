import Fluent
import Foundation

/// A browser session. Kept in the database so that any Guichet instance can serve any request.
///
/// The cookie carries a random secret; only its SHA-256 is stored, so a database dump gives no
/// usable session. A new session (and secret) is issued at every sign-in.
public final class WebSession: Model, @unchecked Sendable {
    public static let schema = "web_sessions"

    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    @Field(key: "token_hash") public var tokenHash: String
    @OptionalParent(key: "user_id") public var user: User?
    /// Per-session secret echoed in every form (CSRF protection).
    @Field(key: "csrf_token") public var csrfToken: String
    /// "fr" or "en" once the person picked a language.
    @OptionalField(key: "language") public var language: String?
    @Field(key: "expires_at") public var expiresAt: Date

    public init() {}

    public init(tokenHash: String, userID: UUID?, csrfToken: String, language: String?, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.csrfToken = csrfToken
        self.language = language
        self.expiresAt = expiresAt
    }
}
