import Foundation
import GuichetCore

/// One organisation: its people and roles, and its outsourcing links.
enum OrganisationPage {
    struct Model: Sendable {
        struct Member: Sendable {
            var name: String
            var email: String
            var role: Role
            var since: Date?
        }
        var organisation: OrganisationSummary
        /// Shown to admins and supervisors only.
        var members: [Member]?
        var linked: [OrganisationSummary]
    }

    static func render(_ model: Model, _ context: PageContext) -> Markup {
        Layout.page(context, title: model.organisation.name) {
            element("h1") { model.organisation.name }
            element("p", .class("muted")) { context.t(Strings.kindName(model.organisation.kind)) }
            if model.organisation.kind != .provider {
                element("p") {
                    element("a", .href("/orgs/\(model.organisation.slug)/award")) { context.t(Strings.award) }
                }
                element("p") {
                    element("a", .href("/orgs/\(model.organisation.slug)/contact-centre")) {
                        context.t(CCStrings.contactCentre)
                    }
                    " · "
                    element("a", .href("/orgs/\(model.organisation.slug)/customers")) { context.t(CCStrings.customers) }
                }
            }
            if let members = model.members {
                element("section", .class("card"), .aria("labelledby", "members-title")) {
                    element("h2", .id("members-title")) { context.t(Strings.members) }
                    element("table") {
                        Layout.tableHead(context, [Strings.name, Strings.email, Strings.role, Strings.since])
                        element("tbody") {
                            for member in members {
                                element("tr") {
                                    element("td") { member.name }
                                    element("td") { member.email }
                                    element("td") { context.t(Strings.roleName(member.role)) }
                                    element("td") { Layout.date(member.since, context.language) }
                                }
                            }
                        }
                    }
                }
            }
            if !model.linked.isEmpty {
                element("section", .class("card")) {
                    element("h2") {
                        context.t(model.organisation.kind == .provider ? Strings.brandsServed : Strings.providers)
                    }
                    element("ul") {
                        for organisation in model.linked { element("li") { organisation.name } }
                    }
                }
            }
        }
    }
}
