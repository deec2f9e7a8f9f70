import Fluent
import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// How the caller stands towards one edition. Decided in one place (`AwardService.access`), from the
/// tenant the route addresses: nothing about an edition is read without going through it.
enum EditionAccess: Sendable {
    /// The organisation that runs the edition. `canManage` for admins and evaluators; shoppers who hold no
    /// other role only see their own tests.
    case owner(AwardEditionRecord, roles: Set<Role>)
    /// A brand whose companies took part, once the edition is published: its own reports and the
    /// published ranking, nothing else.
    case participant(AwardEditionRecord, companies: Set<String>)

    var record: AwardEditionRecord {
        switch self {
        case .owner(let record, _), .participant(let record, _): return record
        }
    }

    var isOwner: Bool {
        if case .owner = self { return true }
        return false
    }

    /// Admins and evaluators manage the edition; supervisors and viewers of the owner read it.
    var canReadEverything: Bool {
        guard case .owner(_, let roles) = self else { return false }
        return !roles.isDisjoint(with: [.admin, .evaluator, .supervisor, .viewer])
    }

    var canManage: Bool {
        guard case .owner(_, let roles) = self else { return false }
        return !roles.isDisjoint(with: [.admin, .evaluator])
    }
}

/// The award protocol on the server: editions from definitions, plans, evaluations with their audit,
/// results and reports. Pure rules come from `GuichetCore`; this type stores and checks access.
struct AwardService: Sendable {
    let database: any Database
    let now: Date

