import Fluent
import Foundation
import GuichetCore
import GuichetStore
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

/// An organiser running a small edition, brands reading their results, shoppers recording tests.
enum AwardFixtures {
    struct World {
        var organiser: Organisation
        var brandA: Organisation
        var brandB: Organisation
        var editionID: UUID
    }

    /// The demo definition with brand-a and brand-b linked to two companies, and a shopper account.
    static func definition(code: String = "test-2018") throws -> EditionDefinition {
        var definition = try EditionDefinition.demo()
        definition.edition.id = code
        definition.companies[0].name = "Brand A"
        definition.companies[1].name = "Brand B Confidential"
        definition.brands = [definition.companies[0].id: "brand-a", definition.companies[1].id: "brand-b"]
        definition.shoppers[0] = Shopper(id: "shopper@test.fr", name: "Shopper")
        return definition
    }

    static func seed(_ app: Application) async throws -> World {
        let tenants = try await Fixtures.seedTenants(app)
        let accounts = AccountRepository(database: app.db, passwordCost: 4)
        let organiser = try await accounts.createOrganisation(name: "Award Org", kind: .organiser, slug: "award-org")
        for (email, role) in [
            ("organiser@test.fr", Role.admin), ("shopper@test.fr", .shopper), ("other-shopper@test.fr", .shopper),
        ] {
            let user = try await accounts.createUser(email: email, displayName: email, password: Fixtures.password)
            try await accounts.grant(role, to: user.requireID(), in: organiser.requireID())
        }
        let api = APIClient(app: app, token: try await Fixtures.token(app, "organiser@test.fr"))
        let body = String(decoding: try definition().json(), as: UTF8.self)
        let created = try await api.send(.POST, "/api/v1/orgs/award-org/award/editions", json: body)
        guard created.status == .created else {
            throw TestSetupError("create edition: \(created.status) \(created.body.string)")
        }
        let id = try JSONDecoder().decode([String: String].self, from: Data(created.body.readableBytesView))["id"]
            .flatMap(UUID.init(uuidString:))
        return World(organiser: organiser, brandA: tenants.brandA, brandB: tenants.brandB, editionID: try #require(id))
    }
}

@Suite("Award on the server")
struct AwardServerTests {
    @Test(
        "An edition goes draft → fieldwork (plan of 225 tests per company) → closed → published",
        arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let world = try await AwardFixtures.seed(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "organiser@test.fr"))
            let base = "/api/v1/orgs/award-org/award/editions/\(world.editionID)"
            #expect(
                try await api.send(.POST, "\(base)/advance", json: #"{"seed": 7}"#).body.string.contains("fieldwork"))
            let plan = try JSONDecoder.iso.decode(
                [PlannedTestDTO].self, from: Data(try await api.get("\(base)/plan").body.readableBytesView))
            #expect(plan.count == 4 * 225)
            #expect(plan.filter { $0.companyID == plan[0].companyID && $0.channel == .phone }.count == 140)

            // The shopper sees only their own tests.
            let shopper = APIClient(app: app, token: try await Fixtures.token(app, "shopper@test.fr"))
            let own = try JSONDecoder.iso.decode(
                [PlannedTestDTO].self, from: Data(try await shopper.get("\(base)/plan").body.readableBytesView))
            #expect(!own.isEmpty && own.count < plan.count)
            #expect(own.allSatisfy { $0.shopperID == "shopper@test.fr" })

            #expect(try await api.send(.POST, "\(base)/advance").body.string.contains("closed"))
            #expect(try await api.send(.POST, "\(base)/advance").body.string.contains("published"))
            #expect(try await api.send(.POST, "\(base)/advance").status == .conflict)
        }
    }

