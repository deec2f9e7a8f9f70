import GuichetCore

/// The sign-in form.
enum LoginPage {
    struct Model: Sendable {
        var email = ""
        /// Where to go after signing in (a local path).
        var next = "/"
        var error: String?
    }

    static func render(_ model: Model, _ context: PageContext) -> Markup {
        Layout.page(context, title: context.t(Strings.signInTitle)) {
            element("section", .class("card narrow"), .aria("labelledby", "login-title")) {
                element("h1", .id("login-title")) { context.t(Strings.signInTitle) }
                element("p", .class("muted")) { context.t(Strings.tagline) }
                if let error = model.error {
                    element("p", .class("alert"), .role("alert"), .id("login-error")) { error }
                }
                element("form", .method("post"), .action("/login")) {
                    Layout.csrfField(context)
                    element("input", .type("hidden"), .name("next"), .value(model.next))
                    element("label", .for("email")) { context.t(Strings.email) }
                    element(
                        "input", .type("email"), .id("email"), .name("email"), .value(model.email),
                        .autocomplete("username"), .required)
                    element("label", .for("password")) { context.t(Strings.password) }
                    element(
                        "input", .type("password"), .id("password"), .name("password"),
                        .autocomplete("current-password"), .required)
                    element("button", .type("submit"), .class("primary"), .id("login-submit")) {
                        context.t(Strings.signIn)
                    }
                }
            }
        }
    }
}
