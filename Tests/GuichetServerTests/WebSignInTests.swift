import Foundation
import GuichetStore
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

@Suite("Web sign-in, sessions and language")
struct WebSignInTests {
    @Test("The login page is in French by default, labelled and with a CSRF field", arguments: TestDatabase.available)
    func loginPage(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let browser = Browser(app)
            let page = try await browser.get("/login")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("<html lang=\"fr\">"))
            #expect(html.contains("Connexion"))
            #expect(html.contains("<label for=\"email\">"))
            #expect(html.contains("<main id=\"main\""))
            #expect(browser.csrf?.isEmpty == false)
            let cookie = try #require(page.headers.setCookie?[WebSessionCookie.name])
            #expect(cookie.isHTTPOnly)
            #expect(cookie.sameSite == .lax)
        }
    }

    @Test(
        "Signing in rotates the session and lands on the home page; signing out ends it",
        arguments: TestDatabase.available)
    func signInAndOut(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            try await Fixtures.seedTenants(app)
            let browser = Browser(app)
            #expect(try await browser.get("/").status == .seeOther, "home needs a session")
            try await browser.get("/login")
            let anonymousCookie = browser.cookie
            let response = try await browser.post(
                "/login", ["email": "Admin-A@Test.fr ", "password": Fixtures.password, "next": "/account/tokens"])
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/account/tokens")
            #expect(browser.cookie != anonymousCookie, "a new session secret at sign-in")
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Bonjour, admin-a@test.fr"))
            #expect(home.body.string.contains("Brand A"))
            #expect(!home.body.string.contains("Brand B"))

            // The old, pre-login cookie gives nothing.
            let stale = Browser(app)
            stale.cookie = anonymousCookie
            #expect(try await stale.get("/").status == .seeOther)

            try await browser.post("/logout", [:])
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("A login redirect target off the site is ignored")
    func noOpenRedirect() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let browser = Browser(app)
            try await browser.get("/login")
            let response = try await browser.post(
                "/login", ["email": "admin-a@test.fr", "password": Fixtures.password, "next": "//evil.example/x"])
            #expect(response.headers.first(name: .location) == "/")
        }
    }

    @Test("Wrong password: 401 and a message; after repeated failures the email is locked, even with the right one")
    func throttling() async throws {
        try await withTestApp(configure: { $0.loginMaxFailures = 3 }) { app in
            try await Fixtures.seedTenants(app)
            let browser = Browser(app)
            for _ in 0..<3 {
                try await browser.get("/login")
                let wrong = try await browser.post(
                    "/login", ["email": "admin-a@test.fr", "password": "nope nope nope"])
                #expect(wrong.status == .unauthorized)
                #expect(wrong.body.string.contains("Adresse e-mail ou mot de passe incorrect"))
            }
            try await browser.get("/login")
            let locked = try await browser.post("/login", ["email": "admin-a@test.fr", "password": Fixtures.password])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers.first(name: .retryAfter) != nil)
            #expect(locked.body.string.contains("Trop de tentatives"))
            // Another person is not locked out by it.
            let other = Browser(app)
            #expect(try await other.signIn("agent-a@test.fr").status == .seeOther)
        }
    }

    @Test("A form without the session's CSRF token is refused")
    func csrf() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let browser = Browser(app)
            try await browser.signIn("admin-a@test.fr")
            let forged = try await browser.post("/account/tokens", ["name": "forged"], csrf: "not-the-token")
            #expect(forged.status == .forbidden)
            let tokens = try await TokenRepository(database: app.db).tokens(
                of: try #require(try await AccountRepository(database: app.db).user(email: "admin-a@test.fr"))
                    .requireID())
            #expect(tokens.isEmpty)
            #expect(try await browser.post("/account/tokens", ["name": "real"]).status == .created)
        }
    }

    @Test("English from Accept-Language; the switch is remembered in the session")
    func language() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let english = Browser(app, acceptLanguage: "en-GB,en;q=0.9,fr;q=0.5")
            #expect(try await english.get("/login").body.string.contains("<html lang=\"en\">"))

            let browser = Browser(app, acceptLanguage: "fr-FR")
            try await browser.signIn("admin-a@test.fr")
            #expect(try await browser.get("/").body.string.contains("Bonjour"))
            let switched = try await browser.post("/language", ["language": "en", "return": "/"])
            #expect(switched.status == .seeOther)
            let home = try await browser.get("/")
            #expect(home.body.string.contains("Hello, admin-a@test.fr"))
            #expect(home.body.string.contains("<html lang=\"en\">"))
            #expect(try await browser.post("/language", ["language": "de"]).status == .unprocessableEntity)
        }
    }

    @Test("What people type is escaped in pages")
    func escaping() async throws {
        try await withTestApp { app in
            let accounts = AccountRepository(database: app.db, passwordCost: 4)
            let organisation = try await accounts.createOrganisation(name: "<b>Bold</b> & Co", kind: .brand)
            let user = try await accounts.createUser(
                email: "x@test.fr", displayName: "<script>alert(1)</script>", password: Fixtures.password)
            try await accounts.grant(.admin, to: user.requireID(), in: organisation.requireID())
            let browser = Browser(app)
            try await browser.signIn("x@test.fr")
            let html = try await browser.get("/").body.string
            #expect(!html.contains("<script>alert(1)</script>"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(html.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; Co"))
        }
    }
}
