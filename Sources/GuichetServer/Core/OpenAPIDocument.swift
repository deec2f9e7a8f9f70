import GuichetCore
import Vapor

/// Builds the OpenAPI 3 document from the routes themselves, so it cannot drift from them.
enum OpenAPIDocument {
    /// Which routes are JSON endpoints and belong in the document.
    static func isDocumented(_ route: Route) -> Bool {
        let first = route.path.first?.description
        return (first == "api" && route.path.dropFirst().first?.description == "v1") || first == "health"
    }

    /// `/api/v1/orgs/:org` → `/api/v1/orgs/{org}`.
    static func openAPIPath(_ path: [PathComponent]) -> String {
        "/"
            + path.map { component in
                if case .parameter(let name) = component { return "{\(name)}" }
                return component.description
            }.joined(separator: "/")
    }

    static func build(routes: [Route]) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes where isDocumented(route) {
            guard let doc = route.apiDoc else { continue }
            paths[openAPIPath(route.path), default: [:]][route.method.rawValue.lowercased()] = operation(route, doc)
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Guichet API",
                "version": .string(Guichet.version),
                "description": "Customer-service platform: one point of contact, measured like the award measures.",
            ],
            "servers": [["url": "/"]],
            "paths": .object(paths.mapValues(JSONValue.object)),
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": ["Problem": problemSchema],
            ],
        ]
    }

    private static func operation(_ route: Route, _ doc: APIDoc) -> JSONValue {
        var operation: [String: JSONValue] = [
            "summary": .string(doc.summary),
            "tags": [.string(doc.tag)],
            "operationId": .string(operationID(route)),
        ]
        let access = route.access ?? .everyone
        if access != .everyone {
            operation["security"] = [["bearer": []]]
            operation["x-guichet-access"] = .string(access.description)
        }
        let parameters: [JSONValue] = route.path.compactMap {
            guard case .parameter(let name) = $0 else { return nil }
            return ["name": .string(name), "in": "path", "required": true, "schema": Schema.string]
        }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let body = doc.request {
            operation["requestBody"] = [
                "required": true, "content": ["application/json": ["schema": body]],
            ]
        }
        var responses: [String: JSONValue] = [:]
        var success: [String: JSONValue] = ["description": "Success"]
        if let body = doc.response { success["content"] = ["application/json": ["schema": body]] }
        responses[String(doc.successStatus)] = .object(success)
        let problem: JSONValue = [
            "description": "Problem",
            "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
        ]
        if doc.request != nil {
            responses["400"] = problem
            responses["413"] = problem
            responses["422"] = problem
        }
        if access != .everyone { responses["401"] = problem }
        if case .roles = access {
            responses["403"] = problem
            responses["404"] = problem
        }
        operation["responses"] = .object(responses)
        return .object(operation)
    }

    private static func operationID(_ route: Route) -> String {
        route.method.rawValue.lowercased()
            + route.path.map { component -> String in
                let text: String
                if case .parameter(let name) = component { text = "By" + name } else { text = component.description }
                let cleaned = text.replacingOccurrences(of: ".", with: "_")
                return cleaned.prefix(1).uppercased() + cleaned.dropFirst()
            }.joined()
    }

    private static let problemSchema: JSONValue = Schema.object(
        [
            "type": Schema.string, "title": Schema.string, "status": Schema.integer, "detail": Schema.string,
            "instance": Schema.string, "requestId": Schema.string,
            "errors": Schema.array(
                Schema.object(["pointer": Schema.string, "detail": Schema.string], required: ["pointer", "detail"])),
        ], required: ["type", "title", "status", "detail", "instance"])
}
