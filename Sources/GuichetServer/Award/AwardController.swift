import Fluent
import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// `/api/v1/orgs/:org/award/…`: editions, plans, evaluations, results and reports.
struct AwardController {
    /// Everyone in the organisation may reach these routes; what each sees is decided per edition by
    /// `AwardService.access` (owner roles, shopper's own tests, participant after publication).
    static let readers = Access.anyMember
    static let managers = Access.roles([.admin])
    static let evaluators = Access.roles([.admin, .evaluator, .shopper])

    func register(_ api: any RoutesBuilder) {
        let award = api.grouped("orgs", ":org", "award")
        award.endpoint(
            .GET, "editions", access: Self.readers, audience: .api,
            doc: .init(
                summary: "Editions the organisation runs or took part in (published)", tag: "Award",
                response: Schema.array(EditionDTO.schema)),
            use: list)
        award.endpoint(
            .POST, "editions", access: Self.managers, audience: .api,
            doc: .init(
                summary: "Create a draft edition from its definition", tag: "Award",
                request: EditionDefinition.schema, response: EditionDTO.schema, successStatus: 201),
            use: create)
        award.endpoint(
            .GET, "editions", ":edition", access: Self.readers, audience: .api,
            doc: .init(summary: "One edition", tag: "Award", response: EditionDTO.schema), use: show)
        award.endpoint(
            .POST, "editions", ":edition", "advance", access: Self.managers, audience: .api,
            doc: .init(
                summary: "Move to the next state (fieldwork draws the plan; publishing fixes results)",
                tag: "Award", request: AdvanceRequest.schema, response: EditionDTO.schema),
            use: advance)
        award.endpoint(
            .GET, "editions", ":edition", "plan", access: Self.readers, audience: .api,
            doc: .init(
                summary: "Planned tests: all for the organiser, a shopper's own otherwise", tag: "Award",
                response: Schema.array(PlannedTestDTO.schema)),
            use: plan)
        award.endpoint(
            .GET, "editions", ":edition", "tests", ":test", "evaluation", access: Self.evaluators, audience: .api,
            doc: .init(summary: "The evaluation of one test", tag: "Award", response: EvaluationDTO.schema),
            use: evaluation)
        award.endpoint(
            .PUT, "editions", ":edition", "tests", ":test", "evaluation", access: Self.evaluators, audience: .api,
            doc: .init(
                summary: "Record or correct the evaluation of one test (idempotent; corrections audited)",
                tag: "Award", request: EvaluationInput.schema, response: EvaluationDTO.schema),
            use: submit)
        award.endpoint(
            .POST, "editions", ":edition", "evaluations.csv", access: Self.managers, audience: .api,
            doc: .init(
                summary: "Import evaluations from the CSV format of `guichet award score` (all or nothing)",
                tag: "Award", request: ["type": "string", "description": "text/csv body"],
                response: ImportResultDTO.schema),
            use: importCSV)
        award.endpoint(
            .GET, "editions", ":edition", "results", access: Self.readers, audience: .api,
            doc: .init(
                summary: "Category results and the reports the caller may read", tag: "Award",
                response: ResultsDTO.schema),
            use: results)
    }

    private func service(_ request: Request) -> AwardService { AwardService(database: request.db, now: request.now) }

    private func access(_ request: Request) async throws -> EditionAccess {
        try await service(request).access(
            request.parameters.get("edition", as: UUID.self), tenant: request.requireTenant())
    }

    @Sendable func list(_ request: Request) async throws -> [EditionDTO] {
        let (owned, participating) = try await service(request).editions(for: request.requireTenant())
        return try owned.map { try EditionDTO($0, standing: "owner") }
            + participating.map { try EditionDTO($0, standing: "participant") }
    }

    @Sendable func create(_ request: Request) async throws -> Response {
        let definition: EditionDefinition
        do {
            definition = try AwardJSON.decoder.decode(
                EditionDefinition.self, from: request.body.data.map { Data(buffer: $0) } ?? Data())
        } catch let error as DecodingError {
            throw GuichetErrorMiddleware.describe(error)
        }
        let record = try await service(request).create(definition, tenant: request.requireTenant())
        let response = Response(status: .created)
        try response.content.encode(try EditionDTO(record, standing: "owner"))
        return response
    }

