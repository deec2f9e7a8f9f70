import Foundation
import GuichetCore
import GuichetStore

/// The award pages: editions, plan, evaluation form, results and the company report.
enum AwardPages {
    static func f2(_ value: Double) -> String { String(format: "%.2f", value) }

    static func base(_ org: String) -> String { "/orgs/\(org)/award" }

    static func editionPath(_ org: String, _ id: UUID) -> String { "\(base(org))/editions/\(id.uuidString)" }

    // MARK: Editions

    struct EditionsModel: Sendable {
        struct Row: Sendable {
            var id: UUID
            var name: String
            var state: EditionState
        }
        var organisation: OrganisationSummary
        var owned: [Row]
        var participating: [Row]
        var canCreate: Bool
        var isShopper: Bool
        var error: String?
        var definitionText = ""
    }

    static func editions(_ model: EditionsModel, _ context: PageContext) -> Markup {
        let org = model.organisation.slug
        return Layout.page(context, title: context.t(Strings.award)) {
            element("h1") { context.t(Strings.award) }
            element("p", .class("muted")) { model.organisation.name }
            if model.isShopper {
                element("p") {
                    element("a", .href("\(base(org))/assignments"), .id("my-assignments")) {
                        context.t(Strings.myAssignments)
                    }
                }
            }
            element("section", .class("card")) {
                element("h2") { context.t(Strings.editions) }
                editionTable(model.owned, org: org, context)
            }
            if !model.participating.isEmpty {
                element("section", .class("card")) {
                    element("h2") { context.t(Strings.participating) }
                    editionTable(model.participating, org: org, context)
                }
            }
            if model.canCreate {
                element("section", .class("card")) {
                    element("h2") { context.t(Strings.createEdition) }
                    if model.organisation.kind == .brand {
                        element("p", .class("muted")) { context.t(Strings.rehearsalNote) }
                    }
                    if let error = model.error { element("p", .class("alert"), .role("alert")) { error } }
                    element("form", .method("post"), .action("\(base(org))/editions")) {
                        Layout.csrfField(context)
                        element("label", .for("definition")) { context.t(Strings.definitionJSON) }
                        element("textarea", .id("definition"), .name("definition"), .init("rows", "10"), .required) {
                            model.definitionText
                        }
                        element("button", .type("submit"), .class("primary")) { context.t(Strings.createEdition) }
                    }
                }
            }
        }
    }

    private static func editionTable(_ rows: [EditionsModel.Row], org: String, _ context: PageContext) -> Markup {
        if rows.isEmpty { return element("p") { context.t(Strings.noEdition) } }
        return element("table") {
            Layout.tableHead(context, [Strings.name, Strings.state])
            element("tbody") {
                for row in rows {
                    element("tr") {
                        element("td") { element("a", .href(editionPath(org, row.id))) { row.name } }
                        element("td") { context.t(Strings.stateName(row.state)) }
                    }
                }
            }
        }
    }

    // MARK: One edition

    struct EditionModel: Sendable {
        var organisation: OrganisationSummary
        var id: UUID
        var name: String
        var state: EditionState
        var isOwner: Bool
        var canManage: Bool
        var canReadEverything: Bool
        var testCounts: [(GuichetCore.Channel, Int)]
        var evaluatedCount: Int
        var results: [CategoryResult]
        /// Companies whose report the caller may open.
        var reportable: Set<String>
        var provisional: Bool
        var notice: String?
        var importProblems: [FieldProblem]
        /// The scorecard versions frozen when fieldwork started.
        var frozen: [FrozenScorecards.Pin]
    }

