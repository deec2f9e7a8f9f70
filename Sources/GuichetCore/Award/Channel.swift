import Foundation

/// Canal de contact: one way a mystery shopper reaches a company during the award.
///
/// The raw values are the spellings used in scorecard files, CSV files and JSON.
public enum Channel: String, Codable, Sendable, CaseIterable, Comparable, CodingKeyRepresentable {
    /// Appel téléphonique.
    case phone
    /// Email ou formulaire web.
    case email
    /// Navigation internet: the shopper looks for the answer alone on the site (desktop or mobile).
    case web
    /// Réseaux sociaux.
    case social
    /// Chat.
    case chat

    /// Live channels are answered by a person in real time, so their tests must fall inside the
    /// company's opening hours for that channel.
    public var isLive: Bool { self == .phone || self == .chat }

    /// Stable order used in every table and export (the order the sources list the channels in).
    public var order: Int { Channel.allCases.firstIndex(of: self)! }

    public static func < (lhs: Channel, rhs: Channel) -> Bool { lhs.order < rhs.order }

    /// French label for reports.
    public var labelFR: String {
        switch self {
        case .phone: "Téléphone"
        case .email: "Email / formulaire"
        case .web: "Navigation internet"
        case .social: "Réseaux sociaux"
        case .chat: "Chat"
        }
    }
}

// `Weekday` is the one shared with staffing forecasts (Staffing/Forecast.swift), monday … sunday in order.
extension Weekday {
    /// Foundation's `Calendar` numbers weekdays from Sunday = 1.
    init(calendarWeekday: Int) {
        self = Weekday.allCases[(calendarWeekday + 5) % 7]
    }
}

/// A span of local time inside one day, in minutes after midnight: `start ..< end`.
public struct TimeRange: Codable, Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// "08:30-19:30".
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let s = TimeRange.minutes(String(parts[0])),
            let e = TimeRange.minutes(String(parts[1])),
            s < e
        else { return nil }
        self.init(start: s, end: e)
    }

    public var length: Int { end - start }

    public func contains(minute: Int) -> Bool { minute >= start && minute < end }

    /// "HH:MM" → minutes after midnight; "24:00" is allowed as an end of day.
    static func minutes(_ text: String) -> Int? {
        let hm = text.split(separator: ":")
        guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...24).contains(h), (0..<60).contains(m),
            h * 60 + m <= 1440
        else { return nil }
        return h * 60 + m
    }

    static func format(_ minute: Int) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    public var description: String { "\(TimeRange.format(start))-\(TimeRange.format(end))" }

    // Encoded as "08:30-19:30" so opening hours stay readable in JSON files.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let range = TimeRange(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected \"HH:MM-HH:MM\", got \"\(text)\""))
        }
        self = range
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Horaires d'ouverture: the hours one channel is staffed, per weekday. A missing day is closed.
public struct WeeklyHours: Codable, Sendable, Hashable {
    public var days: [Weekday: [TimeRange]]

    public init(_ days: [Weekday: [TimeRange]]) {
        self.days = days
    }

    /// The same hours on each of `weekdays`.
    public static func same(_ range: TimeRange, on weekdays: [Weekday]) -> WeeklyHours {
        WeeklyHours(Dictionary(uniqueKeysWithValues: weekdays.map { ($0, [range]) }))
    }

    /// Monday–Saturday 08:30–19:30: the reference operation of the sources (6 days out of 7).
    public static let reference = WeeklyHours.same(
        TimeRange(start: 8 * 60 + 30, end: 19 * 60 + 30),
        on: [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday])

    public func ranges(on day: Weekday) -> [TimeRange] { days[day] ?? [] }

    public func isOpen(on day: Weekday, minute: Int) -> Bool {
        ranges(on: day).contains { $0.contains(minute: minute) }
    }

    public var isEmpty: Bool { days.values.allSatisfy { $0.allSatisfy { $0.length <= 0 } } }

    public init(from decoder: Decoder) throws {
        days = try decoder.singleValueContainer().decode([Weekday: [TimeRange]].self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(days)
    }
}

/// A calendar day with no time zone ("2017-05-02"), so edition periods do not move with DST.
public struct CivilDate: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(_ iso: String) {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        self.init(year: parts[0], month: parts[1], day: parts[2])
        // Reject 2017-02-30 and the like: the round trip through the calendar must be exact.
        guard adding(days: 0) == self else { return nil }
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    // Civil arithmetic happens in UTC, where every day has 24 hours.
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private var utcNoon: Date {
        CivilDate.utc.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
    }

    public func adding(days: Int) -> CivilDate {
        let date = CivilDate.utc.date(byAdding: .day, value: days, to: utcNoon)!
        let c = CivilDate.utc.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)
    }

    public var weekday: Weekday { Weekday(calendarWeekday: CivilDate.utc.component(.weekday, from: utcNoon)) }

    /// The instant of `minute` after local midnight on this day in `timeZone`.
    public func instant(minute: Int, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: minute / 60, minute: minute % 60))!
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "expected a date \"YYYY-MM-DD\", got \"\(text)\"")
            )
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
