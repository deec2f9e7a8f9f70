import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// The contact-centre pages: live queues for supervisors (pushed over a WebSocket, across instances),
/// customer search, and a customer's cross-channel timeline.
struct ContactCentreWebController {
    func register(_ web: any RoutesBuilder) {
        web.endpoint(.GET, "static", "live.js", access: .everyone, audience: .web) { _ in
            let response = Response(status: .ok, body: .init(string: LiveScript.source))
            response.headers.contentType = HTTPMediaType(
                type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
            return response
        }
        let org = web.grouped("orgs", ":org")
        org.endpoint(.GET, "contact-centre", access: ContactCentreController.readers, audience: .web, use: live)
        org.endpoint(.GET, "live", "socket", access: ContactCentreController.readers, audience: .web, use: socket)
        org.endpoint(.GET, "customers", access: ContactCentreController.readers, audience: .web, use: customers)
        org.endpoint(.GET, "customers", ":id", access: ContactCentreController.readers, audience: .web, use: customer)
    }

    @Sendable func live(_ request: Request) async throws -> HTMLResponse {
        let tenant = try request.requireTenant()
        let store = ContactCentreStore(scope: tenant.scope)
        let markup = LiveQueuesPage.render(
            organisation: tenant.organisation, live: try await store.live(now: request.now),
            recent: try await store.contacts(limit: 20), context: try await PageContext(request: request))
        return HTMLResponse(markup: markup, status: .ok)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Sends the live picture at once, then after every change (changes closer than 200 ms are sent once).
    @Sendable func socket(_ request: Request) async throws -> Response {
        let tenant = try request.requireTenant()
        return request.webSocket { request, socket in
            let store = ContactCentreStore(scope: tenant.scope)
            let feed = request.application.guichet.changeFeed
            let stream = feed.subscribe(tenant.organisation.id, eventLoop: socket.eventLoop)
            let task = Task {
                func send() async {
                    guard let live = try? await store.live(), let data = try? Self.encoder.encode(live) else { return }
                    try? await socket.send(String(decoding: data, as: UTF8.self))
                }
                await send()
                var last = Date.distantPast
                for await detail in stream where detail == "live" {
                    let wait = 0.2 - Date().timeIntervalSince(last)
                    if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
                    last = Date()
                    await send()
                }
            }
            socket.onClose.whenComplete { _ in task.cancel() }
        }
    }

    @Sendable func customers(_ request: Request) async throws -> HTMLResponse {
        let tenant = try request.requireTenant()
        let query = String(((try? request.query.get(String.self, at: "q")) ?? "").prefix(100))
        let found = query.isEmpty ? [] : try await ContactCentreStore(scope: tenant.scope).searchCustomers(query)
        return HTMLResponse(
            markup: CustomerPages.search(
                organisation: tenant.organisation, query: query, customers: found,
                context: try await PageContext(request: request)), status: .ok)
    }

    @Sendable func customer(_ request: Request) async throws -> HTMLResponse {
        let tenant = try request.requireTenant()
        let store = ContactCentreStore(scope: tenant.scope)
        guard let id = request.parameters.get("id", as: UUID.self), let customer = try await store.customer(id) else {
            throw AppError.notFound("customer")
        }
        return HTMLResponse(
            markup: CustomerPages.customer(
                organisation: tenant.organisation, customer: customer,
                journey: try await store.journey(of: customer.id),
                history: try await store.history(of: customer.id), merges: try await store.merges(of: customer.id),
                context: try await PageContext(request: request)), status: .ok)
    }
}
