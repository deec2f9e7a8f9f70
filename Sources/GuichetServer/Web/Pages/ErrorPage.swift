import GuichetCore
import Vapor

/// The HTML page for an error, in the person's language. Never shows internals.
enum ErrorPage {
    static func render(status: HTTPResponseStatus, detail: String, context: PageContext) -> Markup {
        let message: String
        switch status {
        case .notFound: message = context.t(Strings.notFound)
        case .forbidden where detail == "form-expired": message = context.t(Strings.formExpired)
        case .forbidden: message = context.t(Strings.forbidden)
        case _ where status.code >= 500:
            message = context.t(Strings.internalError) + " " + context.t(Strings.requestReference) + " : " + detail
        default: message = detail
        }
        return Layout.page(context, title: "\(context.t(Strings.errorTitle)) \(status.code)") {
            element("section", .class("card narrow")) {
                element("h1") { "\(context.t(Strings.errorTitle)) \(status.code)" }
                element("p") { message }
                element("p") { element("a", .href("/")) { context.t(Strings.backHome) } }
            }
        }
    }
}
