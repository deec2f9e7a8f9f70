import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// `/health`, `/metrics` and the OpenAPI document.
struct OperationsController {
    func register(_ routes: any RoutesBuilder, api: any RoutesBuilder) {
        routes.endpoint(
            .GET, "health", access: .everyone, audience: .api,
            doc: .init(
                summary: "Liveness and database reachability (503 when the database is down)",
                tag: "Operations", response: HealthDTO.schema),
            use: health)
        routes.endpoint(.GET, "metrics", access: .everyone, audience: .api, use: metrics)
        api.endpoint(
            .GET, "openapi.json", access: .everyone, audience: .api,
            doc: .init(summary: "This OpenAPI 3 document", tag: "Operations", response: ["type": "object"]),
            use: openAPI)
    }

    @Sendable func health(_ request: Request) async throws -> Response {
        let reachable = await GuichetDatabase.ping(request.db)
        let body = HealthDTO(
            status: reachable ? "ok" : "unavailable", version: Guichet.version,
            database: request.application.guichet.configuration.database.kind)
        let response = Response(status: reachable ? .ok : .serviceUnavailable)
        try response.content.encode(body)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable func metrics(_ request: Request) async throws -> Response {
        let text = request.application.guichet.metrics.emitToString()
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = .init(type: "text", subType: "plain", parameters: ["version": "0.0.4"])
        return response
    }

    @Sendable func openAPI(_ request: Request) async throws -> Response {
        let document = OpenAPIDocument.build(routes: request.application.routes.all)
        let response = Response(status: .ok)
        try response.content.encode(document, as: .json)
        return response
    }
}
