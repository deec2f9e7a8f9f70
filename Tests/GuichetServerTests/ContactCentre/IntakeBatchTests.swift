import FluentPostgresDriver
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import GuichetCore
@testable import GuichetServer
@testable import GuichetStore

private typealias F = ContactCentreFixtures

/// Contacts written together in one transaction (group commit) must come out exactly as if taken one
/// after the other: same customers, same merges, same refusals, same offers.
@Suite("Intake in groups: one transaction for many contacts, same result as one by one")
struct IntakeBatchTests {
    static func contact(
        _ subject: String, _ identities: [CustomerIdentity], ref: String? = nil, name: String? = nil,
        attributes: [String: String] = [:], medium: Medium = .email, queue: String = "general"
    ) -> NewContact {
        NewContact(
            medium: medium, entryPoint: nil, externalRef: ref, subject: subject, identities: identities,
            displayName: name, customerAttributes: attributes, motif: nil,
            route: RoutingDecision(target: RoutingTarget(queue: queue), ruleID: nil, because: "test"),
            message: NewMessage(direction: .inbound, author: "client", body: "Bonjour, \(subject)"), actor: "test")
    }

    /// `count` contacts submitted at the same moment, spread over the batchers (instances) in turn.
    static func atOnce(
        _ count: Int, through batchers: [IntakeBatcher], organisation: UUID,
        _ contact: @escaping @Sendable (Int) -> NewContact
    ) async throws -> [IntakeOutcome] {
        try await withThrowingTaskGroup(of: IntakeOutcome.self) { group in
            for index in 0..<count {
                let batcher = batchers[index % batchers.count]
                group.addTask {
                    try await batcher.intake(
                        PendingIntake(organisation: organisation, contact: contact(index), now: Date()))
                }
            }
            var outcomes: [IntakeOutcome] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    static func brandA(_ app: Application) async throws -> ContactCentreStore {
        let tenant = try await AccountRepository(database: app.db).organisation(slug: "brand-a")!
        return ContactCentreStore(scope: TenantScope(organisationID: try tenant.requireID(), database: app.db))
    }

    @Test(
        "In one group: a person writing twice and by phone is one customer; a known customer gets the new name and attributes",
        arguments: TestDatabase.available)
    func identitiesWithinAGroup(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            _ = try await F.setUp(app)
            let store = try await Self.brandA(app)
            let known = try await store.intake(Self.contact("avant", [.email("ancien@example.fr")]))
            let org = store.scope.organisationID
            let now = Date()
            let items = [
                Self.contact("un", [.email("lea@example.fr")], name: "Léa"),
                Self.contact("deux", [.email("lea@example.fr"), .phone("+33612345678")]),
                Self.contact("trois", [.phone("+33612345678")], attributes: ["segment": "premium"]),
                Self.contact("quatre", [.email("ancien@example.fr")], name: "Ancien", attributes: ["ville": "Lyon"]),
                Self.contact("anonyme", []),
            ].map { PendingIntake(organisation: org, contact: $0, now: now) }
            let results = try await ContactCentreStore.transaction(on: app.db) { db in
                try await IntakeWriter.write(items, dispatch: false, on: db).results
            }
            let records = try results.map { try $0.get().contact }
            #expect(Set(records[0...2].map(\.customerID)).count == 1, "Léa's three contacts: one customer")
            #expect(records[3].customerID == known.customerID)
            #expect(records[4].customerID == nil)
            let lea = try #require(try await store.customer(records[0].customerID!))
            #expect(lea.displayName == "Léa" && lea.attributes == ["segment": "premium"])
            #expect(Set(lea.identities) == [.email("lea@example.fr"), .phone("+33612345678")])
            let ancien = try #require(try await store.customer(known.customerID!))
            #expect(ancien.displayName == "Ancien" && ancien.attributes == ["ville": "Lyon"])
            for record in records {
                let events = try await store.events(of: record.id)
                #expect(events.map(\.kind) == [.created, .queued])
                #expect(try await store.messages(of: record.id).map(\.body) == ["Bonjour, \(record.subject)"])
            }
        }
    }

    @Test(
        "In one group: identities of two customers merge them, earlier contacts of the group included; a channel id already taken is refused alone",
        arguments: TestDatabase.available)
    func mergesAndConflictsWithinAGroup(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            _ = try await F.setUp(app)
            let store = try await Self.brandA(app)
            let byPhone = try await store.intake(Self.contact("appel", [.phone("+33611111111")], medium: .voice))
            let byMail = try await store.intake(Self.contact("mail", [.email("marc@example.fr")]))
            _ = try await store.intake(Self.contact("ancien appel", [], ref: "call-1", medium: .voice))
            let org = store.scope.organisationID
            let now = Date()
            let items = [
                Self.contact("encore un mail", [.email("marc@example.fr")]),
                Self.contact("appel repris", [], ref: "call-1", medium: .voice),
                Self.contact(
                    "formulaire",
                    [.email("marc@example.fr"), .phone("+33611111111"), .social(network: "x", handle: "marc")]),
                Self.contact("nouvel appel", [], ref: "call-2", medium: .voice),
                Self.contact("nouvel appel bis", [], ref: "call-2", medium: .voice),
            ].map { PendingIntake(organisation: org, contact: $0, now: now) }
            let results = try await ContactCentreStore.transaction(on: app.db) { db in
                try await IntakeWriter.write(items, dispatch: false, on: db).results
            }
            // The channel ids: taken by a stored contact, or by an earlier contact of the same group.
            for index in [1, 4] {
                #expect(throws: ContactCentreError.self) { try results[index].get() }
            }
            let taken = try [0, 2, 3].map { try results[$0].get().contact }
            let kept = try #require(taken[1].customerID)
            #expect(kept == byPhone.customerID, "the older record is kept")
            #expect(taken[0].customerID == kept, "the group's earlier contact follows the merge")
            #expect(try await store.merges(of: kept).count == 1)
            #expect(
                Set(try #require(try await store.customer(kept)).identities)
                    == [.email("marc@example.fr"), .phone("+33611111111"), .social(network: "x", handle: "marc")],
                "the identity new in the merging contact is stored once, on the kept record")
            let history = try await store.contacts(customer: kept)
            #expect(Set(history.map(\.id)).isSuperset(of: [byPhone.id, byMail.id, taken[0].id, taken[1].id]))
            #expect(try await store.contact(medium: .voice, externalRef: "call-2")?.subject == "nouvel appel")
            #expect(try await F.count(app, "contacts") == 6)
        }
    }

