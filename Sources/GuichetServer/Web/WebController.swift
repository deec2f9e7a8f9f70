import Fluent
import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// The pages people use in a browser. Forms work without JavaScript.
struct WebController {
    func register(_ routes: any RoutesBuilder) {
        routes.endpoint(.GET, "static", "guichet.css", access: .everyone, audience: .web, use: stylesheet)
        routes.endpoint(.GET, "login", access: .everyone, audience: .web, use: loginForm)
        routes.endpoint(.POST, "login", access: .everyone, audience: .web, use: login)
        routes.endpoint(.POST, "logout", access: .everyone, audience: .web, use: logout)
        routes.endpoint(.POST, "language", access: .everyone, audience: .web, use: switchLanguage)
        routes.endpoint(.GET, "", access: .signedIn, audience: .web, use: home)
        routes.endpoint(.GET, "account", "tokens", access: .signedIn, audience: .web, use: tokens)
        routes.endpoint(.POST, "account", "tokens", access: .signedIn, audience: .web, use: createToken)
        routes.endpoint(
            .POST, "account", "tokens", ":token", "revoke", access: .signedIn, audience: .web, use: revokeToken)
        routes.endpoint(.GET, "orgs", ":org", access: .anyMember, audience: .web, use: organisation)
    }

    @Sendable func stylesheet(_ request: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(string: Stylesheet.css))
        response.headers.contentType = .init(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        response.headers.cacheControl = .init(maxAge: 3600)
        return response
    }

    // MARK: Signing in and out

    @Sendable func loginForm(_ request: Request) async throws -> Response {
        if request.principal != nil { return request.redirect(to: "/") }
        let model = LoginPage.Model(next: Self.localPath(request.query[String.self, at: "next"]))
        return LoginPage.render(model, try await PageContext(request: request)).response()
    }

    struct LoginForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    @Sendable func login(_ request: Request) async throws -> Response {
        let form = try request.content.decode(LoginForm.self)
        let email = InputRules.normalisedEmail(form.email ?? "")
        var model = LoginPage.Model(email: email, next: Self.localPath(form.next))
        let config = request.application.guichet.configuration
        let windowStart = request.now.addingTimeInterval(-config.loginWindow)
        let client = request.remoteAddress?.ipAddress ?? "unknown"

        // Count failures per email (targeted guessing) and per client address (spraying many emails).
        let failures = try await request.loginFailures.failures(email: email, since: windowStart)
        let clientFailures = try await request.loginFailures.failures(clientAddress: client, since: windowStart)
        if failures >= config.loginMaxFailures || clientFailures >= config.loginMaxFailures * 4 {
            let oldest = try await request.loginFailures.oldestFailure(email: email, since: windowStart)
            let wait = max(
                1,
                Int(
                    ((oldest ?? request.now).addingTimeInterval(config.loginWindow)
                        .timeIntervalSince(request.now) / 60).rounded(.up)))
            model.error = Strings.tooManyAttempts.format(request.language, String(wait))
            let response = LoginPage.render(model, try await PageContext(request: request)).response()
            response.status = .tooManyRequests
            response.headers.replaceOrAdd(name: .retryAfter, value: String(wait * 60))
            return response
        }

        guard let user = try await request.accounts.authenticate(email: email, password: form.password ?? "") else {
            try await request.loginFailures.record(email: email, clientAddress: client, at: request.now)
            model.error = request.language == .fr ? Strings.badCredentials.fr : Strings.badCredentials.en
            let response = LoginPage.render(model, try await PageContext(request: request)).response()
            response.status = .unauthorized
            return response
        }
        try await request.loginFailures.clear(email: email, olderThan: windowStart)
        try await request.sessions.purgeExpired(now: request.now)
        try await request.signIn(user)
        return request.redirect(to: model.next, redirectType: .normal)
    }

    @Sendable func logout(_ request: Request) async throws -> Response {
        request.signOut()
        return request.redirect(to: "/login", redirectType: .normal)
    }

    struct LanguageForm: Content {
        var language: String?
        var `return`: String?
    }

    @Sendable func switchLanguage(_ request: Request) async throws -> Response {
        let form = try request.content.decode(LanguageForm.self)
        guard let language = form.language.flatMap(Language.init(rawValue:)) else {
            throw AppError(.unprocessableEntity, detail: "language must be fr or en")
        }
        try await request.choose(language: language)
        return request.redirect(to: Self.localPath(form.return), redirectType: .normal)
    }

    // MARK: Signed-in pages

    @Sendable func home(_ request: Request) async throws -> Response {
        let model = HomePage.Model(principal: try request.requirePrincipal())
        return HomePage.render(model, try await PageContext(request: request)).response()
    }

    @Sendable func organisation(_ request: Request) async throws -> Response {
        let tenant = try request.requireTenant()
        var members: [OrganisationPage.Model.Member]?
        if !tenant.roles.isDisjoint(with: [.admin, .supervisor]) {
            members = try await request.accounts.members(in: tenant.scope).map {
                .init(name: $0.user.displayName, email: $0.user.email, role: $0.role, since: $0.createdAt)
            }
        }
        let linked = try await request.accounts.linkedOrganisations(
            of: tenant.organisation.id, kind: tenant.organisation.kind
        )
        .map(OrganisationSummary.init)
        let model = OrganisationPage.Model(organisation: tenant.organisation, members: members, linked: linked)
        return OrganisationPage.render(model, try await PageContext(request: request)).response()
    }

    @Sendable func tokens(_ request: Request) async throws -> Response {
        try await renderTokens(request, newSecret: nil, error: nil)
    }

    struct TokenForm: Content {
        var name: String?
    }

    @Sendable func createToken(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let form = try request.content.decode(TokenForm.self)
        do {
            let (_, secret) = try await request.tokens.create(for: principal.userID, name: form.name ?? "")
            return try await renderTokens(request, newSecret: secret, error: nil, status: .created)
        } catch let failure as ValidationFailure {
            return try await renderTokens(
                request, newSecret: nil, error: failure.description, status: .unprocessableEntity)
        }
    }

    @Sendable func revokeToken(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard let id = request.parameters.get("token", as: UUID.self),
            try await request.tokens.revoke(id, of: principal.userID, now: request.now)
        else { throw AppError.notFound("token") }
        await request.accountsChanged()
        return request.redirect(to: "/account/tokens", redirectType: .normal)
    }

    private func renderTokens(
        _ request: Request, newSecret: String?, error: String?, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let principal = try request.requirePrincipal()
        let tokens = try await request.tokens.tokens(of: principal.userID).map {
            TokensPage.Model.Token(
                id: try $0.requireID(), name: $0.name, prefix: $0.prefix, createdAt: $0.createdAt,
                lastUsedAt: $0.lastUsedAt, revoked: $0.revokedAt != nil)
        }
        let page = TokensPage.render(
            .init(tokens: tokens, newSecret: newSecret, error: error), try await PageContext(request: request))
        let response = page.response()
        response.status = status
        // The page may show a secret: never cache it.
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    // MARK: Helpers

    /// Only same-site paths are followed after sign-in or a language switch, so a crafted link cannot
    /// send a person to another site.
    static func localPath(_ candidate: String?) -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
            !candidate.contains("\r"), !candidate.contains("\n"), candidate.count < 2000
        else { return "/" }
        return candidate
    }
}
