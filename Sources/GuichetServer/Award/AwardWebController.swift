import Fluent
import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// The award pages under `/orgs/:org/award`. What each person sees is decided per edition by
/// `AwardService.access`, as for the API.
struct AwardWebController {
    func register(_ web: any RoutesBuilder) {
        let award = web.grouped("orgs", ":org", "award")
        let readers = AwardController.readers
        award.endpoint(.GET, access: readers, audience: .web, use: editions)
        award.endpoint(.POST, "editions", access: AwardController.managers, audience: .web, use: create)
        award.endpoint(.GET, "assignments", access: readers, audience: .web, use: assignments)
        award.endpoint(.GET, "editions", ":edition", access: readers, audience: .web, use: edition)
        award.endpoint(
            .POST, "editions", ":edition", "advance", access: AwardController.managers, audience: .web, use: advance)
        award.endpoint(.GET, "editions", ":edition", "plan", access: readers, audience: .web, use: plan)
        award.endpoint(
            .POST, "editions", ":edition", "import", access: AwardController.managers, audience: .web, use: importCSV)
        award.endpoint(.GET, "editions", ":edition", "plan.csv", access: readers, audience: .web, use: planCSV)
        award.endpoint(.GET, "editions", ":edition", "marks.csv", access: readers, audience: .web, use: marksCSV)
        award.endpoint(
            .GET, "editions", ":edition", "tests", ":test", "evaluation", access: AwardController.evaluators,
            audience: .web, use: evaluationForm)
        award.endpoint(
            .POST, "editions", ":edition", "tests", ":test", "evaluation", access: AwardController.evaluators,
            audience: .web, use: submitEvaluation)
        award.endpoint(
            .GET, "editions", ":edition", "companies", ":company", access: readers, audience: .web, use: report)
        award.endpoint(
            .GET, "editions", ":edition", "companies", ":company", "report.pdf", access: readers, audience: .web,
            use: reportPDF)
    }

    private func service(_ request: Request) -> AwardService { AwardService(database: request.db, now: request.now) }

    private func access(_ request: Request) async throws -> EditionAccess {
        try await service(request).access(
            request.parameters.get("edition", as: UUID.self), tenant: request.requireTenant())
    }

    // MARK: Editions

    @Sendable func editions(_ request: Request) async throws -> Response {
        try await renderEditions(request, error: nil, definition: "")
    }

    private func renderEditions(
        _ request: Request, error: String?, definition: String, status: HTTPResponseStatus = .ok
    )
        async throws -> Response
    {
        let tenant = try request.requireTenant()
        let (owned, participating) = try await service(request).editions(for: tenant)
        let rows = { (records: [AwardEditionRecord]) in
            try records.map { AwardPages.EditionsModel.Row(id: try $0.requireID(), name: $0.name, state: $0.state) }
        }
        let model = AwardPages.EditionsModel(
            organisation: tenant.organisation, owned: try rows(owned), participating: try rows(participating),
            canCreate: tenant.roles.contains(.admin) && tenant.organisation.kind != .provider,
            isShopper: tenant.roles.contains(.shopper), error: error, definitionText: definition)
        return AwardPages.editions(model, try await PageContext(request: request)).response(status: status)
    }

    struct CreateForm: Content {
        var definition: String?
    }

    @Sendable func create(_ request: Request) async throws -> Response {
        let text = try request.content.decode(CreateForm.self).definition ?? ""
        do {
            let definition = try EditionDefinition.decode(Data(text.utf8))
            let record = try await service(request).create(definition, tenant: request.requireTenant())
            return request.redirect(
                to: AwardPages.editionPath(try request.requireTenant().organisation.slug, try record.requireID()),
                redirectType: .normal)
        } catch let failure as ValidationFailure {
            return try await renderEditions(
                request, error: failure.description, definition: text, status: .unprocessableEntity)
        }
    }

    @Sendable func assignments(_ request: Request) async throws -> Response {
        let tenant = try request.requireTenant()
        let (owned, _) = try await service(request).editions(for: tenant)
        // The current fieldwork edition, else the latest: that is where a shopper's work is.
        guard let record = owned.first(where: { $0.state == .fieldwork }) ?? owned.first else {
            return try await renderEditions(request, error: nil, definition: "")
        }
        return request.redirect(
            to: AwardPages.editionPath(tenant.organisation.slug, try record.requireID()) + "/plan",
            redirectType: .normal)
    }