    @Sendable func show(_ request: Request) async throws -> EditionDTO {
        let access = try await access(request)
        return try EditionDTO(access.record, standing: access.isOwner ? "owner" : "participant")
    }

    @Sendable func advance(_ request: Request) async throws -> EditionDTO {
        let access = try await access(request)
        guard access.isOwner else { throw AppError.notFound("edition") }
        let body = request.body.data == nil ? AdvanceRequest() : try request.decodeJSON(AdvanceRequest.self)
        return try EditionDTO(try await service(request).advance(access.record, seed: body.seed), standing: "owner")
    }

    @Sendable func plan(_ request: Request) async throws -> [PlannedTestDTO] {
        let access = try await access(request)
        let service = service(request)
        let tests = try await service.tests(access, userID: request.requirePrincipal().userID)
        let evaluated = Set(
            try await AwardEvaluationRecord.query(on: request.db)
                .filter(\.$edition.$id == access.record.requireID()).all().map(\.testCode))
        return try tests.map {
            PlannedTestDTO(
                try AwardService.decode(MysteryTest.self, $0.testJSON), evaluated: evaluated.contains($0.code))
        }
    }

    @Sendable func evaluation(_ request: Request) async throws -> EvaluationDTO {
        let access = try await access(request)
        let service = service(request)
        let test = try await service.testForEvaluation(
            access, code: request.parameters.get("test") ?? "", userID: request.requirePrincipal().userID)
        guard let record = try await service.evaluation(of: test) else { throw AppError.notFound("evaluation") }
        return try await dto(record, access: access, service: service)
    }

    @Sendable func submit(_ request: Request) async throws -> Response {
        let access = try await access(request)
        let service = service(request)
        let userID = try request.requirePrincipal().userID
        let test = try await service.testForEvaluation(
            access, code: request.parameters.get("test") ?? "", userID: userID)
        let input = try request.decodeJSON(EvaluationInput.self)
        let (record, created, _) = try await service.submit(input, for: test, edition: access.record, userID: userID)
        let response = Response(status: created ? .created : .ok)
        try response.content.encode(try await dto(record, access: access, service: service))
        return response
    }

    private func dto(
        _ record: AwardEvaluationRecord, access: EditionAccess, service: AwardService
    ) async throws
        -> EvaluationDTO
    {
        let evaluation = try AwardService.decode(Evaluation.self, record.evaluationJSON)
        let definition = try AwardService.decode(EditionDefinition.self, access.record.definitionJSON)
        let mark = try? AwardScoring(
            settings: definition.edition.settings, scorecards: service.scorecards(access.record)
        )
        .markTest(evaluation)
        return EvaluationDTO(
            testID: record.testCode, evaluation: evaluation, mark: mark, submittedAt: record.createdAt,
            updatedAt: record.updatedAt, edits: try await service.audits(of: record).count)
    }

    @Sendable func importCSV(_ request: Request) async throws -> ImportResultDTO {
        let access = try await access(request)
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw AppError(.badRequest, detail: "send the CSV file as the request body")
        }
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) else {
            throw AppError(.badRequest, detail: "the file is not UTF-8 text")
        }
        let counts = try await service(request).importCSV(
            text, edition: access, userID: request.requirePrincipal().userID)
        return ImportResultDTO(created: counts.created, changed: counts.changed, unchanged: counts.unchanged)
    }

    @Sendable func results(_ request: Request) async throws -> ResultsDTO {
        let access = try await access(request)
        let results = try await service(request).results(access)
        switch access {
        case .owner:
            return ResultsDTO(
                edition: try EditionDTO(access.record, standing: "owner"), categories: results.categories,
                reports: results.reports, provisional: access.record.state != .published)
        case .participant(_, let companies):
            let categoriesOfOwn = Set(results.reports.filter { companies.contains($0.companyID) }.map(\.categoryID))
            return ResultsDTO(
                edition: try EditionDTO(access.record, standing: "participant"),
                categories: results.categories.filter { categoriesOfOwn.contains($0.categoryID) }
                    .map { $0.publishedRanking(revealingIntervalsOf: companies) },
                reports: results.reports.filter { companies.contains($0.companyID) }, provisional: false)
        }
    }
}
