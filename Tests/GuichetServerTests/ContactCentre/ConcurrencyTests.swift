import Foundation
import GuichetCore
import GuichetStore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

private typealias F = ContactCentreFixtures

@Suite("ACD under concurrency, across instances and restarts")
struct ConcurrencyTests {
    /// Two Guichet applications, each with its own connection pool, on one PostgreSQL: as two instances.
    @Test(
        "Forty agents claim at once through two instances: every contact offered exactly once, none lost",
        .enabled(if: TestDatabase.postgresURL != nil))
    func twoInstancesClaiming() async throws {
        try await withTestApp(.postgres) { first in
            let setup = try await F.setUp(first)
            let second = try await Application.make(.testing)
            do {
                try await GuichetApp.configure(second, try testConfiguration(.postgres))
                let agents = 40
                for index in 0..<agents {
                    let code = String(format: "c%02d", index)
                    let response = try await setup.admin.send(
                        .PUT, "\(setup.base)/agents/\(code)",
                        json: #"{"name": "Agent \#(index)", "queues": ["general"], "capacity": {"email": 1}}"#)
                    #expect(response.status == .ok)
                }
                // 60 contacts waiting before anyone is available.
                for index in 0..<60 {
                    _ = try await setup.admin.send(
                        .POST, "\(setup.base)/contacts",
                        json:
                            #"{"medium": "email", "subject": "n°\#(index)", "customer": {"email": "c\#(index)@example.fr"}}"#
                    )
                }
                let token = setup.admin.token
                // Everyone becomes available and claims at once, half through each instance.
                let claimed = try await withThrowingTaskGroup(of: (String, UUID?).self) { group in
                    for index in 0..<agents {
                        let app = index % 2 == 0 ? first : second
                        let code = String(format: "c%02d", index)
                        group.addTask {
                            let api = APIClient(app: app, token: token)
                            let state = try await api.send(
                                .POST, "/api/v1/orgs/brand-a/agents/\(code)/state", json: #"{"state": "available"}"#)
                            #expect(state.status == .ok, "\(state.body.string)")
                            let claim = try await api.send(.POST, "/api/v1/orgs/brand-a/agents/\(code)/claim")
                            #expect(claim.status == .ok || claim.status == .noContent, "\(claim.body.string)")
                            let assignment = claim.status == .ok ? try F.decode(AssignmentRecord.self, claim) : nil
                            return (code, assignment?.contactID)
                        }
                    }
                    var result: [(String, UUID?)] = []
                    for try await item in group { result.append(item) }
                    return result
                }
                // Whether by push (state → available dispatches) or pull (claim), each agent holds one contact.
                let sql = first.db as! any SQLDatabase
                let offered = try await sql.raw(
                    "SELECT contact_id, COUNT(*) AS n FROM contact_events WHERE kind = 'offered' GROUP BY contact_id"
                ).all()
                #expect(offered.count == agents)
                #expect(try offered.allSatisfy { try $0.decode(column: "n", as: Int.self) == 1 })
                let perAgent = try await sql.raw(
                    "SELECT agent_id, COUNT(*) AS n FROM contacts WHERE agent_id IS NOT NULL GROUP BY agent_id"
                ).all()
                #expect(perAgent.count == agents)
                #expect(try perAgent.allSatisfy { try $0.decode(column: "n", as: Int.self) == 1 })
                let states = try await sql.raw("SELECT state, COUNT(*) AS n FROM contacts GROUP BY state").all()
                var byState: [String: Int] = [:]
                for row in states {
                    byState[try row.decode(column: "state", as: String.self)] = try row.decode(
                        column: "n", as: Int.self)
                }
                #expect(byState == ["offered": 40, "queued": 20])  // none lost, none doubled
                let claimedIDs = claimed.compactMap(\.1)
                #expect(Set(claimedIDs).count == claimedIDs.count)
                // Concurrent intake on both instances while agents are busy: all queued, then served as they free up.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<30 {
                        let app = index % 2 == 0 ? first : second
                        group.addTask {
                            let response = try await APIClient(app: app, token: token).send(
                                .POST, "/api/v1/orgs/brand-a/contacts",
                                json:
                                    #"{"medium": "email", "subject": "x\#(index)", "customer": {"email": "same@example.fr"}}"#
                            )
                            #expect(response.status == .created, "\(response.body.string)")
                        }
                    }
                    try await group.waitForAll()
                }
                // One customer despite 30 simultaneous first contacts with the same address.
                let customers = try await sql.raw(
                    "SELECT COUNT(DISTINCT customer_id) AS n FROM customer_identities WHERE value = 'same@example.fr'"
                ).first()!.decode(column: "n", as: Int.self)
                #expect(customers == 1)
                let total = try await sql.raw("SELECT COUNT(*) AS n FROM contacts").first()!.decode(
                    column: "n", as: Int.self)
                #expect(total == 90)
                try await second.asyncShutdown()
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
        }
    }

    @Test("Queued contacts survive a restart and are offered when an agent comes back")
    func restart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "guichet-restart-\(UUID().uuidString).sqlite"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = try testConfiguration(.sqlite)
        configuration.database = .sqliteFile(path)
        var ids: [UUID] = []
        do {
            let app = try await Application.make(.testing)
            try await GuichetApp.configure(app, configuration)
            try await GuichetApp.prepare(app)
            let setup = try await F.setUp(app)
            for index in 0..<3 {
                let intake = try F.decode(
                    IntakeDTO.self,
                    try await setup.admin.send(
                        .POST, "\(setup.base)/contacts",
                        json: #"{"medium": "voice", "customer": {"phone": "061111111\#(index)"}}"#))
                ids.append(intake.contact.id)
            }
            try await app.asyncShutdown()
        }
        let app = try await Application.make(.testing)
        do {
            try await GuichetApp.configure(app, configuration)
            try await GuichetApp.prepare(app)
            let admin = APIClient(app: app, token: try await Fixtures.token(app, "admin-a@test.fr"))
            let waiting = try F.decode(
                [ContactRecord].self, try await admin.get("/api/v1/orgs/brand-a/contacts?state=queued"))
            #expect(Set(waiting.map(\.id)) == Set(ids))
            _ = try await admin.send(.POST, "/api/v1/orgs/brand-a/agents/bruno/state", json: #"{"state": "available"}"#)
            let first = try F.decode(
                ContactDetailDTO.self, try await admin.get("/api/v1/orgs/brand-a/contacts/\(ids[0])"))
            #expect(first.contact.state == .offered)  // the oldest call goes first
            #expect(first.events.map(\.kind) == [.created, .queued, .offered])
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    @Test(
        "A token revoked on one instance stops working on the other at once, though that one had it cached",
        .enabled(if: TestDatabase.postgresURL != nil))
    func revokedAcrossInstances() async throws {
        try await withTestApp(.postgres) { first in
            try await Fixtures.seedTenants(first)
            let second = try await Application.make(.testing)
            do {
                try await GuichetApp.configure(second, try testConfiguration(.postgres))
                second.guichet.changeFeed.start(eventLoop: second.eventLoopGroup.any())
                defer { second.guichet.changeFeed.stop() }
                let token = try await Fixtures.token(first, "agent-a@test.fr")
                let there = APIClient(app: second, token: token)
                #expect(try await there.get("/api/v1/me").status == .ok)  // now cached on the second instance
                try await Task.sleep(nanoseconds: 300_000_000)  // its LISTEN connection is up
                let here = APIClient(app: first, token: token)
                let listed = try await here.get("/api/v1/tokens")
                struct Token: Decodable { var id: UUID }
                let id = try #require(try JSONDecoder().decode([Token].self, from: Data(listed.body.readableBytesView)).first?.id)
                #expect(try await here.send(.DELETE, "/api/v1/tokens/\(id)").status == .noContent)
                var status = HTTPStatus.ok
                for _ in 0..<40 where status == .ok {
                    try await Task.sleep(nanoseconds: 50_000_000)
                    status = try await there.get("/api/v1/me").status
                }
                #expect(status == .unauthorized, "within 2 s, well before the cache's 5 s lifetime")
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
        }
    }
}
