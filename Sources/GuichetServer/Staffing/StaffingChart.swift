import Foundation
import GuichetCore

/// The `/staffing` chart, drawn in Swift as SVG with the same escaping `Markup` as the pages: agents per interval as
/// bars (left scale), expected and simulated service level as lines with the simulation's 95 % interval as whiskers
/// (right scale, 0–100 %), the target as a dashed line. Colours are presentation attributes, which the page's
/// Content-Security-Policy (no inline style) allows.
enum StaffingChart {
    struct Point: Sendable {
        var label: String
        var agents: Int
        var expected: Double?
        var simulated: EstimateDTO?
    }

    static let width = 760.0
    static let height = 300.0
    static let left = 48.0
    static let right = 52.0
    static let top = 16.0
    static let bottom = 64.0

    static func render(
        id: String, title: String, description: String, points: [Point], target: Double?, labels: Labels
    ) -> Markup {
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let maxAgents = max(1, points.map(\.agents).max() ?? 1)
        let agentTicks = niceTicks(maxAgents)
        let agentTop = Double(agentTicks.last ?? maxAgents)
        let slot = plotWidth / Double(max(1, points.count))
        func x(_ i: Int) -> Double { left + slot * (Double(i) + 0.5) }
        func yAgents(_ a: Double) -> Double { top + plotHeight * (1 - a / agentTop) }
        func yLevel(_ p: Double) -> Double { top + plotHeight * (1 - min(1, max(0, p))) }
        let labelEvery = max(1, Int((Double(points.count) / 12).rounded(.up)))
        let expectedLine = points.enumerated().compactMap { i, p in p.expected.map { "\(f(x(i))),\(f(yLevel($0)))" } }
        let simulatedLine = points.enumerated().compactMap { i, p in
            p.simulated.map { "\(f(x(i))),\(f(yLevel($0.mean)))" }
        }

        return element(
            "svg", .init("xmlns", "http://www.w3.org/2000/svg"), .init("viewBox", "0 0 \(f(width)) \(f(height))"),
            .class("chart"), .role("img"), .aria("labelledby", "\(id)-title \(id)-desc"), .id(id)
        ) {
            element("title", .id("\(id)-title")) { title }
            element("desc", .id("\(id)-desc")) { description }
            // Grid and scales.
            for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
                element(
                    "line", .init("x1", f(left)), .init("x2", f(width - right)), .init("y1", f(yLevel(tick))),
                    .init("y2", f(yLevel(tick))), .init("stroke", "#d9dde3"), .init("stroke-width", "1"))
                element(
                    "text", .init("x", f(width - right + 6)), .init("y", f(yLevel(tick) + 4)),
                    .init("font-size", "11"), .init("fill", "#5b6473")
                ) { "\(Int(tick * 100)) %" }
            }
            for tick in agentTicks {
                element(
                    "text", .init("x", f(left - 6)), .init("y", f(yAgents(Double(tick)) + 4)),
                    .init("text-anchor", "end"), .init("font-size", "11"), .init("fill", "#5b6473")
                ) { "\(tick)" }
            }
            // Agents per interval.
            for (i, point) in points.enumerated() {
                let barTop = yAgents(Double(point.agents))
                element(
                    "rect", .init("x", f(x(i) - slot * 0.4)), .init("y", f(barTop)), .init("width", f(slot * 0.8)),
                    .init("height", f(top + plotHeight - barTop)), .init("fill", "#c9d9ee"), .class("bar")
                ) {
                    element("title") { "\(point.label): \(point.agents) \(labels.agents)" }
                }
                if i % labelEvery == 0 {
                    element(
                        "text", .init("x", f(x(i))), .init("y", f(top + plotHeight + 14)),
                        .init("text-anchor", "middle"), .init("font-size", "11"), .init("fill", "#5b6473")
                    ) { point.label }
                }
            }
            if let target {
                element(
                    "line", .init("x1", f(left)), .init("x2", f(width - right)), .init("y1", f(yLevel(target))),
                    .init("y2", f(yLevel(target))), .init("stroke", "#a4161a"), .init("stroke-width", "1.5"),
                    .init("stroke-dasharray", "6 4"), .class("target"))
            }
            // Simulated service level: whiskers for the interval, then the line of means.
            for (i, point) in points.enumerated() {
                if let s = point.simulated {
                    element(
                        "line", .init("x1", f(x(i))), .init("x2", f(x(i))), .init("y1", f(yLevel(s.lower))),
                        .init("y2", f(yLevel(s.upper))), .init("stroke", "#1b7f3b"), .init("stroke-width", "1.5"))
                }
            }
            if !expectedLine.isEmpty {
                element(
                    "polyline", .init("points", expectedLine.joined(separator: " ")), .init("fill", "none"),
                    .init("stroke", "#0b5cad"), .init("stroke-width", "2"), .class("expected"))
            }
            if !simulatedLine.isEmpty {
                element(
                    "polyline", .init("points", simulatedLine.joined(separator: " ")), .init("fill", "none"),
                    .init("stroke", "#1b7f3b"), .init("stroke-width", "2"), .init("stroke-dasharray", "2 2"),
                    .class("simulated"))
                for (i, point) in points.enumerated() {
                    if let s = point.simulated {
                        element(
                            "circle", .init("cx", f(x(i))), .init("cy", f(yLevel(s.mean))), .init("r", "2.5"),
                            .init("fill", "#1b7f3b")
                        ) {
                            element("title") {
                                "\(point.label): \(labels.simulated) \(pct(s.mean)) [\(pct(s.lower)) – \(pct(s.upper))]"
                            }
                        }
                    }
                }
            }
            legend(labels, y: height - 18)
        }
    }

    /// The words of the legend, in the page's language.
    struct Labels: Sendable {
        var agents: String
        var expected: String
        var simulated: String
        var target: String
    }

    private static func legend(_ labels: Labels, y: Double) -> Markup {
        let items: [(String, String, String?)] = [
            (labels.agents, "#c9d9ee", nil), (labels.expected, "#0b5cad", nil), (labels.simulated, "#1b7f3b", "2 2"),
            (labels.target, "#a4161a", "6 4"),
        ]
        var x = left
        var parts: [Markup] = []
        for (text, colour, dash) in items {
            parts.append(element(
                "line", .init("x1", f(x)), .init("x2", f(x + 18)), .init("y1", f(y)), .init("y2", f(y)),
                .init("stroke", colour), .init("stroke-width", dash == nil && colour == "#c9d9ee" ? "8" : "2"),
                .init("stroke-dasharray", dash)))
            parts.append(element(
                "text", .init("x", f(x + 24)), .init("y", f(y + 4)), .init("font-size", "12"), .init("fill", "#1d2430")
            ) { text })
            x += 30 + Double(text.count) * 6.5 + 16
        }
        return MarkupBuilder.buildArray(parts)
    }

    /// Round tick values from 0 up to at least `maximum`, about five of them.
    static func niceTicks(_ maximum: Int) -> [Int] {
        let step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000]
            .first { maximum / $0 <= 5 } ?? max(1, maximum / 5)
        let top = Int((Double(maximum) / Double(step)).rounded(.up)) * step
        return Array(stride(from: 0, through: top, by: step))
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
    private static func pct(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }
}
