import Foundation

/// Device used for a web navigation test.
public enum Device: String, Codable, Sendable {
    case desktop
    /// Smartphone ou tablette.
    case mobile
}

/// Test client mystère: one planned contact of a shopper with a company.
public struct MysteryTest: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var companyID: String
    public var categoryID: String
    public var channel: Channel
    public var scenarioID: String
    public var kind: ScenarioKind
    /// Only for web navigations.
    public var device: Device?
    /// Day of fieldwork, 0 = the edition's first day.
    public var day: Int
    public var date: CivilDate
    public var weekday: Weekday
    /// Local minute after midnight at which the shopper starts the test.
    public var minuteOfDay: Int
    public var scheduledAt: Date
    public var shopperID: String?

    public init(
        id: String, companyID: String, categoryID: String, channel: Channel, scenarioID: String,
        kind: ScenarioKind, device: Device?, day: Int, date: CivilDate, weekday: Weekday, minuteOfDay: Int,
        scheduledAt: Date, shopperID: String? = nil
    ) {
        self.id = id
        self.companyID = companyID
        self.categoryID = categoryID
        self.channel = channel
        self.scenarioID = scenarioID
        self.kind = kind
        self.device = device
        self.day = day
        self.date = date
        self.weekday = weekday
        self.minuteOfDay = minuteOfDay
        self.scheduledAt = scheduledAt
        self.shopperID = shopperID
    }

    /// "14:05", local time.
    public var localTime: String { TimeRange.format(minuteOfDay) }
}

/// The score a shopper gave one criterion: points on the criterion's scale, or not applicable.
public enum CriterionScore: Codable, Sendable, Hashable {
    case points(Double)
    /// Non applicable: the situation did not arise (no hold, no transfer…); leaves both sums.
    case notApplicable

    /// Spelling of N/A in CSV and JSON.
    public static let notApplicableToken = "NA"

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Double.self) {
            self = .points(value)
        } else if let text = try? container.decode(String.self),
            ["NA", "N/A", "na", "n/a"].contains(text)
        {
            self = .notApplicable
        } else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected points or \"NA\""))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .points(let value): try container.encode(value)
        case .notApplicable: try container.encode(CriterionScore.notApplicableToken)
        }
    }
}

/// Évaluation: what the shopper recorded for one test.
public struct Evaluation: Codable, Sendable, Hashable {
    public var testID: String
    public var companyID: String
    public var categoryID: String
    public var channel: Channel
    public var scenarioID: String
    public var startedAt: Date?
    public var endedAt: Date?
    /// Seconds of ringing before pick-up (calls).
    public var ringingSeconds: Double?
    /// Seconds from the first ring (or message) until a person takes the contact in charge.
    public var takeInChargeSeconds: Double?
    /// The contact ended on a saturation message.
    public var saturationMessage: Bool
    /// Score per criterion id of the channel's scorecard.
    public var scores: [String: CriterionScore]
    /// Verbatim: the shopper's own words.
    public var verbatim: String

    public init(
        testID: String, companyID: String, categoryID: String, channel: Channel, scenarioID: String,
        startedAt: Date? = nil, endedAt: Date? = nil, ringingSeconds: Double? = nil,
        takeInChargeSeconds: Double? = nil, saturationMessage: Bool = false, scores: [String: CriterionScore],
        verbatim: String = ""
    ) {
        self.testID = testID
        self.companyID = companyID
        self.categoryID = categoryID
        self.channel = channel
        self.scenarioID = scenarioID
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.ringingSeconds = ringingSeconds
        self.takeInChargeSeconds = takeInChargeSeconds
        self.saturationMessage = saturationMessage
        self.scores = scores
        self.verbatim = verbatim
    }
}
