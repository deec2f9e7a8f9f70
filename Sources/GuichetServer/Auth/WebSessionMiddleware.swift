import Fluent
import GuichetCore
import GuichetStore
import Vapor

/// The browser session of one request: loaded from the cookie, created on demand, saved after.
///
/// Touched only by the task serving its request, hence `@unchecked Sendable`.
final class SessionState: @unchecked Sendable {
    var session: WebSession?
    /// Set when a new session was started during this request: the cookie to send.
    var newSecret: String?
    var dirty = false
    var endSession = false
}

extension Request {
    private struct SessionStateKey: StorageKey { typealias Value = SessionState }

    var sessionState: SessionState {
        if let existing = storage[SessionStateKey.self] { return existing }
        let state = SessionState()
        storage[SessionStateKey.self] = state
        return state
    }

    /// The session, created (anonymous) when the request has none yet, e.g. to hold a CSRF token.
    func ensureSession() async throws -> WebSession {
        if let session = sessionState.session { return session }
        let (session, secret) = try await sessions.create(
            userID: nil, language: nil, lifetime: min(application.guichet.configuration.sessionLifetime, 2 * 3600),
            now: now)
        sessionState.session = session
        sessionState.newSecret = secret
        return session
    }

    /// The token every form of this session must echo in its `_csrf` field.
    func csrfToken() async throws -> String {
        try await ensureSession().csrfToken
    }

    /// The language of the interface: the one chosen in this session, else the browser's, else French.
    var language: Language {
        if let chosen = sessionState.session?.language.flatMap(Language.init(rawValue:)) { return chosen }
        if let header = headers.first(name: .acceptLanguage), let preferred = Language.preferred(acceptLanguage: header)
        {
            return preferred
        }
        return .fr
    }

    /// Remembers the chosen language in the session.
    func choose(language: Language) async throws {
        let session = try await ensureSession()
        session.language = language.rawValue
        sessionState.dirty = true
    }

    /// Starts a fresh session for `user` (a new secret: the pre-login one can't be reused).
    func signIn(_ user: User) async throws {
        let carriedLanguage = sessionState.session?.language
        if let old = sessionState.session, sessionState.newSecret == nil {
            try await sessions.delete(old)
        }
        let (session, secret) = try await sessions.create(
            userID: try user.requireID(), language: carriedLanguage,
            lifetime: application.guichet.configuration.sessionLifetime, now: now)
        sessionState.session = session
        sessionState.newSecret = secret
        sessionState.dirty = false
        principal = try await Principal.load(user, accounts: accounts)
    }

    func signOut() {
        sessionState.endSession = true
        principal = nil
    }
}

/// Reads the session cookie, loads the signed-in person, and writes the session back afterwards.
struct WebSessionMiddleware: AsyncMiddleware {
    static let cookieName = "guichet_session"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let state = request.sessionState
        if let secret = request.cookies[Self.cookieName]?.string,
            let session = try await request.sessions.find(secret: secret, now: request.now)
        {
            state.session = session
            if let userID = session.$user.id, let user = try await request.accounts.user(id: userID) {
                request.principal = try await Principal.load(user, accounts: request.accounts)
            }
        }
        let response = try await next.respond(to: request)
        try await persist(state, request: request, response: response)
        return response
    }

    private func persist(_ state: SessionState, request: Request, response: Response) async throws {
        let secure = request.application.guichet.configuration.secureCookies
        if state.endSession {
            if let session = state.session { try await request.sessions.delete(session) }
            response.cookies[Self.cookieName] = .expired
            return
        }
        guard let session = state.session else { return }
        if state.dirty { try await request.sessions.save(session) }
        if let secret = state.newSecret {
            response.cookies[Self.cookieName] = HTTPCookies.Value(
                string: secret, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        }
    }
}

/// Rejects state-changing browser requests whose `_csrf` field does not match the session's token.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(request.method) else {
            return try await next.respond(to: request)
        }
        _ = try await request.body.collect(max: request.application.guichet.maxBodyBytes).get()
        let sent = (try? request.content.get(String.self, at: "_csrf")) ?? ""
        guard let expected = request.sessionState.session?.csrfToken, !sent.isEmpty,
            Secrets.constantTimeEquals(sent, expected)
        else {
            throw AppError(.forbidden, title: "Form expired", detail: "form-expired")
        }
        return try await next.respond(to: request)
    }
}

/// Authenticates API calls that carry `Authorization: Bearer gch_…`.
struct BearerTokenMiddleware: Middleware {
    /// A token this instance checked in the last seconds costs no task and no database read (see `MetricsMiddleware`).
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let bearer = request.headers.bearerAuthorization else {
            if request.headers.first(name: .authorization) != nil {
                return request.eventLoop.makeFailedFuture(AppError.unauthorized("use Authorization: Bearer <token>"))
            }
            return next.respond(to: request)
        }
        let cache = request.application.guichet.principals
        let digest = Secrets.digest(bearer.token)
        if let known = cache.principal(forDigest: digest, now: request.now) {
            request.principal = known
            return next.respond(to: request)
        }
        return request.eventLoop.makeFutureWithTask {
            guard let (_, user) = try await request.tokens.authenticate(secret: bearer.token, now: request.now)
            else { throw AppError.unauthorized("the API token is unknown or revoked") }
            let principal = try await Principal.load(user, accounts: request.accounts)
            cache.remember(principal, forDigest: digest, now: request.now)
            request.principal = principal
        }.flatMap { next.respond(to: request) }
    }
}
