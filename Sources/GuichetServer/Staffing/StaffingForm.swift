import Foundation
import GuichetCore
import Vapor

/// The `/staffing` form as typed (strings, so a bad value is shown back as it was entered), and its reading
/// into a planning request. Percentages and French decimal commas are accepted, as a supervisor types them.
struct StaffingForm: Content, Sendable, Equatable {
    var weeklyCalls: String?
    var daysOpen: String?
    var opens: String?
    var closes: String?
    var intervalMinutes: String?
    var averageHandlingTime: String?
    var averagePatience: String?
    var peakDayCalls: String?
    var targetPercent: String?
    var targetSeconds: String?
    var shrinkagePercent: String?

    /// The reference operation of docs/STAFFING.md, with the 80/30 target and 30 % shrinkage.
    static let reference = StaffingForm(
        weeklyCalls: "6000", daysOpen: "6", opens: "08:30", closes: "19:30", intervalMinutes: "30",
        averageHandlingTime: "240", averagePatience: "", peakDayCalls: "2000", targetPercent: "80",
        targetSeconds: "30", shrinkagePercent: "30")

    /// A field that cannot be used, by form field name.
    struct Problem: Sendable, Equatable {
        var field: String
        var message: String
    }

    /// The request the form describes, or every problem found (messages in `language`).
    func request(_ language: Language) -> Result<PlanRequest, FormProblems> {
        var problems: [Problem] = []
        func number(_ field: String, _ text: String?, _ range: ClosedRange<Double>, optional: Bool = false) -> Double? {
            let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
                .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{202F}", with: "")
            if trimmed.isEmpty, optional { return nil }
            guard let value = Double(trimmed), value.isFinite else {
                problems.append(Problem(field: field, message: Strings.expectNumber[language]))
                return nil
            }
            guard range.contains(value) else {
                let bounds = "\(Self.show(range.lowerBound)) – \(Self.show(range.upperBound))"
                problems.append(Problem(field: field, message: Strings.expectRange.format(language, bounds)))
                return nil
            }
            return value
        }
        func time(_ field: String, _ text: String?) -> String? {
            let value = (text ?? "").trimmingCharacters(in: .whitespaces)
            guard (try? ClockTime(value)) != nil else {
                problems.append(Problem(field: field, message: Strings.expectTime[language]))
                return nil
            }
            return value
        }
        let weekly = number("weeklyCalls", weeklyCalls, 0...1_000_000)
        let days = number("daysOpen", daysOpen, 1...7)
        let open = time("opens", opens)
        let close = time("closes", closes)
        let interval = number("intervalMinutes", intervalMinutes, 15...60)
        let aht = number("averageHandlingTime", averageHandlingTime, 1...86_400)
        let patience = number("averagePatience", averagePatience, 1...864_000, optional: true)
        let peak = number("peakDayCalls", peakDayCalls, 0...1_000_000, optional: true)
        // Percentages strictly inside (0, 100): 100 % within t is unreachable with random arrivals.
        let target = number("targetPercent", targetPercent, 1...99.9)
        let seconds = number("targetSeconds", targetSeconds, 0...3600)
        let shrinkage = number("shrinkagePercent", shrinkagePercent, 0...90)
        if let days, days != days.rounded() {
            problems.append(Problem(field: "daysOpen", message: Strings.expectRange.format(language, "1 – 7")))
        }
        if let interval, ![15.0, 30, 60].contains(interval) {
            problems.append(Problem(field: "intervalMinutes", message: Strings.expectRange.format(language, "15, 30, 60")))
        }
        guard problems.isEmpty, let weekly, let days, let open, let close, let interval, let aht, let target,
            let seconds, let shrinkage
        else { return .failure(FormProblems(problems: problems)) }
        let openDays = Array(Weekday.allCases.prefix(Int(days))).map(\.rawValue)
        let forecast = ForecastDTO(
            volume: .init(perWeek: weekly), openingHours: [.init(days: openDays, open: open, close: close)],
            intervalMinutes: Int(interval),
            peakDays: (peak ?? 0) > 0 ? [.init(name: Strings.peakDayName[language], calls: peak!)] : [],
            averageHandlingTime: aht, averagePatience: patience)
        let policy = PolicyDTO(
            target: TargetDTO(serviceLevel: .init(fraction: target / 100, within: seconds)),
            shrinkage: shrinkage / 100)
        return .success(PlanRequest(forecast: forecast, policy: policy))
    }

    /// The form field a request pointer comes from, so a refusal by the planner lands next to the right input.
    static func field(for pointer: String) -> String {
        let fields: [(String, String)] = [
            ("/forecast/volume", "weeklyCalls"), ("/forecast/openingHours/0/open", "opens"),
            ("/forecast/openingHours/0/close", "closes"), ("/forecast/openingHours", "daysOpen"),
            ("/forecast/intervalMinutes", "intervalMinutes"), ("/forecast/averageHandlingTime", "averageHandlingTime"),
            ("/forecast/averagePatience", "averagePatience"), ("/forecast/peakDays", "peakDayCalls"),
            ("/policy/target/serviceLevel/within", "targetSeconds"), ("/policy/target", "targetPercent"),
            ("/policy/shrinkage", "shrinkagePercent"),
        ]
        return fields.first { pointer.hasPrefix($0.0) }?.1 ?? "weeklyCalls"
    }

    static func show(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// The problems of a form, as an error so the reading can fail like any other.
struct FormProblems: Error, Sendable, Equatable {
    var problems: [StaffingForm.Problem]
}