    @Test("Evaluations: validated against the frozen scorecard, idempotent, corrections audited")
    func evaluations() async throws {
        try await withTestApp { app in
            let world = try await AwardFixtures.seed(app)
            let organiser = APIClient(app: app, token: try await Fixtures.token(app, "organiser@test.fr"))
            let base = "/api/v1/orgs/award-org/award/editions/\(world.editionID)"
            _ = try await organiser.send(.POST, "\(base)/advance")
            let shopper = APIClient(app: app, token: try await Fixtures.token(app, "shopper@test.fr"))
            let own = try JSONDecoder.iso.decode(
                [PlannedTestDTO].self, from: Data(try await shopper.get("\(base)/plan").body.readableBytesView))
            let phone = try #require(own.first { $0.channel == .phone })
            let card = try #require(try ScorecardSet.bundled()[.phone])
            // Full marks on every criterion: 20/20.
            let scores = card.criteria.map { "\"\($0.id)\": \($0.maxPoints)" }.joined(separator: ", ")
            let body =
                #"{"ringingSeconds": 12, "takeInChargeSeconds": 30, "scores": {\#(scores)}, "verbatim": "Très bien"}"#
            let path = "\(base)/tests/\(phone.id)/evaluation"
            let first = try await shopper.send(.PUT, path, json: body)
            #expect(first.status == .created)
            #expect(first.body.string.contains("\"mark\":20"))
            let again = try await shopper.send(.PUT, path, json: body)
            #expect(again.status == .ok)
            #expect(again.body.string.contains("\"edits\":0"), "an identical resubmission is not an edit")

            let slow = body.replacingOccurrences(of: #""ringingSeconds": 12"#, with: #""ringingSeconds": 75"#)
            let edited = try await shopper.send(.PUT, path, json: slow)
            #expect(edited.body.string.contains("\"edits\":1"))
            #expect(edited.body.string.contains("\"mark\":0"), "ringing over 60 s zeroes the call")
            let audits = try await AwardEvaluationAuditRecord.query(on: app.db).all()
            #expect(audits.count == 1)
            #expect(audits[0].beforeJSON.contains("\"ringingSeconds\":12"))
            #expect(audits[0].afterJSON.contains("\"ringingSeconds\":75"))

            let outOfScale = try await shopper.send(
                .PUT, path,
                json: body.replacingOccurrences(
                    of: "\"\(card.criteria[0].id)\": \(card.criteria[0].maxPoints)",
                    with: "\"\(card.criteria[0].id)\": 99"))
            #expect(outOfScale.status == .unprocessableEntity)
            let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(outOfScale.body.readableBytesView))
            #expect(problem.errors?.map(\.pointer) == ["/scores/\(card.criteria[0].id)"])
            let negative = try await shopper.send(.PUT, path, json: body.replacingOccurrences(of: "12", with: "-3"))
            #expect(negative.status == .unprocessableEntity)

            // Someone else's test is not theirs to evaluate.
            let others = try JSONDecoder.iso.decode(
                [PlannedTestDTO].self, from: Data(try await organiser.get("\(base)/plan").body.readableBytesView))
            let notMine = try #require(others.first { $0.shopperID != "shopper@test.fr" })
            #expect(
                try await shopper.send(.PUT, "\(base)/tests/\(notMine.id)/evaluation", json: body).status == .notFound)

            // Closed editions take no more evaluations.
            _ = try await organiser.send(.POST, "\(base)/advance")
            #expect(try await shopper.send(.PUT, path, json: body).status == .conflict)
        }
    }

    @Test(
        "Before publication a brand sees nothing; after, its own report and its category's ranking only",
        arguments: TestDatabase.available)
    func confidentiality(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let world = try await AwardFixtures.seed(app)
            let organiser = APIClient(app: app, token: try await Fixtures.token(app, "organiser@test.fr"))
            let base = "/api/v1/orgs/award-org/award/editions/\(world.editionID)"
            _ = try await organiser.send(.POST, "\(base)/advance", json: #"{"seed": 3}"#)
            let record = try #require(try await AwardEditionRecord.find(world.editionID, on: app.db))
            try await DemoAward.simulateFieldwork(
                record, definition: try AwardFixtures.definition(), database: app.db)

            let brandA = APIClient(app: app, token: try await Fixtures.token(app, "admin-a@test.fr"))
            let brandPath = "/api/v1/orgs/brand-a/award/editions/\(world.editionID)"
            #expect(try await brandA.get("\(brandPath)/results").status == .notFound)
            #expect(!(try await brandA.get("/api/v1/orgs/brand-a/award/editions").body.string.contains("test-2018")))

            // The organiser sees provisional results.
            let provisional = try await organiser.get("\(base)/results")
            #expect(provisional.body.string.contains("\"provisional\":true"))

            _ = try await organiser.send(.POST, "\(base)/advance")
            _ = try await organiser.send(.POST, "\(base)/advance")

            let results = try await brandA.get("\(brandPath)/results")
            #expect(results.status == .ok)
            let dto = try JSONDecoder.iso.decode(ResultsDTO.self, from: Data(results.body.readableBytesView))
            #expect(dto.reports.map(\.companyName) == ["Brand A"])
            let companyA = try AwardFixtures.definition().companies[0].id
            for entry in dto.categories.flatMap(\.entries) where entry.companyID != companyA {
                #expect(entry.interval == nil, "a competitor's interval is not published")
            }
            // Never a competitor's tests or report.
            #expect(try await brandA.get("\(brandPath)/plan").status == .notFound)
            let companyB = try AwardFixtures.definition().companies[1].id
            let browser = Browser(app)
            try await browser.signIn("admin-a@test.fr")
            let path = "/orgs/brand-a/award/editions/\(world.editionID)"
            #expect(try await browser.get("\(path)/companies/\(companyB)").status == .notFound)
            #expect(try await browser.get("\(path)/marks.csv").status == .notFound)
            let own = try await browser.get("\(path)/companies/\(companyA)")
            #expect(own.status == .ok)
            #expect(own.body.string.contains("<svg"))
            #expect(own.body.string.contains("Points forts"))
            #expect(!own.body.string.contains("Brand B Confidential —"))
            // A brand that took no part sees nothing.
            let brandBOutsider = Browser(app)
            try await brandBOutsider.signIn("provider-admin@test.fr")
            #expect(
                try await brandBOutsider.get("/orgs/provider-p/award/editions/\(world.editionID)").status == .notFound)
        }
    }

    @Test("A shopper records a test through the web form; bad values come back with messages")
    func webEvaluation() async throws {
        try await withTestApp { app in
            let world = try await AwardFixtures.seed(app)
            let organiser = APIClient(app: app, token: try await Fixtures.token(app, "organiser@test.fr"))
            _ = try await organiser.send(.POST, "/api/v1/orgs/award-org/award/editions/\(world.editionID)/advance")
            let browser = Browser(app)
            try await browser.signIn("shopper@test.fr")
            let plan = try await browser.get("/orgs/award-org/award/editions/\(world.editionID)/plan")
            #expect(plan.status == .ok)
            let html = plan.body.string
            let range = try #require(html.range(of: "/tests/"))
            let testID = String(html[range.upperBound...].prefix { $0 != "/" })
            let formPath = "/orgs/award-org/award/editions/\(world.editionID)/tests/\(testID)/evaluation"
            let form = try await browser.get(formPath)
            #expect(form.status == .ok)
            let names = form.body.string.components(separatedBy: "name=\"score_").dropFirst().map {
                String($0.prefix { $0 != "\"" })
            }
            #expect(!names.isEmpty)
            var fields: [String: String] = ["ringingSeconds": "abc", "verbatim": "Accueil <b>chaleureux</b>"]
            for name in names { fields["score_\(name)"] = "0" }  // 0 is on every scale
            let bad = try await browser.post(formPath, fields)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("is not a number"))
            fields["ringingSeconds"] = "10"
            fields["takeInChargeSeconds"] = "20"
            let saved = try await browser.post(formPath, fields)
            #expect(
                saved.status == .seeOther,
                "\(saved.body.string.components(separatedBy: "form-errors").last?.prefix(600) ?? "")")
            #expect(try await AwardEvaluationRecord.query(on: app.db).count() == 1)
            let reopened = try await browser.get(formPath)
            #expect(reopened.body.string.contains("Accueil &lt;b&gt;chaleureux&lt;/b&gt;"))
        }
    }

    @Test("The demo has a published edition with a report Maison Lumière can read, and a shopper with work")
    func demo() async throws {
        try await withTestApp(configure: { $0.demo = true }) { app in
            let brand = Browser(app)
            try await brand.signIn("admin@demo.test", DemoData.password)
            let list = try await brand.get("/orgs/maison-lumiere/award")
            #expect(list.body.string.contains("Élu Service Client de l&#39;Année 2018"))
            #expect(!list.body.string.contains("2019"), "the 2019 edition is not published")
            let record = try #require(
                try await AwardEditionRecord.query(on: app.db).filter(\.$code == DemoAward.publishedCode).first())
            #expect(record.state == .published)
            let report = try await brand.get(
                "/orgs/maison-lumiere/award/editions/\(record.requireID())/companies/primeur-express")
            #expect(report.status == .ok)
            #expect(report.body.string.contains("Maison Lumière"))
            #expect(report.body.string.contains("Axes de progrès"))
            #expect(report.body.string.contains("id=\"scenarios\""), "marks per scenario")
            #expect(report.body.string.contains("Avant-vente"))
            let organiser = Browser(app)
            try await organiser.signIn("organiser@demo.test", DemoData.password)
            let edition = try await organiser.get("/orgs/trophees-demo/award/editions/\(record.requireID())")
            #expect(edition.body.string.contains("escda-phone v2018.1"), "the frozen scorecard versions are shown")

            let shopper = Browser(app)
            try await shopper.signIn("shopper@demo.test", DemoData.password)
            let assignments = try await shopper.get("/orgs/trophees-demo/award/assignments")
            #expect(assignments.status == .seeOther)
            let plan = try await shopper.get(try #require(assignments.headers.first(name: .location)))
            #expect(plan.body.string.contains("class=\"evaluate\""))
        }
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

@Suite("Award report as PDF")
struct AwardPDFTests {
    @Test(
        "The company report prints to a PDF through headless Chromium",
        .enabled(if: PDFPrinter.chromium != nil, "needs Chromium"))
    func pdf() async throws {
        try await withTestApp(configure: { $0.demo = true }) { app in
            let brand = Browser(app)
            try await brand.signIn("admin@demo.test", DemoData.password)
            let record = try #require(
                try await AwardEditionRecord.query(on: app.db).filter(\.$code == DemoAward.publishedCode).first())
            let response = try await brand.get(
                "/orgs/maison-lumiere/award/editions/\(record.requireID())/companies/primeur-express/report.pdf")
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.subType == "pdf")
            #expect(response.body.string.hasPrefix("%PDF"))
            #expect(response.body.readableBytes > 10_000)
        }
    }
}

