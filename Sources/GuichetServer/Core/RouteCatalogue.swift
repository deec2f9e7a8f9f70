import Fluent
import GuichetCore
import Vapor

/// How an API operation is described in the OpenAPI document.
struct APIDoc: Sendable {
    var summary: String
    var tag: String
    var request: JSONValue?
    var response: JSONValue?
    var successStatus: Int = 200
}

/// Who the route answers: programs (JSON, bearer tokens) or people (HTML, session cookie).
enum Audience: Sendable {
    case api
    case web
}

extension Route {
    static let accessKey = "guichet.access"
    static let docKey = "guichet.doc"

    /// The access every Guichet route declares; nil only for a route registered by mistake
    /// without `endpoint(…)`, which a test catches.
    var access: Access? { userInfo[Self.accessKey] as? Access }
    var apiDoc: APIDoc? { userInfo[Self.docKey] as? APIDoc }
}

extension RoutesBuilder {
    /// Registers a route with the roles that may call it (and, for the API, its OpenAPI description).
    ///
    /// This is the only way Guichet registers routes: the access guard runs before the handler. A route
    /// declared with roles must address an organisation through an `:org` parameter (possibly in its
    /// group's path); a test checks every route for it.
    @discardableResult
    func endpoint<Output: AsyncResponseEncodable>(
        _ method: HTTPMethod,
        _ path: PathComponent...,
        access: Access,
        audience: Audience,
        doc: APIDoc? = nil,
        use handler: @escaping @Sendable (Request) async throws -> Output
    ) -> Route {
        let route = grouped(AccessGuard(access: access, audience: audience)).on(method, path, use: handler)
        route.userInfo[Route.accessKey] = access
        if let doc { route.userInfo[Route.docKey] = doc }
        return route
    }
}

/// Enforces a route's declared access before its handler runs, and fixes the tenant scope.
///
/// A `Middleware`, not an `AsyncMiddleware`: it has nothing to wait for (see `MetricsMiddleware`).
struct AccessGuard: Middleware {
    let access: Access
    let audience: Audience

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        do {
            if let refusal = try refusal(for: request) { return request.eventLoop.makeSucceededFuture(refusal) }
            return next.respond(to: request)
        } catch {
            return request.eventLoop.makeFailedFuture(error)
        }
    }

    /// Nil when the request may go on (the tenant scope fixed); the sign-in redirect for a signed-out visitor of
    /// a page; throws when refused.
    private func refusal(for request: Request) throws -> Response? {
        switch access {
        case .everyone:
            return nil
        case .signedIn:
            guard request.principal != nil else { return try unauthenticated(request) }
            return nil
        case .roles(let required):
            guard let principal = request.principal else { return try unauthenticated(request) }
            let slug = request.parameters.get("org") ?? ""
            // Membership decides visibility: an organisation the caller does not belong to does not
            // exist for them (404, not 403), so its existence is not revealed either.
            guard let grant = principal.grants.first(where: { $0.organisationSlug == slug }) else {
                throw AppError.notFound("organisation '\(slug)'")
            }
            let held = principal.roles(in: grant.organisationID)
            guard access.allows(signedIn: true, held: held) else {
                let needed = required.sorted().map(\.rawValue).joined(separator: ", ")
                throw AppError.forbidden("this needs one of the roles: \(needed)")
            }
            request.tenant = Tenant(
                organisation: OrganisationSummary(
                    id: grant.organisationID, slug: grant.organisationSlug, name: grant.organisationName,
                    kind: grant.organisationKind),
                roles: held,
                scope: .init(organisationID: grant.organisationID, lazyDatabase: Self.database(of: request)))
            return nil
        }
    }

    /// The request's database, made when the tenant scope first needs it. The request holds the scope, so the scope
    /// holds the request weakly: both are freed with the request.
    static func database(of request: Request) -> @Sendable () -> any Database {
        let application = request.application
        return { [weak request] in request?.db ?? application.db }
    }

    private func unauthenticated(_ request: Request) throws -> Response {
        switch audience {
        case .api:
            throw AppError.unauthorized("send a valid API token: Authorization: Bearer gch_…")
        case .web:
            var target = request.url.path
            if let query = request.url.query { target += "?" + query }
            let next = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
            return request.redirect(to: "/login?next=\(next)")
        }
    }
}

extension Access {
    /// Any member of the addressed organisation, whatever their role.
    static let anyMember = Access.roles(Set(Role.allCases))
}

extension OrganisationSummary {
    init(id: UUID, slug: String, name: String, kind: OrganisationKind) {
        self.id = id
        self.slug = slug
        self.name = name
        self.kind = kind
    }
}
