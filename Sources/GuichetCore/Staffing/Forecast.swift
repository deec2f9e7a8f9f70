import Foundation

/// A day of the week, as written in forecast files ("monday" … "sunday").
public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CodingKeyRepresentable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A time of day to the minute, written "HH:MM" in JSON ("08:30"); "24:00" is allowed as a closing time.
public struct ClockTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Minutes since midnight, 0…1440.
    public let minutes: Int

    public init(minutes: Int) throws(StaffingError) {
        guard (0...1440).contains(minutes) else {
            throw .invalidForecast("time of day \(minutes) min is outside 00:00–24:00")
        }
        self.minutes = minutes
    }

    public init(_ text: String) throws(StaffingError) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m)
        else { throw .invalidForecast("time of day \"\(text)\" is not HH:MM") }
        try self.init(minutes: h * 60 + m)
    }

    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Opening hours shared by some days: `{"days": ["monday", …], "open": "08:30", "close": "19:30"}`.
public struct OpeningHours: Sendable, Hashable, Codable {
    public var days: [Weekday]
    public var open: ClockTime
    public var close: ClockTime

    public init(days: [Weekday], open: ClockTime, close: ClockTime) {
        self.days = days
        self.open = open
        self.close = close
    }
}

/// How many calls the forecast announces: per week (spread over the open days) or per open day.
/// JSON: `{"perWeek": 6000}` or `{"perDay": 1000}`.
public enum ForecastVolume: Sendable, Hashable, Codable {
    case perWeek(Double)
    case perDay(Double)

    private enum CodingKeys: String, CodingKey { case perWeek, perDay }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let calls = try container.decodeIfPresent(Double.self, forKey: .perWeek) {
            self = .perWeek(calls)
        } else if let calls = try container.decodeIfPresent(Double.self, forKey: .perDay) {
            self = .perDay(calls)
        } else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "volume needs \"perWeek\" or \"perDay\""))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .perWeek(calls): try container.encode(calls, forKey: .perWeek)
        case let .perDay(calls): try container.encode(calls, forKey: .perDay)
        }
    }
}

/// A named day with its own volume — the source's "peaks of 2,000 calls in a day" — staffed as a separate day.
public struct PeakDay: Sendable, Hashable, Codable {
    /// Shown in plans, e.g. "Lundi de rentrée" or "Peak day".
    public var name: String
    /// Calls offered that day.
    public var calls: Double
    /// Whose opening hours apply; defaults to the first open day of the week.
    public var weekday: Weekday?
    /// Its own intraday weights (one per interval); defaults to the forecast's.
    public var intradayWeights: [Double]?

    public init(name: String, calls: Double, weekday: Weekday? = nil, intradayWeights: [Double]? = nil) {
        self.name = name
        self.calls = calls
        self.weekday = weekday
        self.intradayWeights = intradayWeights
    }
}

/// A call forecast: volume, when the centre is open, how calls spread over days and intervals, and how long
/// they last. The JSON format is documented in docs/STAFFING.md.
public struct Forecast: Sendable, Hashable, Codable {
    public var volume: ForecastVolume
    public var openingHours: [OpeningHours]
    /// Interval length: 15, 30 or 60 minutes. Intervals start at the opening time.
    public var intervalMinutes: Int
    /// Relative weight of each open day (default: all equal). Only used with `perWeek` volumes.
    public var dayWeights: [Weekday: Double]?
    /// Relative weight of each interval of a day (default: flat); one per interval from the opening time.
    public var intradayWeights: [Double]?
    /// Named days with their own volume, staffed separately.
    public var peakDays: [PeakDay]
    /// Average handling time in seconds (talk + hold + after-call work).
    public var averageHandlingTime: Double
    /// Mean caller patience in seconds; when given, staffing uses Erlang A (callers hang up), else Erlang C.
    public var averagePatience: Double?

