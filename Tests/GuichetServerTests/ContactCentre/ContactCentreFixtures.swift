import Foundation
import GuichetCore
import GuichetStore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

/// Brand A's contact centre: queues, a routing configuration, entry points and three agents.
enum ContactCentreFixtures {
    static let routing = """
        {"motifs": [
           {"id": "facturation", "label": {"fr": "Facturation", "en": "Billing"}},
           {"id": "facturation.contestation", "label": {"fr": "Contestation", "en": "Dispute"}, "parent": "facturation"},
           {"id": "resiliation", "label": {"fr": "Résiliation", "en": "Cancellation"}},
           {"id": "panne", "label": {"fr": "Panne", "en": "Fault"}}],
         "motifRules": [
           {"id": "svi-2", "motif": "facturation", "conditions": [{"ivrChoice": "2"}]},
           {"id": "mots-resiliation", "motif": "resiliation", "conditions": [{"anyKeyword": ["résilier", "résiliation"]}]},
           {"id": "mots-contestation", "motif": "facturation.contestation", "priority": 5,
            "conditions": [{"anyKeyword": ["contester", "erreur de facture"]}]},
           {"id": "ligne-panne", "motif": "panne", "conditions": [{"entryPoint": "+33199000001"}]}],
         "routingRules": [
           {"id": "factu", "motif": "facturation", "target": {"queue": "billing", "priority": 1,
            "skills": [{"skill": "facturation", "minimumLevel": 2}]}},
           {"id": "premium", "motif": "resiliation", "customer": {"segment": "premium"},
            "target": {"queue": "retention", "priority": 5}},
           {"id": "resil", "motif": "resiliation", "target": {"queue": "retention", "priority": 2}}],
         "fallback": {"queue": "general"}}
        """

    struct Setup {
        var admin: APIClient
        var agent: APIClient
        var base = "/api/v1/orgs/brand-a"
    }

    /// Seeds tenants and brand A's set-up through the API, as a supervisor would.
    static func setUp(_ app: Application) async throws -> Setup {
        try await Fixtures.seedTenants(app)
        let admin = APIClient(app: app, token: try await Fixtures.token(app, "admin-a@test.fr"))
        let agent = APIClient(app: app, token: try await Fixtures.token(app, "agent-a@test.fr"))
        let base = "/api/v1/orgs/brand-a"
        for (code, name, overflow) in [
            ("general", "Accueil", ""),
            ("billing", "Facturation", #", "overflowAfter": 60, "overflowQueue": "general""#),
            ("retention", "Fidélisation", ""),
        ] {
            let response = try await admin.send(
                .PUT, "\(base)/queues/\(code)", json: #"{"name": "\#(name)"\#(overflow)}"#)
            #expect(response.status == .ok, "\(response.body.string)")
        }
        let saved = try await admin.send(.PUT, "\(base)/routing", json: routing)
        #expect(saved.status == .ok, "\(saved.body.string)")
        for (code, body) in [
            (
                "alice",
                #"{"name": "Alice", "userEmail": "agent-a@test.fr", "skills": {"facturation": 3}, "queues": ["general", "billing"], "capacity": {"voice": 1, "chat": 3, "email": 5}}"#
            ),
            (
                "bruno",
                #"{"name": "Bruno", "skills": {"facturation": 1}, "queues": ["general", "billing", "retention"], "capacity": {"voice": 1, "email": 5}}"#
            ),
            ("chloe", #"{"name": "Chloé", "queues": ["retention"], "capacity": {"voice": 1}}"#),
        ] {
            let response = try await admin.send(.PUT, "\(base)/agents/\(code)", json: body)
            #expect(response.status == .ok, "\(response.body.string)")
        }
        for body in [
            #"{"medium": "voice", "address": "01 99 00 00 01", "label": "Ligne dépannage"}"#,
            #"{"medium": "voice", "address": "+33 1 99 00 00 02", "label": "Service client"}"#,
            #"{"medium": "email", "address": "Service@Brand-A.fr", "label": "Adresse service client"}"#,
            #"{"medium": "form", "address": "contact", "label": "Formulaire du site"}"#,
            #"{"medium": "chat", "address": "site", "label": "Chat du site"}"#,
            #"{"medium": "social", "address": "x:brand_a", "label": "Compte X"}"#,
        ] {
            let response = try await admin.send(.POST, "\(base)/entry-points", json: body)
            #expect(response.status == .created, "\(response.body.string)")
        }
        return Setup(admin: admin, agent: agent)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestingHTTPResponse) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: Data(response.body.readableBytesView))
        } catch {
            Issue.record("cannot decode \(type) from \(response.status): \(response.body.string)")
            throw error
        }
    }

    /// Rows in a table of the test database.
    static func count(_ app: Application, _ table: String) async throws -> Int {
        try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!.decode(
            column: "n", as: Int.self)
    }

    static func problems(_ response: TestingHTTPResponse) -> [String] {
        struct Body: Decodable {
            struct Problem: Decodable { var pointer: String }
            var errors: [Problem]?
        }
        return (try? JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView)))?.errors?.map(
            \.pointer) ?? []
    }
}
