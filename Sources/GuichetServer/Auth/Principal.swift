import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// The signed-in person making a request, with every role they hold.
public struct Principal: Sendable {
    public struct Grant: Sendable, Equatable {
        public var organisationID: UUID
        public var organisationSlug: String
        public var organisationName: String
        public var organisationKind: OrganisationKind
        public var role: Role
    }

    public var userID: UUID
    public var email: String
    public var displayName: String
    public var grants: [Grant]

    /// The roles held in one organisation.
    public func roles(in organisationID: UUID) -> Set<Role> {
        Set(grants.filter { $0.organisationID == organisationID }.map(\.role))
    }

    /// The organisations this person belongs to, each once, with their roles.
    public var organisations: [(id: UUID, slug: String, name: String, kind: OrganisationKind, roles: [Role])] {
        var order: [UUID] = []
        var byID: [UUID: (id: UUID, slug: String, name: String, kind: OrganisationKind, roles: [Role])] = [:]
        for grant in grants {
            if byID[grant.organisationID] == nil {
                order.append(grant.organisationID)
                byID[grant.organisationID] = (
                    grant.organisationID, grant.organisationSlug, grant.organisationName, grant.organisationKind, []
                )
            }
            byID[grant.organisationID]?.roles.append(grant.role)
        }
        return order.compactMap { byID[$0] }.map { ($0.id, $0.slug, $0.name, $0.kind, $0.roles.sorted()) }
            .sorted { $0.name.localizedCompare($1.name) == .orderedAscending }
    }

    /// Loads a user's principal from the database.
    static func load(_ user: User, accounts: AccountRepository) async throws -> Principal {
        let memberships = try await accounts.memberships(of: user.requireID())
        return Principal(
            userID: try user.requireID(), email: user.email, displayName: user.displayName,
            grants: try memberships.map {
                Grant(
                    organisationID: try $0.organisation.requireID(), organisationSlug: $0.organisation.slug,
                    organisationName: $0.organisation.name, organisationKind: $0.organisation.kind, role: $0.role)
            })
    }
}

/// The organisation a tenant route addresses, once the caller's membership has been checked.
public struct Tenant: Sendable {
    public var organisation: OrganisationSummary
    public var roles: Set<Role>
    public var scope: TenantScope
}

/// An organisation as routes and pages see it (not the Fluent model).
public struct OrganisationSummary: Content, Sendable, Equatable {
    public var id: UUID
    public var slug: String
    public var name: String
    public var kind: OrganisationKind

    init(_ model: Organisation) throws {
        id = try model.requireID()
        slug = model.slug
        name = model.name
        kind = model.kind
    }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }
    private struct TenantKey: StorageKey { typealias Value = Tenant }

    /// The signed-in caller, if any (set by the session or bearer-token middleware).
    public internal(set) var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The signed-in caller; throws 401 when there is none.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw AppError.unauthorized("sign in or send an API token") }
        return principal
    }

    /// The addressed organisation; set by the access guard on every route declared with roles.
    public internal(set) var tenant: Tenant? {
        get { storage[TenantKey.self] }
        set { storage[TenantKey.self] = newValue }
    }

    func requireTenant() throws -> Tenant {
        guard let tenant else {
            // A route declared with roles always has a tenant; reaching here is a wiring bug.
            throw AppError(.internalServerError, detail: "route has no organisation scope")
        }
        return tenant
    }
}
