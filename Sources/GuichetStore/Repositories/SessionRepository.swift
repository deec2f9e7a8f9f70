import Fluent
import Foundation

/// Browser sessions in the database, shared by every Guichet instance.
public struct SessionRepository: Sendable {
    public let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Starts a session; returns it with the cookie secret (only its digest is stored).
    public func create(
        userID: UUID?, language: String?, lifetime: TimeInterval, now: Date
    ) async throws
        -> (session: WebSession, secret: String)
    {
        let secret = Secrets.random(bytes: 32)
        let session = WebSession(
            tokenHash: Secrets.digest(secret), userID: userID, csrfToken: Secrets.random(bytes: 24),
            language: language, expiresAt: now.addingTimeInterval(lifetime))
        try await session.create(on: database)
        return (session, secret)
    }

    /// The unexpired session for a cookie secret, or nil.
    public func find(secret: String, now: Date) async throws -> WebSession? {
        guard secret.count < 200 else { return nil }
        return try await WebSession.query(on: database)
            .filter(\.$tokenHash == Secrets.digest(secret))
            .filter(\.$expiresAt > now)
            .first()
    }

    public func save(_ session: WebSession) async throws {
        try await session.save(on: database)
    }

    public func delete(_ session: WebSession) async throws {
        try await session.delete(on: database)
    }

    /// Deletes expired sessions; returns how many.
    @discardableResult
    public func purgeExpired(now: Date) async throws -> Int {
        let expired = WebSession.query(on: database).filter(\.$expiresAt <= now)
        let count = try await expired.count()
        if count > 0 { try await WebSession.query(on: database).filter(\.$expiresAt <= now).delete() }
        return count
    }
}

/// Failed sign-ins, counted per email and per client address over a sliding window.
public struct LoginFailureRepository: Sendable {
    public let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func record(email: String, clientAddress: String, at now: Date) async throws {
        try await LoginFailure(email: email, clientAddress: clientAddress, failedAt: now).create(on: database)
    }

    public func failures(email: String, since: Date) async throws -> Int {
        try await LoginFailure.query(on: database).filter(\.$email == email).filter(\.$failedAt > since).count()
    }

    public func failures(clientAddress: String, since: Date) async throws -> Int {
        try await LoginFailure.query(on: database)
            .filter(\.$clientAddress == clientAddress).filter(\.$failedAt > since).count()
    }

    /// The oldest failure for `email` still inside the window: when it leaves, one more try is allowed.
    public func oldestFailure(email: String, since: Date) async throws -> Date? {
        try await LoginFailure.query(on: database)
            .filter(\.$email == email).filter(\.$failedAt > since)
            .sort(\.$failedAt).first()?.failedAt
    }

    /// Forgets the failures of an email after a successful sign-in, and everything past the window.
    public func clear(email: String, olderThan cutoff: Date) async throws {
        try await LoginFailure.query(on: database).filter(\.$email == email).delete()
        try await LoginFailure.query(on: database).filter(\.$failedAt <= cutoff).delete()
    }
}
