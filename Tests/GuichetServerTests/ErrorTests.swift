import Foundation
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

@Suite("Errors")
struct ErrorTests {
    func problem(_ response: TestingHTTPResponse) throws -> ProblemDetails {
        #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
        return try JSONDecoder().decode(ProblemDetails.self, from: Data(response.body.readableBytesView))
    }

    @Test(
        "Malformed JSON, wrong types, missing fields and oversized bodies are 4xx problems saying where",
        arguments: TestDatabase.available)
    func badBodies(database: TestDatabase) async throws {
        try await withTestApp(database, configure: { $0.maxBodyBytes = 4096 }) { app in
            try await Fixtures.seedTenants(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "admin-a@test.fr"))
            let members = "/api/v1/orgs/brand-a/members"

            let malformed = try await api.send(.POST, members, json: #"{"email": "x@y.fr", "role": "#)
            #expect(malformed.status == .badRequest)
            #expect(try problem(malformed).detail.contains("not valid JSON"))

            let wrongType = try await api.send(.POST, members, json: #"{"email": 42, "role": "agent"}"#)
            #expect(wrongType.status == .unprocessableEntity)
            #expect(try problem(wrongType).errors?.first?.pointer == "/email")

            let missing = try await api.send(.POST, members, json: #"{"email": "new@test.fr"}"#)
            #expect(missing.status == .unprocessableEntity)
            #expect(try problem(missing).errors?.first?.pointer == "/role")

            let badRole = try await api.send(.POST, members, json: #"{"email": "new@test.fr", "role": "king"}"#)
            #expect(badRole.status == .unprocessableEntity)
            #expect(try problem(badRole).errors?.first?.pointer == "/role")

            let noPassword = try await api.send(.POST, members, json: #"{"email": "new@test.fr", "role": "agent"}"#)
            #expect(noPassword.status == .unprocessableEntity)
            #expect(try problem(noPassword).errors?.first?.pointer == "/password")

            // Through a real socket: the limit is enforced while the body streams in.
            let big = "{\"name\": \"" + String(repeating: "x", count: 10_000) + "\"}"
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: api.token!)
            headers.contentType = .json
            let oversized = try await app.testing(method: .running(hostname: "127.0.0.1", port: 0)).sendRequest(
                .POST, "/api/v1/tokens", headers: headers, body: ByteBuffer(string: big))
            #expect(oversized.status == .payloadTooLarge)
            #expect(try problem(oversized).detail.contains("4096 bytes"))

            let wrongMedia = try await api.send(
                .POST, "/api/v1/tokens", json: "name=x", headers: ["Content-Type": "text/plain"])
            #expect(wrongMedia.status.code >= 400 && wrongMedia.status.code < 500)

            // Nothing half-written: the failed attempts created nobody.
            let list = try await api.get(members)
            #expect(!list.body.string.contains("new@test.fr"))
        }
    }

    @Test("Unknown routes are 404: problem details under /api, an HTML page for browsers")
    func notFound() async throws {
        try await withTestApp { app in
            let api = try await app.testing().sendRequest(.GET, "/api/v1/nothing-here")
            #expect(api.status == .notFound)
            #expect(try problem(api).status == 404)

            let page = try await app.testing().sendRequest(.GET, "/nothing-here", headers: ["Accept": "text/html"])
            #expect(page.status == .notFound)
            #expect(page.headers.contentType == .html)
            #expect(page.body.string.contains("Page introuvable"))
        }
    }

    @Test("A bad request never yields a 500 and no stack trace reaches the client")
    func noInternalsLeak() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "admin-a@test.fr"))
            let attempts: [(HTTPMethod, String, String?)] = [
                (.POST, "/api/v1/orgs/brand-a/members", "[]"),
                (.POST, "/api/v1/orgs/brand-a/members", "null"),
                (.POST, "/api/v1/orgs/brand-a/members", #"{"email": null, "role": "agent"}"#),
                (.DELETE, "/api/v1/orgs/brand-a/members/not-a-uuid", nil),
                (.DELETE, "/api/v1/tokens/00000000-0000-0000-0000-000000000000", nil),
                (.POST, "/api/v1/tokens", #"{"name": ""}"#),
                (.POST, "/api/v1/tokens", "\u{0}\u{1}"),
                (.GET, "/api/v1/orgs/%00", nil),
            ]
            for (method, path, body) in attempts {
                let response = try await api.send(method, path, json: body)
                #expect(
                    response.status.code >= 400 && response.status.code < 500, "\(method) \(path) → \(response.status)")
                #expect(!response.body.string.contains("Swift"), "\(path) leaked internals")
            }
        }
    }
}