@Suite("Award evaluations import")
struct AwardImportTests {
    @Test(
        "The CSV that guichet award score reads imports into the server, all or nothing",
        arguments: TestDatabase.available)
    func importCSV(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let world = try await AwardFixtures.seed(app)
            let organiser = APIClient(app: app, token: try await Fixtures.token(app, "organiser@test.fr"))
            let base = "/api/v1/orgs/award-org/award/editions/\(world.editionID)"
            _ = try await organiser.send(.POST, "\(base)/advance", json: #"{"seed": 11}"#)
            let plan = try JSONDecoder.iso.decode(
                [PlannedTestDTO].self, from: Data(try await organiser.get("\(base)/plan").body.readableBytesView))
            let tests = try await AwardTestRecord.query(on: app.db).all().prefix(30)
                .map { try AwardService.decode(MysteryTest.self, $0.testJSON) }
            let scorecards = try ScorecardSet.bundled()
            let evaluations = FieldworkSimulator(scorecards: scorecards, settings: EditionSettings())
                .evaluations(for: Array(tests), profiles: AwardDemo.profiles, seed: 5)
            let csv = EvaluationCSV.write(evaluations, scorecards: scorecards)
            var headers = HTTPHeaders()
            headers.contentType = .init(type: "text", subType: "csv")

            // One row naming a test outside the plan: nothing is written.
            let broken = csv.replacingOccurrences(of: evaluations[3].testID + ",", with: "no-such-test,")
            let refused = try await organiser.send(.POST, "\(base)/evaluations.csv", json: broken, headers: headers)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("no-such-test"))
            #expect(try await AwardEvaluationRecord.query(on: app.db).count() == 0)

            let imported = try await organiser.send(.POST, "\(base)/evaluations.csv", json: csv, headers: headers)
            #expect(imported.status == .ok)
            #expect(imported.body.string.contains("\"created\":30"))
            let again = try await organiser.send(.POST, "\(base)/evaluations.csv", json: csv, headers: headers)
            #expect(again.body.string.contains("\"unchanged\":30"))
            #expect(plan.count == 900)

            // A shopper may not import.
            let shopper = APIClient(app: app, token: try await Fixtures.token(app, "shopper@test.fr"))
            #expect(
                try await shopper.send(.POST, "\(base)/evaluations.csv", json: csv, headers: headers).status
                    == .forbidden)
        }
    }
}

