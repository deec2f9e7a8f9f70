import Foundation
import GuichetCore

/// `/staffing`: a forecast form (prefilled with the reference operation), and for it the agents per interval,
/// the expected and simulated service level on a chart, FTE per day and week, and the award exposure.
enum StaffingPage {
    struct Model: Sendable {
        var form: StaffingForm
        /// Problems of the submitted form, by field; the page is then answered 422 without results.
        var problems: [StaffingForm.Problem] = []
        var result: Outcome?

        struct Outcome: Sendable {
            var plan: PlanDTO
            /// The days shown in detail (the first normal day and each peak day), simulated.
            var simulation: SimulationDTO
            var fteHoursPerWeek: Double
            /// The service-level fraction the form asked for, drawn as the chart's target line.
            var targetFraction: Double
        }
    }

    static func render(_ model: Model, _ context: PageContext) -> Markup {
        Layout.page(context, title: context.t(Strings.staffingTitle)) {
            element("h1") { context.t(Strings.staffingTitle) }
            element("p") { context.t(Strings.staffingIntro) }
            if !model.problems.isEmpty {
                element("div", .class("alert"), .role("alert"), .id("staffing-errors")) {
                    element("p") { context.t(Strings.formHasErrors) }
                    element("ul") {
                        for problem in model.problems {
                            element("li") {
                                element("a", .href("#\(problem.field)")) { label(problem.field, context) }
                                ": \(problem.message)"
                            }
                        }
                    }
                }
            }
            form(model, context)
            if let result = model.result {
                results(result, context)
            }
        }
    }

    // MARK: Form

    private static let fields: [(name: String, label: Localized, group: Int, mode: String)] = [
        ("weeklyCalls", Strings.weeklyCalls, 0, "numeric"), ("daysOpen", Strings.daysOpen, 0, "numeric"),
        ("opens", Strings.opensAt, 0, "text"), ("closes", Strings.closesAt, 0, "text"),
        ("intervalMinutes", Strings.intervalLength, 0, "select"),
        ("averageHandlingTime", Strings.handlingTime, 0, "decimal"),
        ("averagePatience", Strings.patience, 0, "decimal"), ("peakDayCalls", Strings.peakDayCalls, 0, "numeric"),
        ("targetPercent", Strings.targetPercent, 1, "decimal"), ("targetSeconds", Strings.targetSeconds, 1, "decimal"),
        ("shrinkagePercent", Strings.shrinkagePercent, 1, "decimal"),
    ]

    private static func label(_ field: String, _ context: PageContext) -> String {
        fields.first { $0.name == field }.map { context.t($0.label) } ?? field
    }

    private static func value(_ field: String, _ form: StaffingForm) -> String {
        switch field {
        case "weeklyCalls": return form.weeklyCalls ?? ""
        case "daysOpen": return form.daysOpen ?? ""
        case "opens": return form.opens ?? ""
        case "closes": return form.closes ?? ""
        case "intervalMinutes": return form.intervalMinutes ?? ""
        case "averageHandlingTime": return form.averageHandlingTime ?? ""
        case "averagePatience": return form.averagePatience ?? ""
        case "peakDayCalls": return form.peakDayCalls ?? ""
        case "targetPercent": return form.targetPercent ?? ""
        case "targetSeconds": return form.targetSeconds ?? ""
        case "shrinkagePercent": return form.shrinkagePercent ?? ""
        default: return ""
        }
    }

    private static func form(_ model: Model, _ context: PageContext) -> Markup {
        element("section", .class("card")) {
            element("form", .method("post"), .action("/staffing"), .id("staffing-form")) {
                Layout.csrfField(context)
                for (group, legend) in [(0, Strings.forecastLegend), (1, Strings.targetLegend)] {
                    element("fieldset") {
                        element("legend") { context.t(legend) }
                        for field in fields where field.group == group {
                            input(field.name, field.label, field.mode, model, context)
                        }
                    }
                }
                element("button", .type("submit"), .class("primary")) { context.t(Strings.compute) }
            }
        }
    }

    private static func input(
        _ name: String, _ label: Localized, _ mode: String, _ model: Model, _ context: PageContext
    ) -> Markup {
        let problem = model.problems.first { $0.field == name }
        let current = value(name, model.form)
        return element("div", .class(problem == nil ? "field" : "field invalid")) {
            element("label", .for(name)) { context.t(label) }
            if mode == "select" {
                element("select", .id(name), .name(name)) {
                    for minutes in ["15", "30", "60"] {
                        element("option", .value(minutes), .when(minutes == current, .selected)) { minutes }
                    }
                }
            } else {
                element(
                    "input", .type("text"), .id(name), .name(name), .value(current),
                    .init("inputmode", mode == "text" ? nil : mode),
                    .init("aria-invalid", problem == nil ? nil : "true"),
                    .init("aria-describedby", problem == nil ? nil : "\(name)-error"))
            }
            if let problem {
                element("p", .class("field-error"), .id("\(name)-error")) { problem.message }
            }
        }
    }

    // MARK: Results