    @Sendable func edition(_ request: Request) async throws -> Response {
        try await renderEdition(request, access: try await access(request), notice: nil, problems: [])
    }

    private func renderEdition(
        _ request: Request, access: EditionAccess, notice: String?, problems: [FieldProblem],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let tenant = try request.requireTenant()
        let service = service(request)
        let record = access.record
        var counts: [GuichetCore.Channel: Int] = [:]
        var evaluatedCount = 0
        if access.isOwner, record.state != .draft {
            for test in try await service.tests(access, userID: request.requirePrincipal().userID) {
                if let channel = GuichetCore.Channel(rawValue: test.channel) { counts[channel, default: 0] += 1 }
            }
            evaluatedCount = try await AwardEvaluationRecord.query(on: request.db)
                .filter(\.$edition.$id == record.requireID()).count()
        }
        var categories: [CategoryResult] = []
        var reportable: Set<String> = []
        if access.canReadEverything, record.state != .draft {
            let results = try await service.results(access)
            categories = results.categories
            reportable = Set(results.reports.map(\.companyID))
        } else if case .participant(_, let companies) = access {
            let results = try await service.results(access)
            let own = Set(results.reports.filter { companies.contains($0.companyID) }.map(\.categoryID))
            categories = results.categories.filter { own.contains($0.categoryID) }
                .map { $0.publishedRanking(revealingIntervalsOf: companies) }
            reportable = companies
        }
        let model = AwardPages.EditionModel(
            organisation: tenant.organisation, id: try record.requireID(), name: record.name, state: record.state,
            isOwner: access.isOwner, canManage: access.canManage, canReadEverything: access.canReadEverything,
            testCounts: counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, evaluatedCount: evaluatedCount,
            results: categories, reportable: reportable,
            provisional: access.isOwner && record.state != .published, notice: notice, importProblems: problems,
            frozen: (try? service.scorecards(record))?.freeze(editionID: record.code).pins ?? [])
        return AwardPages.edition(model, try await PageContext(request: request)).response(status: status)
    }

    @Sendable func advance(_ request: Request) async throws -> Response {
        let access = try await access(request)
        guard access.canManage else { throw AppError.notFound("edition") }
        _ = try await service(request).advance(access.record, seed: nil)
        return request.redirect(
            to: AwardPages.editionPath(try request.requireTenant().organisation.slug, try access.record.requireID()),
            redirectType: .normal)
    }

    struct ImportForm: Content {
        var csv: String?
    }

    @Sendable func importCSV(_ request: Request) async throws -> Response {
        let access = try await access(request)
        let text = try request.content.decode(ImportForm.self).csv ?? ""
        do {
            let counts = try await service(request).importCSV(
                text, edition: access, userID: request.requirePrincipal().userID)
            return try await renderEdition(
                request, access: access, notice: "\(counts.created) + \(counts.changed) ✓ (\(counts.unchanged) =)",
                problems: [])
        } catch let failure as ValidationFailure {
            return try await renderEdition(
                request, access: access, notice: nil, problems: failure.problems, status: .unprocessableEntity)
        }
    }

    // MARK: Plan

    @Sendable func plan(_ request: Request) async throws -> Response {
        let access = try await access(request)
        let tenant = try request.requireTenant()
        let userID = try request.requirePrincipal().userID
        let tests = try await service(request).tests(access, userID: userID)
        let evaluated = Set(
            try await AwardEvaluationRecord.query(on: request.db)
                .filter(\.$edition.$id == access.record.requireID()).all().map(\.testCode))
        let open = access.record.state.acceptsEvaluations
        let rows = try tests.map { record in
            AwardPages.PlanModel.Row(
                test: try AwardService.decode(MysteryTest.self, record.testJSON),
                evaluated: evaluated.contains(record.code),
                canEvaluate: open && (access.canManage || record.$shopper.id == userID))
        }
        let notice = request.query[String.self, at: "saved"].map { _ in
            request.language == .fr ? Strings.saved.fr : Strings.saved.en
        }
        let model = AwardPages.PlanModel(
            organisation: tenant.organisation, editionID: try access.record.requireID(),
            editionName: access.record.name,
            rows: rows, showShopper: access.canReadEverything, notice: notice)
        return AwardPages.plan(model, try await PageContext(request: request)).response()
    }