    static let storageEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let storageDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try storageEncoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try storageDecoder.decode(type, from: Data(text.utf8))
    }

    // MARK: Access

    /// Resolves the caller's standing towards the edition `id`, or 404 — an edition the caller may not
    /// see does not exist for them.
    func access(_ id: UUID?, tenant: Tenant) async throws -> EditionAccess {
        guard let id, let record = try await AwardEditionRecord.find(id, on: database) else {
            throw AppError.notFound("edition")
        }
        if record.$organisation.id == tenant.organisation.id {
            return .owner(record, roles: tenant.roles)
        }
        if record.state == .published {
            let companies = try await AwardParticipantRecord.query(on: database)
                .filter(\.$edition.$id == id)
                .filter(\.$brand.$id == tenant.organisation.id)
                .all()
            if !companies.isEmpty { return .participant(record, companies: Set(companies.map(\.companyCode))) }
        }
        throw AppError.notFound("edition")
    }

    /// Editions the tenant runs, and published editions in which one of its companies took part.
    func editions(for tenant: Tenant) async throws -> (owned: [AwardEditionRecord], participating: [AwardEditionRecord])
    {
        let owned = try await tenant.scope.query(AwardEditionRecord.self).sort(\.$createdAt, .descending).all()
        let links = try await AwardParticipantRecord.query(on: database)
            .filter(\.$brand.$id == tenant.organisation.id).all()
        let ids = Array(Set(links.map { $0.$edition.id }))
        let participating =
            ids.isEmpty
            ? []
            : try await AwardEditionRecord.query(on: database)
                .filter(\.$id ~~ ids).filter(\.$state == .published)
                .filter(\.$organisation.$id != tenant.organisation.id)
                .sort(\.$publishedAt, .descending).all()
        return (owned, participating)
    }

    // MARK: Creating and advancing

    /// Creates a draft edition from a definition. Brands named in `definition.brands` (by organisation
    /// slug) are linked to their companies so they can read their reports once published.
    func create(_ definition: EditionDefinition, tenant: Tenant) async throws -> AwardEditionRecord {
        try definition.validate()
        guard tenant.organisation.kind != .provider else {
            throw AppError.forbidden("only an award organiser or a brand (rehearsal) runs an edition")
        }
        if try await tenant.scope.query(AwardEditionRecord.self).filter(\.$code == definition.edition.id).first() != nil
        {
            throw ValidationFailure(
                pointer: "/edition/id", "this organisation already has an edition '\(definition.edition.id)'")
        }
        var brandIDs: [String: UUID] = [:]
        for (company, slug) in definition.brands ?? [:] {
            guard let brand = try await Organisation.query(on: database).filter(\.$slug == slug).first(),
                brand.kind == .brand
            else {
                throw ValidationFailure(pointer: "/brands/\(company)", "no brand organisation '\(slug)'")
            }
            brandIDs[company] = try brand.requireID()
        }
        // A brand rehearsing the protocol on itself reads its own reports.
        let selfBrand = tenant.organisation.kind == .brand ? tenant.organisation.id : nil
        let brands = brandIDs
        return try await database.transaction { database in
            let record = AwardEditionRecord(
                organisationID: tenant.organisation.id, code: definition.edition.id, name: definition.edition.name,
                definitionJSON: try Self.encode(definition))
            try await record.create(on: database)
            for company in definition.companies {
                try await AwardParticipantRecord(
                    editionID: try record.requireID(), companyCode: company.id, companyName: company.name,
                    categoryCode: company.categoryID, brandID: brands[company.id] ?? selfBrand
                ).create(on: database)
            }
            return record
        }
    }

    /// Moves the edition one step forward. Starting fieldwork freezes the scorecards and draws the plan;
    /// publishing fixes the results.
    func advance(_ record: AwardEditionRecord, seed: UInt64?) async throws -> AwardEditionRecord {
        guard let next = record.state.next else {
            throw AppError(.conflict, detail: "the edition is already published")
        }
        let definition = try Self.decode(EditionDefinition.self, record.definitionJSON)
        let editionID = try record.requireID()
        try await database.transaction { database in
            switch next {
            case .fieldwork:
                let scorecards = try ScorecardSet.bundled()
                // Without a chosen seed, the edition's own identifier fixes one, recorded with the plan.
                let seed = seed ?? withUnsafeBytes(of: editionID.uuid) { $0.loadUnaligned(as: UInt64.self) }
                let plan = try definition.plan(seed: seed)
                let shopperUsers = try await shopperAccounts(
                    definition.shoppers, owner: record.$organisation.id, on: database)
                for test in plan.tests {
                    try await AwardTestRecord(
                        editionID: editionID, code: test.id, companyCode: test.companyID,
                        channel: test.channel.rawValue,
                        scheduledAt: test.scheduledAt, shopperCode: test.shopperID,
                        shopperUserID: test.shopperID.flatMap { shopperUsers[$0] }, testJSON: try Self.encode(test)
                    ).create(on: database)
                }
                record.scorecardsJSON = try Self.encode(scorecards)
                record.planSeed = Int64(bitPattern: seed)
            case .closed:
                break
            case .published:
                record.resultsJSON = try Self.encode(try await computeResults(record, on: database))
                record.publishedAt = now
            case .draft:
                break
            }
            record.state = next
            try await record.save(on: database)
        }
        return record
    }

    /// Shopper identifiers that are emails of people holding the shopper role in the owner organisation.
    private func shopperAccounts(
        _ shoppers: [Shopper], owner: UUID, on database: any Database
    ) async throws
        -> [String: UUID]
    {
        var accounts: [String: UUID] = [:]
        for shopper in shoppers {
            guard
                let user = try await User.query(on: database)
                    .filter(\.$email == InputRules.normalisedEmail(shopper.id)).first()
            else { continue }
            let isShopper =
                try await Membership.owned(by: owner, on: database)
                .filter(\.$user.$id == user.requireID()).filter(\.$role == .shopper).first() != nil
            if isShopper { accounts[shopper.id] = try user.requireID() }
        }
        return accounts
    }

    // MARK: Plan and evaluations

    /// The planned tests the caller may see: all of them for readers of the owner, otherwise the
    /// caller's own assignments.
    func tests(_ access: EditionAccess, userID: UUID) async throws -> [AwardTestRecord] {
        guard access.isOwner else { throw AppError.notFound("plan") }
        let query = AwardTestRecord.query(on: database).filter(\.$edition.$id == (try access.record.requireID()))
        if !access.canReadEverything { query.filter(\.$shopper.$id == userID) }
        return try await query.sort(\.$scheduledAt).sort(\.$code).all()
    }

    /// The test `code`, if the caller may evaluate it: their own assignment, or any test for admins and
    /// evaluators of the owner.
    func testForEvaluation(_ access: EditionAccess, code: String, userID: UUID) async throws -> AwardTestRecord {
        guard access.isOwner,
            let test = try await AwardTestRecord.query(on: database)
                .filter(\.$edition.$id == access.record.requireID()).filter(\.$code == code).first()
        else { throw AppError.notFound("test '\(code)'") }
        guard access.canManage || test.$shopper.id == userID else { throw AppError.notFound("test '\(code)'") }
        return test
    }

    func scorecards(_ record: AwardEditionRecord) throws -> ScorecardSet {
        guard let json = record.scorecardsJSON else {
            throw AppError(.conflict, detail: "fieldwork has not started: no scorecards are frozen yet")
        }
        return try Self.decode(ScorecardSet.self, json)
    }

    func evaluation(of test: AwardTestRecord) async throws -> AwardEvaluationRecord? {
        try await AwardEvaluationRecord.query(on: database)
            .filter(\.$edition.$id == test.$edition.id).filter(\.$testCode == test.code).first()
    }

    /// Records the evaluation of `test`. Submitting the same content again changes nothing; a different
    /// content replaces it and leaves an audit entry (who, when, before, after).
    func submit(
        _ input: EvaluationInput, for test: AwardTestRecord, edition: AwardEditionRecord, userID: UUID
    )
        async throws -> (record: AwardEvaluationRecord, created: Bool, changed: Bool)
    {
        guard edition.state.acceptsEvaluations else {
            throw AppError(.conflict, detail: "the edition is \(edition.state.rawValue): evaluations are closed")
        }
        let planned = try Self.decode(MysteryTest.self, test.testJSON)
        let evaluation = input.evaluation(for: planned)
        let definition = try Self.decode(EditionDefinition.self, edition.definitionJSON)
        let issues = AwardScoring(settings: definition.edition.settings, scorecards: try scorecards(edition))
            .validate(evaluation)
        guard issues.isEmpty else {
            throw ValidationFailure(issues.map { FieldProblem(pointer: Self.pointer(for: $0), detail: $0.message) })
        }
        let json = try Self.encode(evaluation)
        return try await database.transaction { database in
            try await store(json, for: test, userID: userID, on: database)
        }
    }

    /// Writes one evaluation: the same content again changes nothing; a different one replaces it and
    /// leaves an audit entry (who, when, before, after).
    private func store(
        _ json: String, for test: AwardTestRecord, userID: UUID, on database: any Database
    )
        async throws -> (record: AwardEvaluationRecord, created: Bool, changed: Bool)
    {
        if let existing = try await AwardEvaluationRecord.query(on: database)
            .filter(\.$edition.$id == test.$edition.id).filter(\.$testCode == test.code).first()
        {
            guard existing.evaluationJSON != json else { return (existing, false, false) }
            try await AwardEvaluationAuditRecord(
                evaluationID: try existing.requireID(), editedBy: userID, editedAt: now,
                beforeJSON: existing.evaluationJSON, afterJSON: json
            ).create(on: database)
            existing.evaluationJSON = json
            existing.$submittedBy.id = userID
            try await existing.save(on: database)
            return (existing, false, true)
        }
        let record = AwardEvaluationRecord(
            editionID: test.$edition.id, testCode: test.code, submittedBy: userID, evaluationJSON: json)
        try await record.create(on: database)
        return (record, true, true)
    }

    /// Imports an evaluations CSV file (the format `guichet award score` reads) into the edition: every row
    /// must be a planned test of this edition with the same company and channel. All or nothing: one bad
    /// row and nothing is written; the answer lists every problem with its line and column.
    func importCSV(
        _ text: String, edition: EditionAccess, userID: UUID
    ) async throws -> (created: Int, changed: Int, unchanged: Int) {
        guard edition.canManage else { throw AppError.notFound("edition") }
        let record = edition.record
        guard record.state.acceptsEvaluations else {
            throw AppError(.conflict, detail: "the edition is \(record.state.rawValue): evaluations are closed")
        }
        let definition = try Self.decode(EditionDefinition.self, record.definitionJSON)
        let scoring = AwardScoring(settings: definition.edition.settings, scorecards: try scorecards(record))
        let evaluations: [Evaluation]
        do {
            evaluations = try EvaluationCSV.parse(text, file: "upload.csv", scoring: scoring)
        } catch let error as EvaluationFileError {
            throw ValidationFailure(
                error.problems.map {
                    FieldProblem(
                        pointer: "line \($0.line)" + ($0.column.map { ", column \($0)" } ?? ""), detail: $0.message)
                })
        }
        let planned = Dictionary(
            uniqueKeysWithValues: try await AwardTestRecord.query(on: database)
                .filter(\.$edition.$id == record.requireID()).all().map { ($0.code, $0) })
        var problems: [FieldProblem] = []
        var rows: [(AwardTestRecord, Evaluation)] = []
        for (index, evaluation) in evaluations.enumerated() {
            let line = "line \(index + 2)"
            guard let test = planned[evaluation.testID] else {
                problems.append(
                    .init(pointer: line, detail: "test '\(evaluation.testID)' is not in this edition's plan"))
                continue
            }
            let plan = try Self.decode(MysteryTest.self, test.testJSON)
            if plan.companyID != evaluation.companyID || plan.channel != evaluation.channel {
                problems.append(
                    .init(
                        pointer: line,
                        detail: "test '\(plan.id)' is planned for \(plan.companyID) on \(plan.channel.rawValue)"))
                continue
            }
            for issue in scoring.validate(evaluation) {
                problems.append(
                    .init(pointer: line + (issue.field.map { ", column \($0)" } ?? ""), detail: issue.message))
            }
            rows.append((test, evaluation))
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        let encoded = try rows.map { ($0.0, try Self.encode($0.1)) }
        return try await database.transaction { database in
            var counts = (created: 0, changed: 0, unchanged: 0)
            for (test, json) in encoded {
                let outcome = try await store(json, for: test, userID: userID, on: database)
                if outcome.created {
                    counts.created += 1
                } else if outcome.changed {
                    counts.changed += 1
                } else {
                    counts.unchanged += 1
                }
            }
            return counts
        }
    }

    private static func pointer(for issue: EvaluationIssue) -> String {
        guard let field = issue.field else { return "/" }
        switch field {
        case "ringing_s": return "/ringingSeconds"
        case "take_in_charge_s": return "/takeInChargeSeconds"
        case "started_at": return "/startedAt"
        case "ended_at": return "/endedAt"
        default: return "/scores/\(field)"
        }
    }

    func audits(of evaluation: AwardEvaluationRecord) async throws -> [AwardEvaluationAuditRecord] {
        try await AwardEvaluationAuditRecord.query(on: database)
            .filter(\.$evaluation.$id == evaluation.requireID()).sort(\.$editedAt).all()
    }

    // MARK: Results

    /// Results as the caller may see them: live results for readers of the owner (before publication
    /// too), the fixed published results for everyone else.
    func results(_ access: EditionAccess) async throws -> EditionResults {
        let record = access.record
        if let json = record.resultsJSON { return try Self.decode(EditionResults.self, json) }
        guard access.canReadEverything else { throw AppError.notFound("results") }
        return try await computeResults(record, on: database)
    }

    private func computeResults(_ record: AwardEditionRecord, on database: any Database) async throws -> EditionResults
    {
        let definition = try Self.decode(EditionDefinition.self, record.definitionJSON)
        let evaluations = try await AwardEvaluationRecord.query(on: database)
            .filter(\.$edition.$id == record.requireID()).all()
            .map { try Self.decode(Evaluation.self, $0.evaluationJSON) }
        return try EditionResults.compute(
            settings: definition.edition.settings, scorecards: try scorecards(record),
            categories: definition.categories, companies: definition.companies, evaluations: evaluations,
            bootstrap: BootstrapOptions(seed: UInt64(bitPattern: record.planSeed ?? 1)))
    }

    /// One company's report, if the caller may read it.
    func report(_ access: EditionAccess, company: String) async throws -> (CompanyReport, CategoryResult) {
        switch access {
        case .participant(_, let companies) where !companies.contains(company):
            throw AppError.notFound("report")
        case .owner where !access.canReadEverything:
            throw AppError.notFound("report")
        default:
            break
        }
        let results = try await results(access)
        guard let report = results.reports.first(where: { $0.companyID == company }),
            let category = results.categories.first(where: { $0.categoryID == report.categoryID })
        else { throw AppError.notFound("report") }
        return (report, category)
    }
}

/// What a shopper records for one test (the test's identity comes from the plan, not from the input).
struct EvaluationInput: Content, Sendable {
    var startedAt: Date?
    var endedAt: Date?
    var ringingSeconds: Double?
    var takeInChargeSeconds: Double?
    var saturationMessage: Bool?
    var scores: [String: CriterionScore]
    var verbatim: String?

    func evaluation(for test: MysteryTest) -> Evaluation {
        Evaluation(
            testID: test.id, companyID: test.companyID, categoryID: test.categoryID, channel: test.channel,
            scenarioID: test.scenarioID, startedAt: startedAt, endedAt: endedAt, ringingSeconds: ringingSeconds,
            takeInChargeSeconds: takeInChargeSeconds, saturationMessage: saturationMessage ?? false, scores: scores,
            verbatim: verbatim ?? "")
    }
}