    private static func results(_ result: Model.Outcome, _ context: PageContext) -> Markup {
        let language = context.language
        let plan = result.plan
        return element("section", .id("staffing-results")) {
            element("h2") { context.t(Strings.weekSummary) }
            element("p") {
                fill(Strings.modelUsed, language, plan.model == "erlangA" ? "Erlang A" : "Erlang C",
                     targetText(result, language))
            }
            element("p", .id("weekly-fte")) {
                fill(Strings.weekFTE, language, num(plan.weeklyAgentHours, 1, language),
                     num(plan.weeklyFTE, 1, language), num(result.fteHoursPerWeek, 0, language))
            }
            element("table", .id("days-table")) {
                element("thead") {
                    element("tr") {
                        for heading in [Strings.day, Strings.calls, Strings.peakAgents, Strings.agentHours,
                                        Strings.ftePerDay, Strings.expectedSL, Strings.zeroProbability,
                                        Strings.markLoss] {
                            element("th", .init("scope", "col")) { context.t(heading) }
                        }
                    }
                }
                element("tbody") {
                    for day in plan.days {
                        element("tr") {
                            element("th", .init("scope", "row")) { dayName(day, language) }
                            element("td") { num(day.calls, 0, language) }
                            element("td") { "\(day.peakScheduledAgents)" }
                            element("td") { num(day.agentHours, 1, language) }
                            element("td") { num(day.fte, 2, language) }
                            element("td") { pct(day.serviceLevel, language) }
                            element("td") { pct(day.award.zeroProbability.mean, language) }
                            element("td") { num(day.award.expectedMarkLoss, 2, language) }
                        }
                    }
                }
            }
            element("p", .class("muted")) {
                fill(Strings.simulationNote, language, "\(result.simulation.replications)", "\(result.simulation.seed)")
            }
            for simulated in result.simulation.days {
                if let day = plan.days.first(where: { $0.name == simulated.name }) {
                    dayDetail(day, simulated, result, context)
                }
            }
        }
    }

    private static func dayDetail(
        _ day: PlannedDayDTO, _ simulated: SimulatedDayDTO, _ result: Model.Outcome, _ context: PageContext
    ) -> Markup {
        let plan = result.plan
        let language = context.language
        let id = "chart-" + String(day.name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
        let points = zip(day.intervals, simulated.intervals).map { planned, sim in
            StaffingChart.Point(
                label: planned.start, agents: planned.agents, expected: planned.serviceLevel,
                simulated: sim.simulated.serviceLevel)
        }
        let target = result.targetFraction
        let labels = StaffingChart.Labels(
            agents: context.t(Strings.legendAgents), expected: context.t(Strings.legendExpected),
            simulated: context.t(Strings.legendSimulated), target: context.t(Strings.legendTarget))
        return element("section", .class("card day-detail")) {
            element("h2") { dayName(day, language) }
            StaffingChart.render(
                id: id, title: fill(Strings.chartTitle, language, dayName(day, language), num(plan.threshold, 0, language)),
                description: context.t(Strings.chartDescription), points: points, target: target, labels: labels)
            element("h3") { context.t(Strings.awardExposure) }
            element("p", .class("award")) {
                fill(Strings.awardExplanation, language, "\(day.award.phoneTests)",
                     num(day.award.expectedZeroedCalls, 1, language), num(day.award.expectedMarkLoss, 2, language),
                     "14", dayName(day, language),
                     "\(pct(simulated.award.zeroProbability.mean, language)) [\(pct(simulated.award.zeroProbability.lower, language)) – \(pct(simulated.award.zeroProbability.upper, language))]")
            }
            element("table", .class("intervals")) {
                element("thead") {
                    element("tr") {
                        for heading in [Strings.intervalStart, Strings.calls, Strings.agents, Strings.scheduled,
                                        Strings.expectedSL, Strings.simulatedSL, Strings.ringOver60] {
                            element("th", .init("scope", "col")) { context.t(heading) }
                        }
                    }
                }
                element("tbody") {
                    for (planned, sim) in zip(day.intervals, simulated.intervals) {
                        element("tr") {
                            element("th", .init("scope", "row")) { planned.start }
                            element("td") { num(planned.calls, 1, language) }
                            element("td", .class("agents")) { "\(planned.agents)" }
                            element("td") { "\(planned.scheduledAgents)" }
                            element("td") { pct(planned.serviceLevel, language) }
                            element("td") {
                                sim.simulated.serviceLevel.map {
                                    "\(pct($0.mean, language)) ± \(num(($0.upper - $0.lower) / 2 * 100, 1, language))"
                                } ?? "—"
                            }
                            element("td") { pct(planned.probabilityOfferedWaitExceeds60s, language) }
                        }
                    }
                }
            }
        }
    }

    // MARK: Words and numbers

    private static func dayName(_ day: PlannedDayDTO, _ language: Language) -> String {
        guard !day.isPeakDay, let weekday = Weekday(rawValue: day.weekday) else { return day.name }
        let french = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        let index = Weekday.allCases.firstIndex(of: weekday) ?? 0
        return language == .fr ? french[index].capitalized : day.name
    }

    private static func targetText(_ result: Model.Outcome, _ language: Language) -> String {
        let percent = num(result.targetFraction * 100, 1, language)
        let seconds = num(result.plan.threshold, 0, language)
        return language == .fr
            ? "\(percent) % des appels décrochés en moins de \(seconds) s"
            : "\(percent) % answered within \(seconds) s"
    }

    /// `%@` placeholders filled in order.
    static func fill(_ phrase: Localized, _ language: Language, _ arguments: String...) -> String {
        var text = phrase[language]
        for argument in arguments {
            guard let range = text.range(of: "%@") else { break }
            text.replaceSubrange(range, with: argument)
        }
        return text
    }

    static func num(_ value: Double, _ digits: Int, _ language: Language) -> String {
        let text = String(format: "%.\(digits)f", value)
        return language == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    static func pct(_ value: Double, _ language: Language) -> String {
        num(value * 100, 1, language) + " %"
    }
}