    @Sendable func planCSV(_ request: Request) async throws -> Response {
        let access = try await access(request)
        guard access.canReadEverything else { throw AppError.notFound("plan") }
        let tests = try await service(request).tests(access, userID: request.requirePrincipal().userID)
            .map { try AwardService.decode(MysteryTest.self, $0.testJSON) }
        let plan = TestPlan(
            editionID: access.record.code, seed: UInt64(bitPattern: access.record.planSeed ?? 0), tests: tests,
            skipped: [])
        return csv(plan.csv(), filename: "\(access.record.code)-plan.csv")
    }

    @Sendable func marksCSV(_ request: Request) async throws -> Response {
        let access = try await access(request)
        guard access.canReadEverything else { throw AppError.notFound("marks") }
        let results = try await service(request).results(access)
        var lines = ["test_id,company,category,channel,scenario,obtained,applicable,mark,zero_causes"]
        for mark in results.scored.tests {
            let causes = mark.zeroCauses.map(\.kind.rawValue).joined(separator: "|")
            lines.append(
                [
                    mark.testID, mark.companyID, mark.categoryID, mark.channel.rawValue, mark.scenarioID,
                    String(format: "%.2f", mark.obtained), String(format: "%.2f", mark.applicable),
                    String(format: "%.4f", mark.mark), causes,
                ].map(CSVField.escape).joined(separator: ","))
        }
        return csv(lines.joined(separator: "\n") + "\n", filename: "\(access.record.code)-marks.csv")
    }

    private func csv(_ text: String, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = .init(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: filename)
        return response
    }

    // MARK: Evaluation

    @Sendable func evaluationForm(_ request: Request) async throws -> Response {
        let access = try await access(request)
        let service = service(request)
        let test = try await service.testForEvaluation(
            access, code: request.parameters.get("test") ?? "", userID: request.requirePrincipal().userID)
        var values: [String: String] = [:]
        if let existing = try await service.evaluation(of: test) {
            values = Self.formValues(try AwardService.decode(Evaluation.self, existing.evaluationJSON))
        }
        return try await renderForm(request, access: access, test: test, values: values, problems: [])
    }

    private func renderForm(
        _ request: Request, access: EditionAccess, test: AwardTestRecord, values: [String: String],
        problems: [FieldProblem], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let planned = try AwardService.decode(MysteryTest.self, test.testJSON)
        guard let scorecard = try service(request).scorecards(access.record)[planned.channel] else {
            throw AppError(.conflict, detail: "no scorecard for \(planned.channel.rawValue)")
        }
        let model = AwardPages.EvaluationFormModel(
            organisation: try request.requireTenant().organisation, editionID: try access.record.requireID(),
            test: planned, scorecard: scorecard, values: values, problems: problems)
        return AwardPages.evaluationForm(model, try await PageContext(request: request)).response(status: status)
    }

    @Sendable func submitEvaluation(_ request: Request) async throws -> Response {
        let access = try await access(request)
        let service = service(request)
        let userID = try request.requirePrincipal().userID
        let test = try await service.testForEvaluation(
            access, code: request.parameters.get("test") ?? "", userID: userID)
        let fields = try request.content.decode([String: String].self)
        let (input, problems) = Self.parse(fields)
        guard problems.isEmpty else {
            return try await renderForm(
                request, access: access, test: test, values: fields, problems: problems, status: .unprocessableEntity)
        }
        do {
            _ = try await service.submit(input, for: test, edition: access.record, userID: userID)
        } catch let failure as ValidationFailure {
            return try await renderForm(
                request, access: access, test: test, values: fields, problems: failure.problems,
                status: .unprocessableEntity)
        }
        let tenant = try request.requireTenant()
        return request.redirect(
            to: AwardPages.editionPath(tenant.organisation.slug, try access.record.requireID())
                + "/plan?saved=\(test.code)",
            redirectType: .normal)
    }