    static func edition(_ model: EditionModel, _ context: PageContext) -> Markup {
        let path = editionPath(model.organisation.slug, model.id)
        return Layout.page(context, title: model.name) {
            element("h1") { model.name }
            element("p") {
                element("strong") { context.t(Strings.state) + " : " }
                element("span", .id("edition-state")) { context.t(Strings.stateName(model.state)) }
            }
            if !model.frozen.isEmpty {
                element("p", .class("muted"), .id("frozen-scorecards")) {
                    context.t(Strings.frozenScorecards) + " : "
                        + model.frozen.map { "\($0.id) v\($0.version) (\($0.sha256.prefix(8)))" }.joined(
                            separator: ", ")
                }
            }
            if model.canManage, model.state.next != nil {
                element("form", .method("post"), .action("\(path)/advance")) {
                    Layout.csrfField(context)
                    element("button", .type("submit"), .id("advance")) {
                        context.t(Strings.advance) + " → " + context.t(Strings.stateName(model.state.next!))
                    }
                }
            }
            if let notice = model.notice {
                element("p", .class("notice"), .role("status"), .id("import-notice")) { notice }
            }
            if !model.importProblems.isEmpty {
                element("div", .class("alert"), .role("alert"), .id("import-errors")) {
                    element("ul") {
                        for p in model.importProblems.prefix(50) { element("li") { "\(p.pointer) : \(p.detail)" } }
                    }
                }
            }
            if model.canManage, model.state == .fieldwork {
                element("section", .class("card")) {
                    element("h2") { context.t(Strings.importEvaluations) }
                    element("form", .method("post"), .action("\(path)/import")) {
                        Layout.csrfField(context)
                        element("label", .for("csv")) { context.t(Strings.importCSVLabel) }
                        element("textarea", .id("csv"), .name("csv"), .init("rows", "6"), .required) { "" }
                        element("button", .type("submit")) { context.t(Strings.importEvaluations) }
                    }
                }
            }
            if model.isOwner, model.state != .draft {
                element("section", .class("card")) {
                    element("h2") { context.t(Strings.plan) }
                    element("p") {
                        model.testCounts.map { "\(context.t(Strings.channelName($0.0))) : \($0.1)" }.joined(
                            separator: " · ")
                            + " — \(context.t(Strings.evaluated)) : \(model.evaluatedCount)"
                    }
                    element("p") {
                        element("a", .href("\(path)/plan")) {
                            model.canReadEverything ? context.t(Strings.plan) : context.t(Strings.myAssignments)
                        }
                        if model.canReadEverything {
                            " · "
                            element("a", .href("\(path)/plan.csv")) { context.t(Strings.exportPlan) }
                            " · "
                            element("a", .href("\(path)/marks.csv")) { context.t(Strings.exportMarks) }
                        }
                    }
                }
            }
            if !model.results.isEmpty {
                element("section", .class("card"), .aria("labelledby", "results-title")) {
                    element("h2", .id("results-title")) { context.t(Strings.results) }
                    if model.provisional { element("p", .class("notice")) { context.t(Strings.provisional) } }
                    for category in model.results {
                        categoryTable(
                            category, org: model.organisation.slug, edition: model.id, reportable: model.reportable,
                            context)
                    }
                }
            }
        }
    }

    static func categoryTable(
        _ category: CategoryResult, org: String, edition: UUID, reportable: Set<String>, _ context: PageContext
    ) -> Markup {
        element("div", .class("category")) {
            element("h3") { category.categoryName }
            if category.status != .standing {
                element("p", .class("alert")) { context.t(Strings.notStanding) }
            } else if category.winnerID == nil {
                element("p", .class("alert")) { context.t(Strings.noWinner) }
            }
            if category.statisticalTie, category.winnerID != nil {
                element("p", .class("muted")) { context.t(Strings.statisticalTie) }
            }
            element("table", .class("results")) {
                Layout.tableHead(
                    context,
                    [Strings.rank, Strings.company, Strings.mark, Strings.interval, Strings.probabilityAbove12])
                element("tbody") {
                    for entry in category.entries {
                        element("tr") {
                            element("td") { entry.rank.map(String.init) ?? "—" }
                            element("td") {
                                if reportable.contains(entry.companyID) {
                                    element("a", .href("\(editionPath(org, edition))/companies/\(entry.companyID)")) {
                                        entry.companyName
                                    }
                                } else {
                                    entry.companyName
                                }
                                if category.winnerID == entry.companyID {
                                    " "
                                    element("strong", .class("winner")) { "★ " + context.t(Strings.winner) }
                                }
                            }
                            element("td") { f2(entry.mark) }
                            element("td") { entry.interval.map { "[\(f2($0.lower)), \(f2($0.upper))]" } ?? "—" }
                            element("td") {
                                entry.interval.map { String(format: "%.3f", $0.probabilityAbovePassMark) } ?? "—"
                            }
                        }
                    }
                }
            }
            if let mean = category.categoryMean, let best = category.bestMark {
                element("p", .class("muted")) {
                    "\(context.t(Strings.categoryMean)) : \(f2(mean)) · \(context.t(Strings.categoryBest)) : \(f2(best))"
                }
            }
        }
    }

    // MARK: Plan

    struct PlanModel: Sendable {
        struct Row: Sendable {
            var test: MysteryTest
            var evaluated: Bool
            var canEvaluate: Bool
        }
        var organisation: OrganisationSummary
        var editionID: UUID
        var editionName: String
        var rows: [Row]
        var showShopper: Bool
        var notice: String?
    }