@Suite("Award edition definitions")
struct AwardDefinitionTests {
    @Test("A bad definition is refused with every problem and where it is; nothing is created")
    func badDefinitions() async throws {
        try await withTestApp { app in
            _ = try await AwardFixtures.seed(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "organiser@test.fr"))
            let path = "/api/v1/orgs/award-org/award/editions"
            var definition = try AwardFixtures.definition(code: "bad")
            definition.companies[1].id = definition.companies[0].id
            definition.scenarios.removeLast(5)
            let response = try await api.send(.POST, path, json: String(decoding: try definition.json(), as: UTF8.self))
            #expect(response.status == .unprocessableEntity)
            let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(response.body.readableBytesView))
            let pointers = Set(problem.errors?.map(\.pointer) ?? [])
            #expect(pointers.contains("/companies/1/id"))
            #expect(pointers.contains("/categories/0"), "10 scenarios is below the protocol's 13")

            let malformed = try await api.send(.POST, path, json: #"{"edition": "#)
            #expect(malformed.status == .badRequest)
            let wrongType = try await api.send(.POST, path, json: #"{"edition": 3}"#)
            #expect(wrongType.status == .unprocessableEntity)
            #expect(wrongType.body.string.contains("edition"))

            let duplicate = try await api.send(
                .POST, path, json: String(decoding: try AwardFixtures.definition().json(), as: UTF8.self))
            #expect(duplicate.status == .unprocessableEntity, "the fixture's edition code already exists")
            #expect(try await AwardEditionRecord.query(on: app.db).count() == 1)

            // A provider does not run editions; an agent of a brand may not create one.
            let provider = APIClient(app: app, token: try await Fixtures.token(app, "provider-admin@test.fr"))
            let providerBody = String(decoding: try AwardFixtures.definition(code: "p").json(), as: UTF8.self)
            #expect(
                try await provider.send(.POST, "/api/v1/orgs/provider-p/award/editions", json: providerBody).status
                    == .forbidden)
            let agent = APIClient(app: app, token: try await Fixtures.token(app, "agent-a@test.fr"))
            #expect(try await agent.send(.POST, "/api/v1/orgs/brand-a/award/editions", json: "{}").status == .forbidden)
        }
    }
}
