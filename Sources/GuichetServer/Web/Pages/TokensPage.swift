import Foundation
import GuichetCore

/// The signed-in person's API tokens: list, create (secret shown once), revoke.
enum TokensPage {
    struct Model: Sendable {
        struct Token: Sendable {
            var id: UUID
            var name: String
            var prefix: String
            var createdAt: Date?
            var lastUsedAt: Date?
            var revoked: Bool
        }
        var tokens: [Token]
        /// The secret of a token just created, shown this once.
        var newSecret: String?
        var error: String?
    }

    static func render(_ model: Model, _ context: PageContext) -> Markup {
        Layout.page(context, title: context.t(Strings.apiTokens)) {
            element("h1") { context.t(Strings.apiTokens) }
            element("p") { context.t(Strings.apiTokensIntro) }
            if let secret = model.newSecret {
                element("div", .class("notice"), .role("status")) {
                    element("p") { context.t(Strings.newTokenShownOnce) }
                    element("code", .class("secret"), .id("new-token")) { secret }
                }
            }
            if let error = model.error {
                element("p", .class("alert"), .role("alert")) { error }
            }
            element("section", .class("card")) {
                element("form", .method("post"), .action("/account/tokens")) {
                    Layout.csrfField(context)
                    element("label", .for("token-name")) { context.t(Strings.tokenName) }
                    element(
                        "input", .type("text"), .id("token-name"), .name("name"), .required, .init("maxlength", "100"))
                    element("button", .type("submit"), .class("primary")) { context.t(Strings.createToken) }
                }
            }
            element("section", .class("card")) {
                if model.tokens.isEmpty {
                    element("p") { context.t(Strings.noTokens) }
                } else {
                    element("table") {
                        Layout.tableHead(
                            context,
                            [Strings.name, Strings.tokenPrefix, Strings.lastUsed, Strings.status, Strings.actions])
                        element("tbody") {
                            for token in model.tokens {
                                element("tr") {
                                    element("td") { token.name }
                                    element("td") { element("code") { token.prefix + "…" } }
                                    element("td") {
                                        token.lastUsedAt.map { Layout.date($0, context.language) }
                                            ?? context.t(Strings.never)
                                    }
                                    element("td") { context.t(token.revoked ? Strings.revoked : Strings.active) }
                                    element("td") {
                                        if !token.revoked {
                                            element(
                                                "form", .class("inline"), .method("post"),
                                                .action("/account/tokens/\(token.id.uuidString)/revoke")
                                            ) {
                                                Layout.csrfField(context)
                                                element("button", .type("submit")) { context.t(Strings.revoke) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
