import Fluent
import Foundation
import GuichetCore
import GuichetStore

/// The award part of the demo: a published 2018 edition with one category of four companies and its
/// full simulated fieldwork (900 tests), and a 2019 edition in fieldwork where the demo shopper has
/// tests to evaluate. Maison Lumière (the demo brand) is one of the companies and reads its report.
enum DemoAward {
    static let publishedCode = "escda-2018"
    static let fieldworkCode = "escda-2019"

    static func load(on database: any Database, organiser: Organisation, brand: Organisation) async throws {
        let tenant = Tenant(
            organisation: try OrganisationSummary(organiser), roles: [.admin],
            scope: TenantScope(organisationID: try organiser.requireID(), database: database))
        let service = AwardService(database: database, now: Date())
        if try await tenant.scope.query(AwardEditionRecord.self).filter(\.$code == publishedCode).first() == nil {
            let definition = try demoDefinition(
                code: publishedCode, name: "Élu Service Client de l'Année 2018", brand: brand)
            let record = try await service.create(definition, tenant: tenant)
            _ = try await service.advance(record, seed: 2018)
            try await simulateFieldwork(record, definition: definition, database: database)
            _ = try await service.advance(record, seed: nil)  // closed
            _ = try await service.advance(record, seed: nil)  // published
        }
        if try await tenant.scope.query(AwardEditionRecord.self).filter(\.$code == fieldworkCode).first() == nil {
            var definition = try demoDefinition(
                code: fieldworkCode, name: "Élu Service Client de l'Année 2019", brand: brand)
            definition.edition.start = CivilDate(year: 2018, month: 5, day: 7)
            let record = try await service.create(definition, tenant: tenant)
            _ = try await service.advance(record, seed: 2019)
        }
    }

    /// The core's demo edition, with Maison Lumière in place of its first company and the demo shopper
    /// among the shoppers.
    static func demoDefinition(code: String, name: String, brand: Organisation) throws -> EditionDefinition {
        var definition = try EditionDefinition.demo()
        definition.edition.id = code
        definition.edition.name = name
        definition.companies[0].name = brand.name
        definition.brands = [definition.companies[0].id: brand.slug]
        definition.shoppers[0] = Shopper(id: "shopper@demo.test", name: "Inès Cliente Mystère")
        return definition
    }

    /// Evaluations for every planned test, drawn by the core's fieldwork simulator.
    static func simulateFieldwork(
        _ record: AwardEditionRecord, definition: EditionDefinition, database: any Database
    )
        async throws
    {
        let tests = try await AwardTestRecord.query(on: database).filter(\.$edition.$id == record.requireID()).all()
            .map { try AwardService.decode(MysteryTest.self, $0.testJSON) }
        guard let json = record.scorecardsJSON else { return }
        let scorecards = try AwardService.decode(ScorecardSet.self, json)
        let evaluations = FieldworkSimulator(scorecards: scorecards, settings: definition.edition.settings)
            .evaluations(for: tests, profiles: AwardDemo.profiles, seed: 2018)
        try await database.transaction { database in
            for evaluation in evaluations {
                try await AwardEvaluationRecord(
                    editionID: try record.requireID(), testCode: evaluation.testID, submittedBy: nil,
                    evaluationJSON: try AwardService.encode(evaluation)
                ).create(on: database)
            }
        }
    }
}
