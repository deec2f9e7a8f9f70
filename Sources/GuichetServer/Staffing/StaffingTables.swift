import Foundation
import GuichetCore

/// Plain-text tables for `guichet staffing …`, `guichet simulate` and `guichet bench …` (`--format table`).
public enum StaffingTables {
    // MARK: Erlang

    public static func erlang(_ r: ErlangResultDTO) -> String {
        let name = r.model == "erlangA" ? "Erlang A" : "Erlang C"
        var header = "\(name): \(number(r.callsPerHour)) calls/h, AHT \(number(r.averageHandlingTime)) s"
        if let patience = r.averagePatience { header += ", mean patience \(number(patience)) s" }
        header += " → offered load \(String(format: "%.2f", r.offeredLoad)) Erlangs"
        var rows: [(String, String)] = []
        var agents = "\(r.agents)"
        if let needed = r.agentsNeeded, let target = r.target {
            agents += needed == r.agents
                ? " (the fewest meeting \(target))"
                : " (\(r.targetMet == true ? "meets" : "misses") \(target), which needs \(needed))"
        }
        rows.append(("Agents", agents))
        let t = seconds(r.threshold)
        rows.append(("P(wait)", percent(r.probabilityOfWaiting)))
        rows.append(("Service level", "\(percent(r.serviceLevel)) answered within \(t)"))
        rows.append(("P(wait > \(t))", percent(r.probabilityWaitExceeds)))
        rows.append(("ASA", r.model == "erlangA"
            ? "\(String(format: "%.1f", r.averageSpeedOfAnswer)) s (answered calls)"
            : "\(String(format: "%.1f", r.averageSpeedOfAnswer)) s"))
        if let meanWait = r.meanWait { rows.append(("Mean wait", "\(String(format: "%.1f", meanWait)) s (all calls)")) }
        if let abandon = r.probabilityOfAbandonment { rows.append(("P(abandon)", percent(abandon))) }
        rows.append(("Occupancy", percent(r.occupancy)))
        rows.append(("P(ring > 60 s)", "\(percent(r.probabilityOfferedWaitExceeds60s)) (award zero for a mystery call)"))
        let width = rows.map(\.0.count).max() ?? 0
        return ([header] + rows.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 })
            .joined(separator: "\n")
    }

    // MARK: Plans

    public static func plan(_ plan: PlanDTO) -> String {
        var out: [String] = []
        out.append(
            "Model \(plan.model == "erlangA" ? "Erlang A" : "Erlang C"), target \(plan.target), "
                + "shrinkage \(percent(plan.shrinkage))")
        out.append("")
        let summary = Table(
            ["day", "calls", "peak sched.", "agent-h", "FTE", "SL", "P(zero)", "mark loss"],
            plan.days.map { day in
                [
                    day.name, String(format: "%.0f", day.calls), "\(day.peakScheduledAgents)", String(format: "%.1f", day.agentHours),
                    String(format: "%.2f", day.fte), percent(day.serviceLevel),
                    percent(day.award.zeroProbability.mean), String(format: "%.2f", day.award.expectedMarkLoss),
                ]
            })
        out.append(summary.render())
        out.append(
            "Normal week: \(String(format: "%.0f", plan.weeklyCalls)) calls, \(String(format: "%.1f", plan.weeklyAgentHours)) "
                + "agent-hours = \(String(format: "%.1f", plan.weeklyFTE)) FTE, service level "
                + "\(percent(plan.weeklyServiceLevel)) (peak days staffed apart)")
        // Days with the same intervals (a flat week) are printed once.
        var printed: [(names: [String], intervals: [PlannedIntervalDTO])] = []
        for day in plan.days {
            if let i = printed.firstIndex(where: { $0.intervals == day.intervals }) {
                printed[i].names.append(day.name)
            } else {
                printed.append(([day.name], day.intervals))
            }
        }
        let t = seconds(plan.threshold)
        let abandon = plan.model == "erlangA"
        for group in printed {
            out.append("")
            out.append(group.names.joined(separator: ", "))
            var columns = ["start", "calls", "load", "agents", "sched.", "SL \(t)", "P(W>\(t))", "P(ring>60s)", "ASA s",
                           "occ."]
            if abandon { columns.append("abandon") }
            let rows = group.intervals.map { i -> [String] in
                var row = [
                    i.start, String(format: "%.1f", i.calls), String(format: "%.2f", i.offeredLoad), "\(i.agents)",
                    "\(i.scheduledAgents)", percent(i.serviceLevel), percent(i.probabilityWaitExceeds),
                    percent(i.probabilityOfferedWaitExceeds60s), String(format: "%.1f", i.averageSpeedOfAnswer),
                    percent(i.occupancy),
                ]
                if abandon { row.append(percent(i.abandonment)) }
                return row
            }
            out.append(Table(columns, rows).render())
        }
        return out.joined(separator: "\n")
    }

    // MARK: Simulation

    public static func simulation(_ simulation: SimulationDTO) -> String {
        var out: [String] = []
        let delta = simulation.agentDelta == 0
            ? "" : ", \(simulation.agentDelta > 0 ? "+" : "")\(simulation.agentDelta) agent(s) per interval"
        out.append(
            "\(simulation.replications) replications, seed \(simulation.seed)\(delta); "
                + "± = \(Int(simulation.confidenceLevel * 100)) % confidence interval")
        for day in simulation.days {
            let t = seconds(day.threshold)
            out.append("")
            out.append("\(day.name) (\(day.simulatedCalls) calls simulated\(day.usedFastPath ? ", fast path" : ""))")
            let o = day.overall
            var lines = [
                "  service level \(t)  \(estimate(o.serviceLevel))"
                    + (day.expectedServiceLevel.map { "   (analytic \(percent($0)))" } ?? ""),
                "  ASA (answered)     \(estimate(o.averageSpeedOfAnswer, percent: false)) s",
                "  abandonment        \(estimate(o.abandonment))",
                "  occupancy          \(estimate(o.occupancy))",
            ]
            let zero = day.award.zeroProbability
            lines.append(
                "  award: P(zero) \(percent(zero.mean)) [\(percent(zero.lower)), \(percent(zero.upper))]"
                    + (day.expectedAward.map { " (analytic \(percent($0.zeroProbability.mean)))" } ?? "")
                    + String(format: ", %.1f of %d test calls zeroed, %.2f points of the phone mark lost",
                             day.award.expectedZeroedCalls, day.award.phoneTests, day.award.expectedMarkLoss))
            out.append(contentsOf: lines)
            let rows = day.intervals.map { i -> [String] in
                [
                    i.start, "\(i.agents)", String(format: "%.1f", i.simulated.offeredCalls),
                    i.expectedServiceLevel.map(percent) ?? "—", estimate(i.simulated.serviceLevel),
                    estimate(i.simulated.averageSpeedOfAnswer, percent: false), estimate(i.simulated.abandonment),
                    estimate(i.simulated.probabilityOfferedWaitExceedsZeroLimit),
                ]
            }
            out.append(Table(
                ["start", "agents", "calls", "SL expected", "SL simulated", "ASA s", "abandon",
                 "P(ring>\(seconds(day.award.zeroLimit)))"],
                rows
            ).render())
        }
        return out.joined(separator: "\n")
    }

    // MARK: Formatting

    /// A column-aligned text table: the first column left-aligned, the others right-aligned.
    struct Table {
        var columns: [String]
        var rows: [[String]]

        init(_ columns: [String], _ rows: [[String]]) {
            self.columns = columns
            self.rows = rows
        }

        func render() -> String {
            let all = [columns] + rows
            let widths = columns.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { c, cell in
                    let pad = String(repeating: " ", count: widths[c] - cell.count)
                    return c == 0 ? cell + pad : pad + cell
                }.joined(separator: "  ")
            }
            let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
            return ([line(columns), rule] + rows.map(line)).joined(separator: "\n")
        }
    }

    static func percent(_ p: Double) -> String { String(format: "%.1f %%", p * 100) }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? "\(Int64(x))" : String(format: "%.2f", x)
    }

    /// "85.2 % ± 1.1" (or in seconds with `percent: false`), "—" when nothing was measured.
    static func estimate(_ e: EstimateDTO?, percent: Bool = true) -> String {
        guard let e else { return "—" }
        let half = (e.upper - e.lower) / 2
        return percent
            ? String(format: "%.1f %% ± %.1f", e.mean * 100, half * 100)
            : String(format: "%.1f ± %.1f", e.mean, half)
    }
}
