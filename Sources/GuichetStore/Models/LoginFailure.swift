import Fluent
import Foundation

/// A failed sign-in, kept for a while to slow down password guessing across all instances.
public final class LoginFailure: Model, @unchecked Sendable {
    public static let schema = "login_failures"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "client_address") public var clientAddress: String
    @Field(key: "failed_at") public var failedAt: Date

    public init() {}

    public init(email: String, clientAddress: String, failedAt: Date) {
        self.email = email
        self.clientAddress = clientAddress
        self.failedAt = failedAt
    }
}
