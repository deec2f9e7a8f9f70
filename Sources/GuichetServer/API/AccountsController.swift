import Fluent
import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// `/api/v1`: the caller, organisations, members and API tokens.
struct AccountsController {
    func register(_ api: any RoutesBuilder) {
        api.endpoint(
            .GET, "me", access: .signedIn, audience: .api,
            doc: .init(summary: "The caller and the roles they hold", tag: "Accounts", response: MeDTO.schema),
            use: me)
        api.endpoint(
            .GET, "orgs", access: .signedIn, audience: .api,
            doc: .init(
                summary: "Organisations the caller belongs to", tag: "Organisations",
                response: Schema.array(OrganisationSummary.schema)),
            use: organisations)
        api.endpoint(
            .GET, "orgs", ":org", access: .anyMember, audience: .api,
            doc: .init(summary: "One organisation", tag: "Organisations", response: OrganisationDTO.schema),
            use: organisation)
        api.endpoint(
            .GET, "orgs", ":org", "members", access: .roles([.admin, .supervisor]), audience: .api,
            doc: .init(
                summary: "People and their roles in the organisation", tag: "Organisations",
                response: Schema.array(MemberDTO.schema)),
            use: members)
        api.endpoint(
            .POST, "orgs", ":org", "members", access: .roles([.admin]), audience: .api,
            doc: .init(
                summary: "Give a role to a person (created when new)", tag: "Organisations",
                request: AddMemberRequest.schema, response: MemberDTO.schema, successStatus: 201),
            use: addMember)
        api.endpoint(
            .DELETE, "orgs", ":org", "members", ":membership", access: .roles([.admin]), audience: .api,
            doc: .init(summary: "Remove a role from a person", tag: "Organisations", successStatus: 204),
            use: removeMember)
        api.endpoint(
            .GET, "tokens", access: .signedIn, audience: .api,
            doc: .init(summary: "The caller's API tokens", tag: "Accounts", response: Schema.array(TokenDTO.schema)),
            use: tokens)
        api.endpoint(
            .POST, "tokens", access: .signedIn, audience: .api,
            doc: .init(
                summary: "Create an API token (its secret is returned once)", tag: "Accounts",
                request: CreateTokenRequest.schema, response: CreatedTokenDTO.schema, successStatus: 201),
            use: createToken)
        api.endpoint(
            .DELETE, "tokens", ":token", access: .signedIn, audience: .api,
            doc: .init(summary: "Revoke one of the caller's API tokens", tag: "Accounts", successStatus: 204),
            use: revokeToken)
    }

    @Sendable func me(_ request: Request) async throws -> MeDTO {
        MeDTO(try request.requirePrincipal())
    }

    @Sendable func organisations(_ request: Request) async throws -> [OrganisationSummary] {
        try request.requirePrincipal().organisations.map {
            OrganisationSummary(id: $0.id, slug: $0.slug, name: $0.name, kind: $0.kind)
        }
    }

    @Sendable func organisation(_ request: Request) async throws -> OrganisationDTO {
        let tenant = try request.requireTenant()
        let linked = try await request.accounts
            .linkedOrganisations(of: tenant.organisation.id, kind: tenant.organisation.kind)
            .map(OrganisationSummary.init)
        return OrganisationDTO(organisation: tenant.organisation, roles: tenant.roles.sorted(), linked: linked)
    }

    @Sendable func members(_ request: Request) async throws -> [MemberDTO] {
        try await request.accounts.members(in: request.requireTenant().scope).map(MemberDTO.init)
    }

    @Sendable func addMember(_ request: Request) async throws -> Response {
        let tenant = try request.requireTenant()
        let body = try request.decodeJSON(AddMemberRequest.self)
        let accounts = request.accounts
        let membership = try await request.db.transaction { database in
            let accounts = AccountRepository(database: database, passwordCost: accounts.passwordCost)
            let user: User
            if let existing = try await accounts.user(email: body.email) {
                user = existing
            } else {
                guard let password = body.password else {
                    throw ValidationFailure(pointer: "/password", "required to create a new person")
                }
                user = try await accounts.createUser(
                    email: body.email, displayName: body.displayName ?? "", password: password)
            }
            let membership = try await accounts.grant(body.role, to: user.requireID(), in: tenant.organisation.id)
            membership.$user.value = user
            return membership
        }
        await request.accountsChanged()
        let response = Response(status: .created)
        try response.content.encode(MemberDTO(membership))
        return response
    }

    @Sendable func removeMember(_ request: Request) async throws -> HTTPStatus {
        let tenant = try request.requireTenant()
        guard let id = request.parameters.get("membership", as: UUID.self),
            try await request.accounts.revoke(membershipID: id, in: tenant.scope)
        else { throw AppError.notFound("membership") }
        await request.accountsChanged()
        return .noContent
    }

    @Sendable func tokens(_ request: Request) async throws -> [TokenDTO] {
        try await request.tokens.tokens(of: request.requirePrincipal().userID).map(TokenDTO.init)
    }

    @Sendable func createToken(_ request: Request) async throws -> Response {
        let body = try request.decodeJSON(CreateTokenRequest.self)
        let (token, secret) = try await request.tokens.create(for: request.requirePrincipal().userID, name: body.name)
        let response = Response(status: .created)
        try response.content.encode(CreatedTokenDTO(token: try TokenDTO(token), secret: secret))
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable func revokeToken(_ request: Request) async throws -> HTTPStatus {
        guard let id = request.parameters.get("token", as: UUID.self),
            try await request.tokens.revoke(id, of: request.requirePrincipal().userID, now: request.now)
        else { throw AppError.notFound("token") }
        await request.accountsChanged()
        return .noContent
    }
}
