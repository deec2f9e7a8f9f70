import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// The caller, as `GET /api/v1/me` returns it.
struct MeDTO: Content, DocumentedSchema {
    struct Membership: Content {
        var organisation: OrganisationSummary
        var roles: [Role]
    }
    var id: UUID
    var email: String
    var displayName: String
    var memberships: [Membership]

    init(_ principal: Principal) {
        id = principal.userID
        email = principal.email
        displayName = principal.displayName
        memberships = principal.organisations.map {
            Membership(organisation: .init(id: $0.id, slug: $0.slug, name: $0.name, kind: $0.kind), roles: $0.roles)
        }
    }

    static var schema: JSONValue {
        Schema.object(
            [
                "id": Schema.uuid, "email": Schema.string, "displayName": Schema.string,
                "memberships": Schema.array(
                    Schema.object(
                        ["organisation": OrganisationSummary.schema, "roles": Schema.array(Role.schema)],
                        required: ["organisation", "roles"])),
            ], required: ["id", "email", "displayName", "memberships"])
    }
}

extension OrganisationSummary: DocumentedSchema {
    static var schema: JSONValue {
        Schema.object(
            [
                "id": Schema.uuid, "slug": Schema.string, "name": Schema.string,
                "kind": Schema.enumeration(OrganisationKind.allCases.map(\.rawValue)),
            ], required: ["id", "slug", "name", "kind"])
    }
}

extension Role {
    static var schema: JSONValue { Schema.enumeration(Role.allCases.map(\.rawValue)) }
}

/// One organisation with what the caller may see of it.
struct OrganisationDTO: Content, DocumentedSchema {
    var organisation: OrganisationSummary
    /// The caller's roles there.
    var roles: [Role]
    /// For a provider, the brands it serves; for a brand, its providers.
    var linked: [OrganisationSummary]

    static var schema: JSONValue {
        Schema.object(
            [
                "organisation": OrganisationSummary.schema, "roles": Schema.array(Role.schema),
                "linked": Schema.array(OrganisationSummary.schema),
            ], required: ["organisation", "roles", "linked"])
    }
}

/// A role held by a person in the organisation.
struct MemberDTO: Content, DocumentedSchema {
    var id: UUID
    var userId: UUID
    var email: String
    var displayName: String
    var role: Role
    var createdAt: Date?

    init(_ membership: Membership) throws {
        id = try membership.requireID()
        userId = membership.$user.id
        email = membership.user.email
        displayName = membership.user.displayName
        role = membership.role
        createdAt = membership.createdAt
    }

    static var schema: JSONValue {
        Schema.object(
            [
                "id": Schema.uuid, "userId": Schema.uuid, "email": Schema.string, "displayName": Schema.string,
                "role": Role.schema, "createdAt": Schema.nullable(Schema.dateTime),
            ], required: ["id", "userId", "email", "displayName", "role"])
    }
}

/// Adds a role to a person, creating the person when the email is new (then `password` is required).
struct AddMemberRequest: Content, DocumentedSchema {
    var email: String
    var role: Role
    var displayName: String?
    var password: String?

    static var schema: JSONValue {
        Schema.object(
            [
                "email": Schema.string, "role": Role.schema, "displayName": Schema.string,
                "password": ["type": "string", "minLength": .number(Double(InputRules.minimumPasswordLength))],
            ], required: ["email", "role"])
    }
}

/// An API token as listed (never with its secret).
struct TokenDTO: Content, DocumentedSchema {
    var id: UUID
    var name: String
    var prefix: String
    var createdAt: Date?
    var lastUsedAt: Date?
    var revokedAt: Date?

    init(_ token: APIToken) throws {
        id = try token.requireID()
        name = token.name
        prefix = token.prefix
        createdAt = token.createdAt
        lastUsedAt = token.lastUsedAt
        revokedAt = token.revokedAt
    }

    static var schema: JSONValue {
        Schema.object(
            [
                "id": Schema.uuid, "name": Schema.string, "prefix": Schema.string,
                "createdAt": Schema.nullable(Schema.dateTime), "lastUsedAt": Schema.nullable(Schema.dateTime),
                "revokedAt": Schema.nullable(Schema.dateTime),
            ], required: ["id", "name", "prefix"])
    }
}

/// A token just created: the only time its secret is returned.
struct CreatedTokenDTO: Content, DocumentedSchema {
    var token: TokenDTO
    var secret: String

    static var schema: JSONValue {
        Schema.object(["token": TokenDTO.schema, "secret": Schema.string], required: ["token", "secret"])
    }
}

struct CreateTokenRequest: Content, DocumentedSchema {
    var name: String

    static var schema: JSONValue { Schema.object(["name": Schema.string], required: ["name"]) }
}

/// `GET /health`.
struct HealthDTO: Content, DocumentedSchema {
    var status: String
    var version: String
    var database: DatabaseKind

    static var schema: JSONValue {
        Schema.object(
            [
                "status": Schema.enumeration(["ok", "unavailable"]), "version": Schema.string,
                "database": Schema.enumeration(["sqlite", "postgresql"]),
            ], required: ["status", "version", "database"])
    }
}
