import GuichetCore
import Vapor

/// What every page shows around its content: header with navigation, language switch, sign-out.
struct PageContext: Sendable {
    var language: Language
    var csrfToken: String
    var principal: Principal?
    /// The current path, so the language switch returns to the same page.
    var path: String
    /// A page saved to a file (PDF printing): stylesheet inlined, no navigation.
    var standalone = false

    init(request: Request) async throws {
        language = request.language
        csrfToken = try await request.csrfToken()
        principal = request.principal
        path = request.url.path
    }

    /// For error pages, which must render without touching the database.
    init(renderingErrorFor request: Request) {
        language = request.language
        csrfToken = request.sessionState.session?.csrfToken ?? ""
        principal = request.principal
        path = "/"
    }

    func t(_ phrase: Localized) -> String { phrase[language] }
}

enum Layout {
    /// A complete HTML document around `content`.
    static func page(_ context: PageContext, title: String, @MarkupBuilder content: () -> Markup) -> Markup {
        let language = context.language
        return Markup.trusted("<!DOCTYPE html>")
            + element("html", .lang(language.rawValue)) {
                element("head") {
                    element("meta", .init("charset", "utf-8"))
                    element("meta", .name("viewport"), .init("content", "width=device-width, initial-scale=1"))
                    element("title") { "\(title) · Guichet" }
                    if context.standalone {
                        element("style") { Markup.rendered(Stylesheet.css) }
                    } else {
                        element("link", .init("rel", "stylesheet"), .href("/static/guichet.css"))
                    }
                }
                element("body") {
                    element("a", .class("skip"), .href("#main")) { context.t(Strings.skipToContent) }
                    if !context.standalone { header(context) }
                    element("main", .id("main"), .init("tabindex", "-1")) {
                        content()
                    }
                    element("footer", .class("site-footer")) {
                        element("p") { "Guichet \(Guichet.version)" }
                    }
                }
            }
    }

    private static func header(_ context: PageContext) -> Markup {
        element("header", .class("site-header")) {
            element("a", .class("brand"), .href("/")) { context.t(Strings.appName) }
            if let principal = context.principal {
                element("nav", .aria("label", context.t(Strings.mainNavigation))) {
                    element("ul") {
                        element("li") { element("a", .href("/")) { context.t(Strings.home) } }
                        element("li") { element("a", .href("/account/tokens")) { context.t(Strings.apiTokens) } }
                        element("li") { element("a", .href("/staffing")) { context.t(Strings.staffing) } }
                    }
                }
                element("span", .class("who")) { principal.displayName }
            }
            languageSwitch(context)
            if context.principal != nil {
                element("form", .class("inline"), .method("post"), .action("/logout")) {
                    csrfField(context)
                    element("button", .type("submit")) { context.t(Strings.signOut) }
                }
            }
        }
    }

    private static func languageSwitch(_ context: PageContext) -> Markup {
        element("form", .class("inline language"), .method("post"), .action("/language")) {
            csrfField(context)
            element("input", .type("hidden"), .name("return"), .value(context.path))
            element("label", .for("language-select")) { context.t(Strings.language) }
            element("select", .id("language-select"), .name("language")) {
                for language in Language.allCases {
                    element("option", .value(language.rawValue), .when(language == context.language, .selected)) {
                        language == .fr ? "Français" : "English"
                    }
                }
            }
            element("button", .type("submit"), .id("language-submit")) { context.t(Strings.switchLanguage) }
        }
    }

    /// A table's header row: one column header per title.
    static func tableHead(_ context: PageContext, _ titles: [Localized]) -> Markup {
        element("thead") {
            element("tr") {
                for title in titles { element("th", .init("scope", "col")) { context.t(title) } }
            }
        }
    }

    /// The hidden field that carries the CSRF token; every form includes it.
    static func csrfField(_ context: PageContext) -> Markup {
        element("input", .type("hidden"), .name("_csrf"), .value(context.csrfToken))
    }

    /// A date as people read it in the page's language.
    static func date(_ date: Date?, _ language: Language) -> String {
        guard let date else { return "—" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .fr ? "fr_FR" : "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateStyle = .medium
        formatter.timeStyle = .short
        return formatter.string(from: date)
    }
}

extension Markup {
    /// This page as an HTML response.
    func response(status: HTTPResponseStatus = .ok) -> Response {
        HTMLResponse(markup: self, status: status).response()
    }
}

extension Markup: AsyncResponseEncodable {
    public func encodeResponse(for request: Request) async throws -> Response {
        HTMLResponse(markup: self, status: .ok).response()
    }
}

/// An HTML page with a status other than 200.
struct HTMLResponse: AsyncResponseEncodable {
    var markup: Markup
    var status: HTTPResponseStatus

    func response() -> Response {
        let response = Response(status: status, body: .init(string: markup.html))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy", value: "default-src 'self'; frame-ancestors 'none'")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }

    func encodeResponse(for request: Request) async throws -> Response { response() }
}
