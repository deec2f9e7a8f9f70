import GuichetCore

/// The first page after signing in: who you are, where you belong.
enum HomePage {
    struct Model: Sendable {
        struct Organisation: Sendable {
            var slug: String
            var name: String
            var kind: OrganisationKind
            var roles: [Role]
        }
        var displayName: String
        var organisations: [Organisation]

        init(principal: Principal) {
            displayName = principal.displayName
            organisations = principal.organisations.map {
                Organisation(slug: $0.slug, name: $0.name, kind: $0.kind, roles: $0.roles)
            }
        }
    }

    static func render(_ model: Model, _ context: PageContext) -> Markup {
        Layout.page(context, title: context.t(Strings.home)) {
            element("h1", .id("welcome")) { Strings.welcome.format(context.language, model.displayName) }
            element("section", .class("card"), .aria("labelledby", "orgs-title")) {
                element("h2", .id("orgs-title")) { context.t(Strings.yourOrganisations) }
                if model.organisations.isEmpty {
                    element("p") { context.t(Strings.noOrganisation) }
                } else {
                    element("table") {
                        Layout.tableHead(context, [Strings.organisation, Strings.kind, Strings.roles])
                        element("tbody") {
                            for organisation in model.organisations {
                                element("tr") {
                                    element("td") {
                                        element("a", .href("/orgs/\(organisation.slug)")) { organisation.name }
                                        if organisation.kind != .provider {
                                            " · "
                                            element("a", .href("/orgs/\(organisation.slug)/award")) {
                                                context.t(Strings.award)
                                            }
                                        }
                                    }
                                    element("td") { context.t(Strings.kindName(organisation.kind)) }
                                    element("td") {
                                        organisation.roles.map { context.t(Strings.roleName($0)) }
                                            .joined(separator: ", ")
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