    /// Reads the form; numbers must be numbers, each problem names its field.
    static func parse(_ fields: [String: String]) -> (EvaluationInput, [FieldProblem]) {
        var problems: [FieldProblem] = []
        func number(_ name: String) -> Double? {
            guard let text = fields[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
                problems.append(.init(pointer: "/\(name)", detail: "'\(text)' is not a number"))
                return nil
            }
            return value
        }
        func date(_ name: String) -> Date? {
            guard let text = fields[name], !text.isEmpty else { return nil }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "Europe/Paris")
            formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm"
            guard let date = formatter.date(from: text) else {
                problems.append(.init(pointer: "/\(name)", detail: "not a date and time"))
                return nil
            }
            return date
        }
        let startedAt = date("startedAt")
        let endedAt = date("endedAt")
        var scores: [String: CriterionScore] = [:]
        for (name, value) in fields where name.hasPrefix("score_") {
            let criterion = String(name.dropFirst("score_".count))
            if value == "NA" {
                scores[criterion] = .notApplicable
            } else if let points = Double(value) {
                scores[criterion] = .points(points)
            } else if value.isEmpty {
                problems.append(.init(pointer: "/scores/\(criterion)", detail: "required"))
            } else {
                problems.append(.init(pointer: "/scores/\(criterion)", detail: "'\(value)' is not a score"))
            }
        }
        let input = EvaluationInput(
            startedAt: startedAt, endedAt: endedAt, ringingSeconds: number("ringingSeconds"),
            takeInChargeSeconds: number("takeInChargeSeconds"),
            saturationMessage: fields["saturationMessage"] == "true",
            scores: scores, verbatim: fields["verbatim"])
        return (input, problems)
    }

    static func formValues(_ evaluation: Evaluation) -> [String: String] {
        var values: [String: String] = ["verbatim": evaluation.verbatim]
        if let ringing = evaluation.ringingSeconds { values["ringingSeconds"] = String(Int(ringing)) }
        if let take = evaluation.takeInChargeSeconds { values["takeInChargeSeconds"] = String(Int(take)) }
        if evaluation.saturationMessage { values["saturationMessage"] = "true" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        if let started = evaluation.startedAt { values["startedAt"] = formatter.string(from: started) }
        if let ended = evaluation.endedAt { values["endedAt"] = formatter.string(from: ended) }
        for (criterion, score) in evaluation.scores {
            switch score {
            case .notApplicable: values["score_\(criterion)"] = "NA"
            case .points(let points):
                values["score_\(criterion)"] = points == points.rounded() ? String(Int(points)) : String(points)
            }
        }
        return values
    }

    // MARK: Report

    private func reportModel(_ request: Request, printable: Bool) async throws -> AwardPages.ReportModel {
        let access = try await access(request)
        let service = service(request)
        let (report, category) = try await service.report(access, company: request.parameters.get("company") ?? "")
        let definition = try AwardService.decode(EditionDefinition.self, access.record.definitionJSON)
        let scenarios = try await service.results(access).scored.company(report.companyID)?.scenarios ?? []
        return AwardPages.ReportModel(
            organisation: try request.requireTenant().organisation, editionID: try access.record.requireID(),
            editionName: access.record.name, report: report, category: category,
            scorecards: try? service.scorecards(access.record),
            scenarios: scenarios.map { mark in
                let scenario = definition.scenarios.first { $0.id == mark.scenarioID }
                return (scenario?.title ?? mark.scenarioID, scenario?.kind, mark.mark, mark.tests)
            },
            printable: printable)
    }

    @Sendable func report(_ request: Request) async throws -> Response {
        let model = try await reportModel(request, printable: false)
        return AwardPages.report(model, try await PageContext(request: request)).response()
    }

    @Sendable func reportPDF(_ request: Request) async throws -> Response {
        let model = try await reportModel(request, printable: true)
        var context = try await PageContext(request: request)
        context.standalone = true
        let page = AwardPages.report(model, context)
        let pdf = try await PDFPrinter.print(html: page.html, logger: request.logger)
        let response = Response(status: .ok, body: .init(data: pdf))
        response.headers.contentType = .init(type: "application", subType: "pdf")
        response.headers.contentDisposition = .init(.attachment, filename: "rapport-\(model.report.companyID).pdf")
        return response
    }
}

/// CSV field quoting (RFC 4180).
enum CSVField {
    static func escape(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