    public init(
        volume: ForecastVolume, openingHours: [OpeningHours], intervalMinutes: Int = 30,
        dayWeights: [Weekday: Double]? = nil, intradayWeights: [Double]? = nil, peakDays: [PeakDay] = [],
        averageHandlingTime: Double, averagePatience: Double? = nil
    ) {
        self.volume = volume
        self.openingHours = openingHours
        self.intervalMinutes = intervalMinutes
        self.dayWeights = dayWeights
        self.intradayWeights = intradayWeights
        self.peakDays = peakDays
        self.averageHandlingTime = averageHandlingTime
        self.averagePatience = averagePatience
    }

    /// The reference operation of DOMAIN.md §2 (seed 000): 6,000 calls a week, Monday–Saturday 08:30–19:30, a
    /// 2,000-call peak day; AHT 4 min (the figure sim_bench uses — the source gives none), 30-minute intervals.
    public static let reference: Forecast = {
        // Literal times: cannot fail.
        let open = try! ClockTime("08:30")
        let close = try! ClockTime("19:30")
        return Forecast(
            volume: .perWeek(6000),
            openingHours: [OpeningHours(
                days: [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday], open: open, close: close)],
            intervalMinutes: 30,
            peakDays: [PeakDay(name: "Peak day", calls: 2000)],
            averageHandlingTime: 240)
    }()

    /// The opening hours of `day`, or nil when closed. Throws if a day is listed twice or hours are reversed.
    func hours(on day: Weekday) throws(StaffingError) -> (open: ClockTime, close: ClockTime)? {
        let matches = openingHours.filter { $0.days.contains(day) }
        guard matches.count <= 1 else {
            throw .invalidForecast("\(day.rawValue) has more than one opening-hours entry")
        }
        guard let hours = matches.first else { return nil }
        guard hours.open < hours.close else {
            throw .invalidForecast("\(day.rawValue) opens at \(hours.open) but closes at \(hours.close)")
        }
        return (hours.open, hours.close)
    }

    /// Open days in week order.
    func openDays() throws(StaffingError) -> [Weekday] {
        var days: [Weekday] = []
        for day in Weekday.allCases where try hours(on: day) != nil { days.append(day) }
        return days
    }

    /// Throws a readable error for anything the planner cannot use.
    public func validate() throws(StaffingError) {
        guard [15, 30, 60].contains(intervalMinutes) else {
            throw .invalidForecast("interval of \(intervalMinutes) min: use 15, 30 or 60")
        }
        switch volume {
        case let .perWeek(calls): try Check.nonNegative(calls, "calls per week")
        case let .perDay(calls): try Check.nonNegative(calls, "calls per day")
        }
        try Check.positive(averageHandlingTime, "average handling time (s)")
        if let averagePatience { try Check.positive(averagePatience, "average patience (s)") }
        guard try !openDays().isEmpty else { throw .invalidForecast("no open day") }
        for (day, weight) in dayWeights ?? [:] {
            try Check.nonNegative(weight, "day weight of \(day.rawValue)")
            guard try hours(on: day) != nil else {
                throw .invalidForecast("weight given for closed day \(day.rawValue)")
            }
        }
        try Self.checkWeights(intradayWeights, "intraday weights")
        for peak in peakDays {
            try Check.nonNegative(peak.calls, "calls on \(peak.name)")
            try Self.checkWeights(peak.intradayWeights, "intraday weights of \(peak.name)")
            if let day = peak.weekday, try hours(on: day) == nil {
                throw .invalidForecast("peak day \(peak.name) falls on closed day \(day.rawValue)")
            }
        }
    }

    private static func checkWeights(_ weights: [Double]?, _ name: String) throws(StaffingError) {
        guard let weights else { return }
        for w in weights { try Check.nonNegative(w, name) }
        guard weights.reduce(0, +) > 0 else { throw .invalidForecast("\(name) are all zero") }
    }
}