    @Test(
        "Three hundred contacts at once: all stored and queued, offered within capacity, in far fewer transactions",
        arguments: TestDatabase.available)
    func manyAtOnce(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            _ = try await setup.admin.send(.POST, "\(setup.base)/agents/alice/state", json: #"{"state": "available"}"#)
            let store = try await Self.brandA(app)
            let org = store.scope.organisationID
            let batcher = IntakeBatcher(database: app.db) { _ in }
            let count = 300
            let outcomes = try await Self.atOnce(count, through: [batcher], organisation: org) { index in
                Self.contact("n°\(index)", [.email("c\(index % 250)@example.fr")])
            }
            #expect(Set(outcomes.map(\.contact.id)).count == count)
            #expect(try await F.count(app, "contacts") == count)
            #expect(
                try await F.count(app, "contact_events") == 2 * count + outcomes.filter { $0.assignment != nil }.count)
            #expect(try await F.count(app, "customers") == 250, "fifty people wrote twice")
            // Alice takes five emails at a time: exactly five offers, whichever group they fell in.
            #expect(outcomes.compactMap(\.assignment).count == 5)
            #expect(outcomes.compactMap(\.assignment).allSatisfy { $0.agentCode == "alice" })
            let groups = await batcher.groups
            #expect(groups < count / 2, "\(groups) transactions for \(count) contacts")
        }
    }

    @Test(
        "Instances taking the same people at the same moment: every contact stored once, each person one customer",
        .enabled(if: TestDatabase.postgresURL != nil))
    func twoInstancesSamePeople() async throws {
        try await withTestApp(.postgres) { first in
            _ = try await F.setUp(first)
            let second = try await Application.make(.testing)
            do {
                try await GuichetApp.configure(second, try testConfiguration(.postgres))
                let org = try await Self.brandA(first).scope.organisationID
                // Each instance as `guichet serve` runs it (its writer's own connection), and one on the pool.
                let connections = try [first, second].map(Self.writerConnection)
                let batchers =
                    [first, second].enumerated().map { index, app in
                        IntakeBatcher(database: app.db, connections: [connections[index]]) { _ in }
                    } + [IntakeBatcher(database: second.db) { _ in }]
                let count = 300
                let outcomes = try await Self.atOnce(count, through: batchers, organisation: org) { index in
                    Self.contact("n°\(index)", [.email("meme\(index % 20)@example.fr")])
                }
                for connection in connections { await connection.shutdown() }
                #expect(outcomes.count == count)
                #expect(try await F.count(first, "contacts") == count)
                #expect(try await F.count(first, "customers") == 20)
                #expect(Set(outcomes.compactMap(\.contact.customerID)).count == 20)
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
        }
    }

    /// PostgreSQL: advisory locks held or awaited by any connection (dispatch locks left behind would stop rounds).
    static func advisoryLocksHeld(_ app: Application) async throws -> Int {
        let sql = try #require(app.db as? any SQLDatabase)
        let row = try await sql.raw("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'").first()
        return try #require(row).decode(column: "n", as: Int.self)
    }

    /// The intake writer's own PostgreSQL connection, as `guichet serve` makes it.
    static func writerConnection(_ app: Application) throws -> IntakeConnection {
        IntakeConnection(
            configuration: try SQLPostgresConfiguration(url: try #require(TestDatabase.postgresURL)), logger: app.logger
        )
    }

    /// Three hundred contacts at once through `batcher`, every tenth merging two people seen before (a group then
    /// needs a transaction); `stop` closes the writer's connection before the database is counted. Each contact is
    /// stored once with its events and message, and Alice (room for five e-mails) gets exactly five offers.
    static func threeHundredWithMerges(
        _ app: Application, through batcher: IntakeBatcher, organisation: UUID, then stop: () async -> Void
    ) async throws {
        let count = 300
        let outcomes = try await atOnce(count, through: [batcher], organisation: organisation) { index in
            index % 10 == 9 && index > 20
                ? contact(
                    "fusion \(index)", [.email("c\(index - 10)@example.fr"), .email("c\(index - 20)@example.fr")])
                : contact("n°\(index)", [.email("c\(index % 250)@example.fr")])
        }
        await stop()
        #expect(Set(outcomes.map(\.contact.id)).count == count)
        #expect(try await F.count(app, "contacts") == count)
        #expect(try await F.count(app, "contact_events") == 2 * count + outcomes.filter { $0.assignment != nil }.count)
        #expect(try await F.count(app, "contact_messages") == count)
        #expect(outcomes.compactMap(\.assignment).count == 5, "Alice takes five e-mails")
    }

    @Test("SQLite, the writer's own connection: three hundred at once, merges included, offers within capacity")
    func manyAtOnceOnSQLitesWriterConnection() async throws {
        try await withTestApp(.sqlite) { app in
            let setup = try await F.setUp(app)
            _ = try await setup.admin.send(.POST, "\(setup.base)/agents/alice/state", json: #"{"state": "available"}"#)
            let org = try await Self.brandA(app).scope.organisationID
            let file = try #require(app.sqliteFile)
            let connection = SQLiteIntakeConnection(file: file, threadPool: app.threadPool, logger: app.logger)
            let batcher = IntakeBatcher(database: app.db, sqlite: connection) { _ in }
            try await Self.threeHundredWithMerges(app, through: batcher, organisation: org) {
                await connection.shutdown()
            }
            let groups = await batcher.groups
            #expect(groups < 300 / 2, "\(groups) transactions for 300 contacts")
        }
    }

    @Test("SQLite, the writer's own connection: the log is checkpointed beside it, not in its commits")
    func sqliteCheckpointsBesideTheWriter() async throws {
        try await withTestApp(.sqlite) { app in
            let (org, connection) = try await Self.sqliteWriterConnection(app)
            let groups = 2 * SQLiteIntakeConnection.groupsPerCheckpoint
            for group in 0..<groups {
                _ = try await connection.write(Self.newcomers("g\(group)", 3, organisation: org)).map { try $0.get() }
            }
            let writer = try await connection.connected().sql()
            let setting = try #require(try await writer.raw("PRAGMA wal_autocheckpoint").first())
            #expect(try setting.decode(column: "wal_autocheckpoint", as: Int.self) == 0, "the writer never checkpoints")
            var checkpoints = 0
            for _ in 0..<100 where checkpoints == 0 {
                checkpoints = await connection.checkpoints
                if checkpoints == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(checkpoints >= 1, "a checkpoint ran beside the writer")
            await connection.shutdown()
            #expect(try await F.count(app, "contacts") == 3 * groups)
        }
    }

    @Test("SQLite: the values the intake writer binds itself are stored as SQLiteKit stores them")
    func sqliteValuesStoredAsSQLiteKitDoes() async throws {
        try await withTestApp(.sqlite) { app in
            let (org, connection) = try await Self.sqliteWriterConnection(app)
            let now = Date(timeIntervalSince1970: 1_796_000_000.123456)
            let items = [
                Self.contact(
                    "Colis abîmé « vite »", [.email("zoé@example.fr")], name: "Zoé", attributes: ["ville": "Nîmes"]),
                Self.contact("sans client", []),
            ].map { PendingIntake(organisation: org, contact: $0, now: now) }
            let records = try await connection.write(items).map { try $0.get().contact }
            await connection.shutdown()
            let sql = app.db as! any SQLDatabase
            for record in records {
                // Found by ids and times bound through SQLKit: the same text and the same real.
                let row = try #require(
                    try await sql.raw(
                        """
                        SELECT typeof(id) AS id_type, typeof(created_at) AS at_type, created_at, subject, skills_json, \
                        typeof(priority) AS priority_type, customer_id FROM contacts \
                        WHERE id = \(bind: record.id) AND organisation_id = \(bind: org) AND created_at = \(bind: now)
                        """
                    ).first(), "contact \(record.subject) found by its id, organisation and time")
                #expect(try row.decode(column: "id_type", as: String.self) == "text")
                #expect(try row.decode(column: "at_type", as: String.self) == "real")
                #expect(try row.decode(column: "priority_type", as: String.self) == "integer")
                #expect(try row.decode(column: "created_at", as: Date.self) == now)
                #expect(try row.decode(column: "subject", as: String.self) == record.subject)
                #expect(try row.decode(column: "skills_json", as: String.self) == "[]")
                #expect(try row.decode(column: "customer_id", as: UUID?.self) == record.customerID)
                let events = try await sql.raw(
                    "SELECT COUNT(*) AS n FROM contact_events WHERE contact_id = \(bind: record.id) AND at = \(bind: now)"
                ).first()
                #expect(try events?.decode(column: "n", as: Int.self) == 2)
            }
            let customer = try #require(records[0].customerID)
            let row = try #require(
                try await sql.raw(
                    """
                    SELECT c.display_name, c.attributes_json, i.value FROM customers c \
                    JOIN customer_identities i ON i.customer_id = c.id WHERE c.id = \(bind: customer)
                    """
                ).first())
            #expect(try row.decode(column: "display_name", as: String.self) == "Zoé")
            #expect(try row.decode(column: "attributes_json", as: String.self) == #"{"ville":"Nîmes"}"#)
            #expect(try row.decode(column: "value", as: String.self) == "zoé@example.fr")
            #expect(records[1].customerID == nil)
        }
    }

    /// The fixtures, and an intake writer's own connection to the test's SQLite file.
    static func sqliteWriterConnection(_ app: Application) async throws -> (UUID, SQLiteIntakeConnection) {
        _ = try await F.setUp(app)
        let connection = SQLiteIntakeConnection(
            file: try #require(app.sqliteFile), threadPool: app.threadPool, logger: app.logger)
        return (try await brandA(app).scope.organisationID, connection)
    }

    /// `count` contacts from people never seen before, each with an address of its own (`tag`-n@example.fr).
    static func newcomers(_ tag: String, _ count: Int, organisation: UUID) -> [PendingIntake] {
        (0..<count).map {
            PendingIntake(
                organisation: organisation, contact: contact("\(tag)-\($0)", [.email("\(tag)-\($0)@example.fr")]),
                now: Date())
        }
    }

    /// The fixtures with Alice available (room for five e-mails), and a batcher writing on its own connection.
    static func aliceAvailableOnAWriterConnection(
        _ app: Application
    ) async throws -> (organisation: UUID, connection: IntakeConnection, batcher: IntakeBatcher) {
        let setup = try await F.setUp(app)
        _ = try await setup.admin.send(.POST, "\(setup.base)/agents/alice/state", json: #"{"state": "available"}"#)
        let connection = try writerConnection(app)
        return (
            try await brandA(app).scope.organisationID, connection,
            IntakeBatcher(database: app.db, connections: [connection]) { _ in }
        )
    }

    @Test(
        "PostgreSQL, the writer's own connection: three hundred at once, one customer per person, offers within capacity",
        .enabled(if: TestDatabase.postgresURL != nil))
    func manyAtOnceOnTheWritersConnection() async throws {
        try await withTestApp(.postgres) { app in
            let (org, connection, batcher) = try await Self.aliceAvailableOnAWriterConnection(app)
            try await Self.threeHundredWithMerges(app, through: batcher, organisation: org) {
                await connection.shutdown()
            }
            #expect(try await Self.advisoryLocksHeld(app) == 0, "no dispatch lock left held")
        }
    }

    @Test(
        "PostgreSQL, the rounds on a connection of their own: three hundred at once, offers within capacity, no lock left",
        .enabled(if: TestDatabase.postgresURL != nil))
    func roundsOnTheirOwnConnection() async throws {
        try await withTestApp(.postgres) { app in
            let (org, writer, _) = try await Self.aliceAvailableOnAWriterConnection(app)
            let rounds = try Self.writerConnection(app)
            let batcher = IntakeBatcher(database: app.db, connections: [writer], roundConnection: rounds) { _ in }
            var run = 0
            // (Read before the shutdown: an actor on a stopped event loop answers no more.)
            try await Self.threeHundredWithMerges(app, through: batcher, organisation: org) {
                run = await rounds.rounds
                await writer.shutdown()
                await rounds.shutdown()
            }
            let asked = await batcher.roundsRun
            #expect(run > 0 && run == asked, "every round ran on the rounds' connection")
            #expect(try await Self.advisoryLocksHeld(app) == 0, "no dispatch lock left held")
        }
    }

    @Test(
        "PostgreSQL, the writer's own connection: a foreign key's check reads its row by index even in a young table just analysed",
        .enabled(if: TestDatabase.postgresURL != nil))
    func writersKeyedReadsStayOnIndexes() async throws {
        try await withTestApp(.postgres) { app in
            let (org, connection, _) = try await Self.aliceAvailableOnAWriterConnection(app)
            _ = try await connection.write(Self.newcomers("c", 3, organisation: org)).results.map { try $0.get() }
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("ANALYZE customers").run()
            // The statement PostgreSQL runs for each contact's and identity's reference to its customer.
            let check = "EXPLAIN SELECT 1 FROM ONLY customers x WHERE id = '\(UUID())' FOR KEY SHARE OF x"
            let writer = try await connection.connected()
            var plan: [String] = []
            for try await (line) in try await writer.query(PostgresQuery(unsafeSQL: check), logger: app.logger)
                .decode(String.self)
            {
                plan.append(line)
            }
            #expect(plan.contains { $0.contains("Index Scan") }, "\(plan)")
            #expect(!plan.contains { $0.contains("Seq Scan") }, "\(plan)")
            // Elsewhere, with this table's statistics, the planner prefers reading its page whole: the plan such a
            // check would keep while the table grows.
            let elsewhere = try await sql.raw(SQLQueryString(check)).all().map {
                try $0.decode(column: "QUERY PLAN", as: String.self)
            }
            #expect(elsewhere.contains { $0.contains("Seq Scan") }, "\(elsewhere)")
            await connection.shutdown()
        }
    }

    @Test(
        "PostgreSQL, the writer's own connection (prepared statements): every field stored as given, values and NULLs alike; known identities and channel ids found",
        .enabled(if: TestDatabase.postgresURL != nil))
    func preparedStatementsStoreEveryField() async throws {
        try await withTestApp(.postgres) { app in
            let (org, connection, _) = try await Self.aliceAvailableOnAWriterConnection(app)
            let store = try await Self.brandA(app)
            var full = Self.contact(
                "Facture d’octobre", [.email("zoé@exemple.fr"), .phone("+33612345678")], ref: "appel-1",
                name: "Zoé Lefèvre", attributes: ["fidélité": "or"], medium: .voice)
            full.entryPoint = "0800 123 456"
            full.motif = MotifDecision(motif: "facturation", ruleID: "r-facture", because: ["mot « facture »"])
            full.route = RoutingDecision(
                target: RoutingTarget(
                    queue: "general", priority: 3, skills: [SkillRequirement("facturation", minimumLevel: 2)]),
                ruleID: "route-1", because: "motif facturation")
            full.message = NewMessage(
                direction: .inbound, author: "Zoé", subject: "Ma facture", body: "Bonjour,\n« une ligne » : é à ç 👋",
                delivery: "reçu")
            var bare = Self.contact("sans rien", [])
            bare.message = NewMessage(direction: .inbound, author: "anonyme", body: "")
            let items = [full, bare].map { PendingIntake(organisation: org, contact: $0, now: Date()) }
            let written = await connection.write(items)
            let outcomes = try written.results.map { try $0.get() }
            for (item, outcome) in zip(items, outcomes) {
                let stored = try #require(try await store.contact(outcome.contact.id))
                let given = item.contact
                #expect(stored.entryPoint == given.entryPoint && stored.externalRef == given.externalRef)
                #expect(stored.subject == given.subject && stored.motif == given.motif?.motif)
                #expect(stored.motifRule == given.motif?.ruleID && stored.routeRule == given.route.ruleID)
                #expect(stored.routeReason == given.route.because && stored.priority == given.route.target.priority)
                #expect(stored.skills == given.route.target.skills && stored.state == .queued)
                #expect(stored.customerID == outcome.contact.customerID)
                let events = try await store.events(of: stored.id)
                #expect(events.map(\.kind) == [.created, .queued])
                #expect(events.first?.reason == given.motif.map { "motif \($0.motif) (rule \($0.ruleID))" })
                let messages = try await store.messages(of: stored.id)
                #expect(messages.map(\.body) == [given.message?.body])
                #expect(messages.first?.subject == given.message?.subject)
                #expect(messages.first?.delivery == given.message?.delivery)
            }
            let zoéID = try #require(outcomes[0].contact.customerID)
            let zoé = try #require(try await store.customer(zoéID))
            #expect(zoé.displayName == "Zoé Lefèvre" && zoé.attributes == ["fidélité": "or"])
            #expect(Set(zoé.identities) == [.email("zoé@exemple.fr"), .phone("+33612345678")])
            #expect(outcomes[1].contact.customerID == nil, "no identity, no customer")

            // The same person again, by phone only: found; the same call id: refused alone.
            var again = Self.contact("rappel", [.phone("+33612345678")])
            again.message = nil
            let sameCall = Self.contact("doublon", [], ref: "appel-1", medium: .voice)
            let second = await connection.write(
                [again, sameCall].map { PendingIntake(organisation: org, contact: $0, now: Date()) })
            #expect(try second.results[0].get().contact.customerID == zoé.id)
            #expect(throws: ContactCentreError.self) { try second.results[1].get() }
            await connection.shutdown()
        }
    }

    @Test(
        "PostgreSQL, the writer's own connection: with room for all, groups share their ACD rounds and every offer is in its reply",
        .enabled(if: TestDatabase.postgresURL != nil))
    func roundsSharedBesideTheWriter() async throws {
        try await withTestApp(.postgres) { app in
            let (org, connection, batcher) = try await Self.aliceAvailableOnAWriterConnection(app)
            let sql = app.db as! any SQLDatabase
            try await sql.raw(#"UPDATE acd_agents SET capacity_json = '{"email":150}' WHERE code = 'alice'"#).run()
            let count = 200
            let outcomes = try await Self.atOnce(count, through: [batcher], organisation: org) { index in
                Self.contact("n°\(index)", [.email("r\(index)@example.fr")])
            }
            await connection.shutdown()
            let offered = Set(
                try await sql.raw("SELECT id FROM contacts WHERE state = 'offered'").all().map {
                    try $0.decode(column: "id", as: UUID.self)
                })
            #expect(offered.count == 150, "Alice's 150 places are all taken")
            #expect(Set(outcomes.compactMap(\.assignment).map(\.contactID)) == offered, "each offer is in its reply")
            let groups = await batcher.groups
            let rounds = await batcher.roundsRun
            #expect(rounds >= 1)
            #expect(rounds <= groups, "a round per group at most, shared under load")
            #expect(try await Self.advisoryLocksHeld(app) == 0, "no dispatch lock left held")
        }
    }

    @Test(
        "PostgreSQL: room freed while contacts enter — intake takes no lock, and the contact is offered at once or by the round after the change",
        .enabled(if: TestDatabase.postgresURL != nil))
    func intakeAndFreedRoomWithoutLock() async throws {
        try await withTestApp(.postgres) { app in
            let (org, connection, batcher) = try await Self.aliceAvailableOnAWriterConnection(app)
            let store = try await Self.brandA(app)
            for index in 0..<5 {
                let first = try await batcher.intake(
                    PendingIntake(
                        organisation: org, contact: Self.contact("n°\(index)", [.email("p\(index)@x.fr")]), now: Date())
                )
                #expect(first.assignment != nil, "Alice has room for five")
            }
            // Room freed and committed before intake reads it (after its own commit): offered at once.
            let sql = app.db as! any SQLDatabase
            try await sql.raw(#"UPDATE acd_agents SET capacity_json = '{"email":6}' WHERE code = 'alice'"#).run()
            let sixth = try await batcher.intake(
                PendingIntake(organisation: org, contact: Self.contact("sixième", [.email("p6@x.fr")]), now: Date()))
            #expect(sixth.assignment?.agentCode == "alice", "the room committed before is seen")

            // Room being freed on another connection, not yet committed, while a contact enters.
            let (granted, grant) = AsyncStream.makeStream(of: Void.self)
            let (committing, commit) = AsyncStream.makeStream(of: Void.self)
            let change = Task {
                try await ContactCentreStore.transaction(on: app.db) { db in
                    try await ContactCentreStore.lockDispatch(db, organisation: org)
                    try await db.raw(
                        #"UPDATE acd_agents SET capacity_json = '{"email":7}' WHERE code = 'alice'"#
                    ).run()
                    grant.yield()
                    for await _ in committing { break }
                }
            }
            for await _ in granted { break }
            let late = try await withThrowingTaskGroup(of: IntakeOutcome?.self) { group in
                group.addTask {
                    try await batcher.intake(
                        PendingIntake(
                            organisation: org, contact: Self.contact("pendant", [.email("late@x.fr")]), now: Date()))
                }
                group.addTask {
                    // Should intake ever wait for the change, it is let go after 10 s, and the test fails below.
                    try await Task.sleep(for: .seconds(10))
                    commit.yield()
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            commit.yield()
            try await change.value
            let entered = try #require(late, "intake did not wait for the change in progress")
            #expect(entered.assignment == nil, "the room was not committed when intake read it")
            // What the service does after every change that frees room: a round, reading after that commit.
            let offers = try await store.dispatch()
            await connection.shutdown()
            #expect(offers.map(\.contactID) == [entered.contact.id], "the round after the change offers it")
            #expect(offers.first?.agentCode == "alice")
            #expect(try await Self.advisoryLocksHeld(app) == 0, "no dispatch lock left held")
        }
    }

    @Test(
        "Agents' loads kept by offers and events always equal the contacts they hold",
        arguments: TestDatabase.available)
    func loadsMatchHeldContacts(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            for agent in ["alice", "bruno"] {
                _ = try await setup.admin.send(
                    .POST, "\(setup.base)/agents/\(agent)/state", json: #"{"state": "available"}"#)
            }
            let store = try await Self.brandA(app)
            let batcher = IntakeBatcher(database: app.db) { _ in }
            var offered: [AssignmentRecord] = []
            for index in 0..<14 {
                let outcome = try await batcher.intake(
                    PendingIntake(
                        organisation: store.scope.organisationID,
                        contact: Self.contact("n°\(index)", [.email("p\(index)@example.fr")]), now: Date()))
                if let assignment = outcome.assignment { offered.append(assignment) }
            }
            #expect(offered.count == 10, "alice and bruno take five e-mails each")
            // Answer, hold, resume, wrap up and resolve some; transfer one back to the queue; abandon one.
            let steps: [(Int, [(ContactEventKind, String?, String?)])] = [
                (0, [(.answered, nil, nil), (.resolved, nil, nil)]),
                (1, [(.answered, nil, nil), (.held, "vérification", nil), (.resumed, nil, nil), (.wrapUp, nil, nil)]),
                (2, [(.answered, nil, nil), (.transferred, "facturation", "billing")]),
                (3, [(.abandoned, "raccroché", nil)]),
            ]
            for (index, events) in steps {
                for (kind, reason, queue) in events {
                    _ = try await store.record(
                        kind, contact: offered[index].contactID, actor: offered[index].agentCode, reason: reason,
                        queue: queue, agent: offered[index].agentID)
                }
            }
            _ = try await store.dispatch()
            let sql = app.db as! any SQLDatabase
            let counted = try await sql.raw(
                """
                SELECT agent_id, medium, COUNT(*) AS n FROM contacts WHERE agent_id IS NOT NULL
                AND state IN ('offered', 'in_progress', 'on_hold', 'wrap_up') GROUP BY agent_id, medium
                """
            ).all().map {
                "\(try $0.decode(column: "agent_id", as: UUID.self))|\(try $0.decode(column: "medium", as: String.self))|\(try $0.decode(column: "n", as: Int.self))"
            }
            let kept = try await sql.raw("SELECT agent_id, medium, held FROM acd_agent_loads WHERE held <> 0").all().map
            {
                "\(try $0.decode(column: "agent_id", as: UUID.self))|\(try $0.decode(column: "medium", as: String.self))|\(try $0.decode(column: "held", as: Int.self))"
            }
            #expect(Set(kept) == Set(counted))
            #expect(
                try await store.agents().map(\.load.values).flatMap { $0 }.reduce(0, +) == 10,
                "freed slots were offered again")
        }
    }

    @Test(
        "Whether an agent has room, read in SQL for every group, answers as the ACD's own rule does",
        arguments: TestDatabase.available)
    func roomInSQLIsTheACDsRule(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            _ = try await F.setUp(app)
            let store = try await Self.brandA(app)
            let org = store.scope.organisationID
            let sql = try #require(app.db as? any SQLDatabase)
            var random = SeededGenerator(seed: 20_261_207)
            for trial in 0..<40 {
                try await sql.raw("DELETE FROM acd_agent_loads WHERE organisation_id = \(bind: org)").run()
                try await sql.raw("UPDATE acd_agents SET state = 'away' WHERE organisation_id = \(bind: org)").run()
                var expected: Set<Medium> = []
                var expectedAgents: Set<UUID> = []
                for index in 0..<Int.random(in: 1...2, using: &random) {
                    var capacity: [Medium: Int] = [:]
                    for medium in Medium.allCases where Bool.random(using: &random) {
                        capacity[medium] = Int.random(in: 0...3, using: &random)
                    }
                    let saved = try await store.saveAgent(
                        code: "t\(trial)-\(index)", name: "Essai", userID: nil, skills: [:], queues: ["general"],
                        capacity: capacity)
                    let available = Int.random(in: 0..<4, using: &random) > 0
                    if available { _ = try await store.setAgentState(saved.id, .available) }
                    // Mostly one medium held, sometimes two (a transfer can leave that), sometimes none.
                    var load: [Medium: Int] = [:]
                    for medium in Medium.allCases.shuffled(using: &random).prefix(Int.random(in: 0...2, using: &random))
                    {
                        load[medium] = Int.random(in: 0...4, using: &random)
                    }
                    for (medium, held) in load {
                        try await sql.raw(
                            """
                            INSERT INTO acd_agent_loads (agent_id, organisation_id, medium, held)
                            VALUES (\(bind: saved.id), \(bind: org), \(bind: medium.rawValue), \(bind: held))
                            """
                        ).run()
                    }
                    var agent = DistributionAgent(
                        id: saved.code, skills: [:], queues: ["general"], capacity: capacity,
                        state: available ? .available : .away, idleSince: Date())
                    agent.load = load
                    expected.formUnion(Medium.allCases.filter(agent.hasRoom(for:)))
                    if Medium.allCases.contains(where: agent.hasRoom(for:)) { expectedAgents.insert(saved.id) }
                }
                let rows = try await sql.raw(
                    ContactCentreStore.roomQuery(org, postgres: ContactCentreStore.isPostgres(sql))
                ).all()
                #expect(try ContactCentreStore.room(rows)[org] ?? [] == expected, "trial \(trial)")
                #expect(try await store.anyAgentHasRoom() == !expected.isEmpty, "trial \(trial)")
                let agentRows = try await sql.raw(
                    ContactCentreStore.roomQuery(org, postgres: ContactCentreStore.isPostgres(sql), agents: true)
                ).all()
                #expect(
                    Set(try agentRows.map { try $0.decode(column: "id", as: UUID.self) }) == expectedAgents,
                    "trial \(trial)")
                // PostgreSQL: the same text, prepared on a connection of the pool (what a round reads first).
                let prepared = try await AgentsWithRoom(organisation: org).rows(onPoolOf: app.db)
                #expect((prepared != nil) == ContactCentreStore.isPostgres(sql))
                #expect(
                    Set(try (prepared ?? agentRows).map { try $0.decode(column: "id", as: UUID.self) })
                        == expectedAgents,
                    "trial \(trial), prepared")
            }
        }
    }
}