    static func plan(_ model: PlanModel, _ context: PageContext) -> Markup {
        let path = editionPath(model.organisation.slug, model.editionID)
        return Layout.page(context, title: context.t(Strings.plan)) {
            element("h1") { context.t(Strings.plan) + " — " + model.editionName }
            if let notice = model.notice { element("p", .class("notice"), .role("status")) { notice } }
            element("p", .class("muted")) { "\(model.rows.count) \(context.t(Strings.tests))" }
            element("table", .id("plan")) {
                element("thead") {
                    element("tr") {
                        element("th", .init("scope", "col")) { context.t(Strings.test) }
                        element("th", .init("scope", "col")) { context.t(Strings.when) }
                        element("th", .init("scope", "col")) { context.t(Strings.company) }
                        element("th", .init("scope", "col")) { context.t(Strings.channel) }
                        element("th", .init("scope", "col")) { context.t(Strings.scenario) }
                        if model.showShopper { element("th", .init("scope", "col")) { context.t(Strings.shopper) } }
                        element("th", .init("scope", "col")) { context.t(Strings.evaluated) }
                    }
                }
                element("tbody") {
                    for row in model.rows {
                        element("tr") {
                            element("td") { row.test.id }
                            element("td") { "\(row.test.date) \(row.test.localTime)" }
                            element("td") { row.test.companyID }
                            element("td") {
                                context.t(Strings.channelName(row.test.channel))
                                    + (row.test.device == .mobile ? " (mobile)" : "")
                            }
                            element("td") { row.test.scenarioID }
                            if model.showShopper { element("td") { row.test.shopperID ?? "—" } }
                            element("td") {
                                context.t(row.evaluated ? Strings.yes : Strings.no)
                                if row.canEvaluate {
                                    " · "
                                    element("a", .href("\(path)/tests/\(row.test.id)/evaluation"), .class("evaluate")) {
                                        context.t(Strings.evaluate)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: Evaluation form

    struct EvaluationFormModel: Sendable {
        var organisation: OrganisationSummary
        var editionID: UUID
        var test: MysteryTest
        var scorecard: Scorecard
        /// Values as typed, by field name.
        var values: [String: String]
        var problems: [FieldProblem]
    }

    static func evaluationForm(_ model: EvaluationFormModel, _ context: PageContext) -> Markup {
        let path = "\(editionPath(model.organisation.slug, model.editionID))/tests/\(model.test.id)/evaluation"
        let problemsByField = Dictionary(grouping: model.problems, by: \.pointer)
        func problem(_ pointer: String) -> Markup {
            guard let messages = problemsByField[pointer] else { return .empty }
            return element("span", .class("field-error"), .role("alert")) {
                messages.map(\.detail).joined(separator: "; ")
            }
        }
        let language = context.language
        return Layout.page(context, title: Strings.evaluationOf.format(language, model.test.id)) {
            element("h1") { Strings.evaluationOf.format(language, model.test.id) }
            element("p", .class("muted")) {
                "\(model.test.companyID) · \(context.t(Strings.channelName(model.test.channel))) · \(model.test.scenarioID) · \(model.test.date) \(model.test.localTime)"
            }
            if !model.problems.isEmpty {
                element("div", .class("alert"), .role("alert"), .id("form-errors")) {
                    element("p") { context.t(Strings.fixErrors) }
                    element("ul") { for p in model.problems { element("li") { "\(p.pointer) : \(p.detail)" } } }
                }
            }
            element("form", .method("post"), .action(path), .class("card evaluation")) {
                Layout.csrfField(context)
                element("label", .for("startedAt")) { context.t(Strings.startedAt) }
                element(
                    "input", .type("datetime-local"), .id("startedAt"), .name("startedAt"),
                    .value(model.values["startedAt"] ?? ""))
                problem("/startedAt")
                element("label", .for("endedAt")) { context.t(Strings.endedAt) }
                element(
                    "input", .type("datetime-local"), .id("endedAt"), .name("endedAt"),
                    .value(model.values["endedAt"] ?? ""))
                problem("/endedAt")
                if model.test.channel.isLive {
                    element("label", .for("ringingSeconds")) { context.t(Strings.ringingSeconds) }
                    element(
                        "input", .type("number"), .id("ringingSeconds"), .name("ringingSeconds"), .init("min", "0"),
                        .init("step", "1"), .value(model.values["ringingSeconds"] ?? ""))
                    problem("/ringingSeconds")
                    element("label", .for("takeInChargeSeconds")) { context.t(Strings.takeInChargeSeconds) }
                    element(
                        "input", .type("number"), .id("takeInChargeSeconds"), .name("takeInChargeSeconds"),
                        .init("min", "0"), .init("step", "1"), .value(model.values["takeInChargeSeconds"] ?? ""))
                    problem("/takeInChargeSeconds")
                    element("p") {
                        element(
                            "input", .type("checkbox"), .id("saturation"), .name("saturationMessage"), .value("true"),
                            .when(model.values["saturationMessage"] == "true", .init("checked", "checked")))
                        element("label", .for("saturation"), .class("inline-label")) { context.t(Strings.saturation) }
                    }
                }
                element("fieldset") {
                    element("legend") { model.scorecard.title.fr }
                    for criterion in model.scorecard.criteria {
                        let field = "score_\(criterion.id)"
                        element("label", .for(field)) {
                            (language == .fr ? criterion.label.fr : criterion.label.en)
                                + " (\(context.t(Strings.familyName(criterion.family))), /\(f2(criterion.maxPoints)))"
                        }
                        element("select", .id(field), .name(field), .required) {
                            element("option", .value("")) { "—" }
                            if criterion.notApplicableAllowed {
                                element("option", .value("NA"), .when(model.values[field] == "NA", .selected)) {
                                    context.t(Strings.notApplicable)
                                }
                            }
                            for points in criterion.scale.points {
                                let text = points == points.rounded() ? String(Int(points)) : String(points)
                                element("option", .value(text), .when(model.values[field] == text, .selected)) { text }
                            }
                        }
                        problem("/scores/\(criterion.id)")
                    }
                }
                element("label", .for("verbatim")) { context.t(Strings.verbatim) }
                element("textarea", .id("verbatim"), .name("verbatim"), .init("rows", "4"), .init("maxlength", "5000"))
                {
                    model.values["verbatim"] ?? ""
                }
                element("button", .type("submit"), .class("primary"), .id("save-evaluation")) {
                    context.t(Strings.save)
                }
            }
        }
    }

    // MARK: Company report

    struct ReportModel: Sendable {
        var organisation: OrganisationSummary
        var editionID: UUID
        var editionName: String
        var report: CompanyReport
        var category: CategoryResult
        var scorecards: ScorecardSet?
        /// Marks per scenario, with the scenario's title.
        var scenarios: [(title: String, kind: ScenarioKind?, mark: Double, tests: Int)]
        /// When rendering for PDF: no navigation.
        var printable = false
    }

    static func report(_ model: ReportModel, _ context: PageContext) -> Markup {
        let report = model.report
        let language = context.language
        func criterionLabel(_ key: String, fallback: String) -> String {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let channel = GuichetCore.Channel(rawValue: parts[0]),
                let criterion = model.scorecards?[channel]?.criterion(parts[1])
            else { return fallback }
            return context.t(Strings.channelName(channel)) + " — "
                + (language == .fr ? criterion.label.fr : criterion.label.en)
        }
        func familyLabel(_ key: String, fallback: String) -> String {
            CriterionFamily(rawValue: key).map { context.t(Strings.familyName($0)) } ?? fallback
        }
        func channelLabel(_ key: String, fallback: String) -> String {
            GuichetCore.Channel(rawValue: key).map { context.t(Strings.channelName($0)) } ?? fallback
        }
        let legend = [context.t(Strings.legendBars)]
        let path = "\(editionPath(model.organisation.slug, model.editionID))/companies/\(report.companyID)"
        return Layout.page(context, title: "\(context.t(Strings.report)) — \(report.companyName)") {
            element("article", .class("report")) {
                element("h1") { "\(context.t(Strings.report)) — \(report.companyName)" }
                element("p", .class("muted")) { "\(model.editionName) · \(model.category.categoryName)" }
                if !model.printable {
                    element("p") {
                        element("a", .href("\(path)/report.pdf"), .id("pdf")) { context.t(Strings.downloadPDF) }
                    }
                }
                element("section", .class("card summary")) {
                    element("p", .class("big-mark"), .id("overall-mark")) { "\(f2(report.overall.mark)) / 20" }
                    element("p") {
                        "\(context.t(Strings.categoryMean)) : \(f2(report.overall.categoryMean)) · \(context.t(Strings.categoryBest)) : \(f2(report.overall.categoryBest))"
                    }
                    if let interval = report.interval {
                        element("p") {
                            "\(context.t(Strings.interval)) : [\(f2(interval.lower)), \(f2(interval.upper))] · \(context.t(Strings.probabilityAbove12)) = \(String(format: "%.3f", interval.probabilityAbovePassMark))"
                        }
                    }
                    element("p") {
                        "\(context.t(Strings.rank)) : \(report.rank.map(String.init) ?? "—") / \(report.participants)"
                        if report.isWinner { " · ★ " + context.t(Strings.winner) }
                    }
                }
                element("section", .class("card")) {
                    element("h2") { context.t(Strings.byChannel) }
                    Charts.horizontalBars(
                        report.channels.map {
                            .init(
                                label: channelLabel($0.key, fallback: $0.label), value: $0.mark, mean: $0.categoryMean,
                                best: $0.categoryBest)
                        },
                        threshold: 12, title: context.t(Strings.byChannel), legend: legend)
                }
                element("section", .class("card")) {
                    element("h2") { context.t(Strings.byFamily) }
                    Charts.horizontalBars(
                        report.families.map {
                            .init(
                                label: familyLabel($0.key, fallback: $0.label), value: $0.mark, mean: $0.categoryMean,
                                best: $0.categoryBest)
                        },
                        threshold: 12, title: context.t(Strings.byFamily), legend: legend)
                }
                element("section", .class("card two-columns")) {
                    element("div") {
                        element("h2") { context.t(Strings.strengths) }
                        element("ul", .id("strengths")) {
                            for item in report.strengths {
                                element("li") { "\(criterionLabel(item.key, fallback: item.label)) (+\(f2(item.gap)))" }
                            }
                        }
                    }
                    element("div") {
                        element("h2") { context.t(Strings.improvements) }
                        element("ul", .id("improvements")) {
                            for item in report.improvements {
                                element("li") { "\(criterionLabel(item.key, fallback: item.label)) (\(f2(item.gap)))" }
                            }
                        }
                    }
                }
                element("section", .class("card")) {
                    element("h2") { context.t(Strings.byCriterion) }
                    element("table", .id("criteria")) {
                        Layout.tableHead(
                            context,
                            [Strings.criterion, Strings.mark, Strings.categoryMean, Strings.categoryBest, Strings.gap])
                        element("tbody") {
                            for item in report.criteria {
                                element("tr", .class(item.gap >= 0 ? "above" : "below")) {
                                    element("td") { criterionLabel(item.key, fallback: item.label) }
                                    element("td") { f2(item.mark) }
                                    element("td") { f2(item.categoryMean) }
                                    element("td") { f2(item.categoryBest) }
                                    element("td") { (item.gap >= 0 ? "+" : "") + f2(item.gap) }
                                }
                            }
                        }
                    }
                }
                if !model.scenarios.isEmpty {
                    element("section", .class("card")) {
                        element("h2") { context.t(Strings.byScenario) }
                        element("table", .id("scenarios")) {
                            Layout.tableHead(context, [Strings.scenario, Strings.kind, Strings.mark, Strings.tests])
                            element("tbody") {
                                for scenario in model.scenarios {
                                    element("tr") {
                                        element("td") { scenario.title }
                                        element("td") {
                                            scenario.kind.map { context.t(Strings.scenarioKindName($0)) } ?? "—"
                                        }
                                        element("td") { f2(scenario.mark) }
                                        element("td") { String(scenario.tests) }
                                    }
                                }
                            }
                        }
                    }
                }
                element("section", .class("card")) {
                    element("h2") { context.t(Strings.zeros) }
                    if report.zeros.isEmpty {
                        element("p") { context.t(Strings.noZero) }
                    } else {
                        element("p", .id("zero-counts")) {
                            report.zeroCounts.sorted { $0.key < $1.key }.map {
                                "\(zeroCauseName($0.key, language)) : \($0.value)"
                            }
                            .joined(separator: " · ")
                        }
                        element("table") {
                            element("tbody") {
                                for zero in report.zeros {
                                    element("tr") {
                                        element("td") { zero.testID }
                                        element("td") { context.t(Strings.channelName(zero.channel)) }
                                        element("td") { zero.scenarioID }
                                        element("td") { zero.causes.map(\.description).joined(separator: " ; ") }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func zeroCauseName(_ kind: String, _ language: Language) -> String {
        switch ZeroCause.Kind(rawValue: kind) {
        case .ringing: return language == .fr ? "Sonnerie > 60 s" : "Ringing > 60 s"
        case .takeInCharge: return language == .fr ? "Prise en charge > 4 min" : "Taken in charge after > 4 min"
        case .saturation: return language == .fr ? "Message de saturation" : "Saturation message"
        case .criticalCriterion: return language == .fr ? "Critère éliminatoire" : "Critical criterion"
        case nil: return kind
        }
    }
}
