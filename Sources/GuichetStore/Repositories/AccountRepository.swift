import Fluent
import Foundation
import GuichetCore
import Vapor

/// Organisations, people and their roles.
public struct AccountRepository: Sendable {
    public let database: any Database
    /// bcrypt cost for new password hashes.
    public let passwordCost: Int

    public init(database: any Database, passwordCost: Int = 12) {
        self.database = database
        self.passwordCost = passwordCost
    }

    // MARK: Organisations

    public func createOrganisation(
        name: String, kind: OrganisationKind, slug: String? = nil
    ) async throws
        -> Organisation
    {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw ValidationFailure(pointer: "/name", "an organisation needs a name of 1 to 200 characters")
        }
        let slug = slug ?? InputRules.slug(trimmed)
        guard !slug.isEmpty else {
            throw ValidationFailure(pointer: "/slug", "cannot derive an identifier from '\(trimmed)'")
        }
        if try await organisation(slug: slug) != nil {
            throw ValidationFailure(pointer: "/slug", "an organisation with identifier '\(slug)' already exists")
        }
        let organisation = Organisation(name: trimmed, slug: slug, kind: kind)
        try await organisation.create(on: database)
        return organisation
    }

    public func organisation(slug: String) async throws -> Organisation? {
        try await Organisation.query(on: database).filter(\.$slug == slug).first()
    }

    public func organisation(id: UUID) async throws -> Organisation? {
        try await Organisation.find(id, on: database)
    }

    public func organisations(ids: [UUID]) async throws -> [Organisation] {
        guard !ids.isEmpty else { return [] }
        return try await Organisation.query(on: database).filter(\.$id ~~ ids).sort(\.$name).all()
    }

    /// Records that `provider` runs customer service for `brand`.
    public func link(provider: Organisation, toBrand brand: Organisation) async throws {
        guard provider.kind == .provider, brand.kind == .brand else {
            throw ValidationFailure(pointer: "/provider", "only a provider can work for a brand")
        }
        let existing = try await ProviderClient.query(on: database)
            .filter(\.$provider.$id == provider.requireID())
            .filter(\.$brand.$id == brand.requireID())
            .first()
        if existing == nil {
            try await ProviderClient(providerID: provider.requireID(), brandID: brand.requireID()).create(on: database)
        }
    }

    /// The brands a provider works for.
    public func brands(servedBy providerID: UUID) async throws -> [Organisation] {
        let links = try await ProviderClient.query(on: database).filter(\.$provider.$id == providerID).all()
        return try await organisations(ids: links.map { $0.$brand.id })
    }

    // MARK: Users

    public func user(email: String) async throws -> User? {
        try await User.query(on: database).filter(\.$email == InputRules.normalisedEmail(email)).first()
    }

    public func user(id: UUID) async throws -> User? {
        try await User.find(id, on: database)
    }

    /// Creates a person with a password; the email must be new.
    public func createUser(email: String, displayName: String, password: String) async throws -> User {
        let email = InputRules.normalisedEmail(email)
        var problems: [FieldProblem] = []
        if !InputRules.isPlausibleEmail(email) {
            problems.append(.init(pointer: "/email", detail: "'\(email)' is not an email address"))
        }
        if password.count < InputRules.minimumPasswordLength {
            problems.append(
                .init(pointer: "/password", detail: "at least \(InputRules.minimumPasswordLength) characters"))
        }
        if password.utf8.count > 72 {
            // bcrypt only reads 72 bytes; longer passwords would silently lose their tail.
            problems.append(.init(pointer: "/password", detail: "at most 72 bytes"))
        }
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.count > 200 {
            problems.append(.init(pointer: "/displayName", detail: "at most 200 characters"))
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        if try await user(email: email) != nil {
            throw ValidationFailure(pointer: "/email", "a user with email '\(email)' already exists")
        }
        let cost = passwordCost
        let hash = try await Self.offLoop { try Bcrypt.hash(password, cost: cost) }
        let user = User(email: email, displayName: name.isEmpty ? email : name, passwordHash: hash)
        try await user.create(on: database)
        return user
    }

    /// The user whose email and password match, or nil. Runs bcrypt even for unknown emails so that
    /// response time does not reveal which emails exist.
    public func authenticate(email: String, password: String) async throws -> User? {
        let cost = passwordCost
        guard let user = try await user(email: email) else {
            _ = try? await Self.offLoop { try Bcrypt.hash(password, cost: cost) }
            return nil
        }
        let hash = user.passwordHash
        return try await Self.offLoop { try Bcrypt.verify(password, created: hash) } ? user : nil
    }

    /// bcrypt takes tens of milliseconds by design: it runs on NIO's thread pool, never on the event loops
    /// that serve every request (they are also Swift Concurrency's executor in `guichet serve`).
    private static func offLoop<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    // MARK: Roles

    /// Gives `role` in `organisationID` to the user (no-op when already held).
    @discardableResult
    public func grant(_ role: Role, to userID: UUID, in organisationID: UUID) async throws -> Membership {
        if let existing = try await Membership.query(on: database)
            .filter(\.$user.$id == userID)
            .filter(\.$organisation.$id == organisationID)
            .filter(\.$role == role)
            .first()
        {
            return existing
        }
        let membership = Membership(userID: userID, organisationID: organisationID, role: role)
        try await membership.create(on: database)
        return membership
    }

    /// Every role the user holds, with its organisation loaded.
    public func memberships(of userID: UUID) async throws -> [Membership] {
        try await Membership.query(on: database)
            .filter(\.$user.$id == userID)
            .with(\.$organisation)
            .all()
    }

    /// The members of one organisation (tenant data: goes through the scope).
    public func members(in scope: TenantScope) async throws -> [Membership] {
        try await scope.query(Membership.self).with(\.$user).sort(\.$createdAt).all()
    }

    /// Removes one role; returns false when the membership is not in this organisation.
    public func revoke(membershipID: UUID, in scope: TenantScope) async throws -> Bool {
        guard let membership = try await scope.find(Membership.self, membershipID) else { return false }
        if membership.role == .admin {
            let admins = try await scope.query(Membership.self).filter(\.$role == .admin).count()
            if admins <= 1 {
                throw ValidationFailure(pointer: "/role", "an organisation must keep at least one admin")
            }
        }
        try await membership.delete(on: database)
        return true
    }
}

extension AccountRepository {
    /// For a provider, the brands it serves; for a brand, its providers; otherwise none.
    public func linkedOrganisations(of organisationID: UUID, kind: OrganisationKind) async throws -> [Organisation] {
        switch kind {
        case .provider:
            return try await brands(servedBy: organisationID)
        case .brand:
            let links = try await ProviderClient.query(on: database).filter(\.$brand.$id == organisationID).all()
            return try await organisations(ids: links.map { $0.$provider.id })
        case .organiser:
            return []
        }
    }
}
