import Foundation
import GuichetCore
import GuichetStore

/// `/contact/:org/:form`: the brand's contact form, served by Guichet. Works without JavaScript; the
/// customer gets a reference once the message is taken in.
enum ContactFormPage {
    struct Model: Sendable {
        var entry: EntryPointRecord
        var input: PublicChannelsController.FormInput?
        var problems: [FieldProblem] = []
        /// Set once the message was taken in.
        var reference: String?
    }

    static let fields: [(name: String, label: Localized, kind: String, autocomplete: String)] = [
        ("name", Localized(fr: "Nom", en: "Name"), "text", "name"),
        ("email", Localized(fr: "Adresse e-mail", en: "Email address"), "email", "email"),
        ("phone", Localized(fr: "Téléphone (facultatif)", en: "Phone (optional)"), "tel", "tel"),
        ("subject", Localized(fr: "Objet", en: "Subject"), "text", "off"),
    ]

    static func render(_ model: Model, _ context: PageContext) -> Markup {
        Layout.page(context, title: model.entry.label) {
            element("h1") { model.entry.label }
            if let reference = model.reference {
                element("section", .class("card"), .id("form-receipt"), .role("status")) {
                    element("p") {
                        context.t(
                            Localized(
                                fr: "Merci : votre message est bien reçu. Un conseiller vous répondra.",
                                en: "Thank you: your message was received. An adviser will answer you."))
                    }
                    element("p") {
                        context.t(Localized(fr: "Votre référence : ", en: "Your reference: "))
                        element("strong", .id("form-reference")) { reference }
                    }
                }
            } else {
                form(model, context)
            }
        }
    }

    private static func value(_ name: String, _ input: PublicChannelsController.FormInput?) -> String {
        switch name {
        case "name": return input?.name ?? ""
        case "email": return input?.email ?? ""
        case "phone": return input?.phone ?? ""
        case "subject": return input?.subject ?? ""
        default: return ""
        }
    }

    private static func form(_ model: Model, _ context: PageContext) -> Markup {
        element("section", .class("card")) {
            if !model.problems.isEmpty {
                element("div", .class("alert"), .role("alert"), .id("form-errors")) {
                    element("p") { context.t(Strings.formHasErrors) }
                    element("ul") {
                        for problem in model.problems {
                            element("li") {
                                element("a", .href("#\(problem.pointer)")) { problem.pointer }
                                ": \(problem.detail)"
                            }
                        }
                    }
                }
            }
            element("form", .method("post"), .id("contact-form")) {
                Layout.csrfField(context)
                for field in fields {
                    let problem = model.problems.first { $0.pointer == field.name }
                    element("div", .class(problem == nil ? "field" : "field invalid")) {
                        element("label", .for(field.name)) { context.t(field.label) }
                        element(
                            "input", .type(field.kind), .id(field.name), .name(field.name),
                            .value(value(field.name, model.input)), .autocomplete(field.autocomplete),
                            .init("maxlength", "200"), .init("aria-invalid", problem == nil ? nil : "true"))
                        if let problem { element("p", .class("field-error")) { problem.detail } }
                    }
                }
                let problem = model.problems.first { $0.pointer == "message" }
                element("div", .class(problem == nil ? "field" : "field invalid")) {
                    element("label", .for("message")) { context.t(Localized(fr: "Votre message", en: "Your message")) }
                    element(
                        "textarea", .id("message"), .name("message"), .init("rows", "8"), .init("maxlength", "10000")
                    ) {
                        model.input?.message ?? ""
                    }
                    if let problem { element("p", .class("field-error")) { problem.detail } }
                }
                // Hidden from people (and from assistive technology); bots fill it.
                element("div", .class("visually-hidden"), .aria("hidden", "true")) {
                    element("label", .for("website")) { "Website" }
                    element(
                        "input", .type("text"), .id("website"), .name("website"), .init("tabindex", "-1"),
                        .autocomplete("off"))
                }
                element("button", .type("submit"), .class("primary")) {
                    context.t(Localized(fr: "Envoyer", en: "Send"))
                }
            }
        }
    }
}
