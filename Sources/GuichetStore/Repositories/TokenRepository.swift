import Fluent
import Foundation
import GuichetCore

/// API tokens: created with a secret shown once, listed, revoked, and checked on every API call.
public struct TokenRepository: Sendable {
    public let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Every token secret starts with this, so a leaked one is easy to recognise in logs and scanners.
    public static let secretPrefix = "gch_"

    /// Creates a token for the user; returns the stored token and its secret (never stored).
    public func create(for userID: UUID, name: String) async throws -> (token: APIToken, secret: String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw ValidationFailure(pointer: "/name", "a token needs a name of 1 to 100 characters")
        }
        let secret = Self.secretPrefix + Secrets.random(bytes: 32)
        let token = APIToken(
            userID: userID, name: name, tokenHash: Secrets.digest(secret), prefix: String(secret.prefix(10)))
        try await token.create(on: database)
        return (token, secret)
    }

    /// The user's tokens, newest first, revoked ones included (marked).
    public func tokens(of userID: UUID) async throws -> [APIToken] {
        try await APIToken.query(on: database)
            .filter(\.$user.$id == userID)
            .sort(\.$createdAt, .descending)
            .all()
    }

    /// Revokes one of the user's tokens; false when the user has no such token.
    public func revoke(_ tokenID: UUID, of userID: UUID, now: Date) async throws -> Bool {
        guard
            let token = try await APIToken.query(on: database)
                .filter(\.$id == tokenID)
                .filter(\.$user.$id == userID)
                .first()
        else { return false }
        if token.revokedAt == nil {
            token.revokedAt = now
            try await token.save(on: database)
        }
        return true
    }

    /// The live token and its user for a presented secret, or nil.
    public func authenticate(secret: String, now: Date) async throws -> (APIToken, User)? {
        guard secret.hasPrefix(Self.secretPrefix), secret.count < 200 else { return nil }
        guard
            let token = try await APIToken.query(on: database)
                .filter(\.$tokenHash == Secrets.digest(secret))
                .filter(\.$revokedAt == nil)
                .with(\.$user)
                .first()
        else { return nil }
        // Recording every use would turn each read into a write; a minute's precision is enough.
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            token.lastUsedAt = now
            try await token.save(on: database)
        }
        return (token, token.user)
    }
}
