import Foundation

/// Quotas de tests: how many mystery tests one company receives on each channel.
public struct ChannelQuotas: Codable, Sendable, Hashable {
    public var counts: [Channel: Int]
    /// How many of the web navigations are done from a smartphone or tablet.
    public var mobileWeb: Int

    public init(_ counts: [Channel: Int], mobileWeb: Int) {
        self.counts = counts
        self.mobileWeb = mobileWeb
    }

    /// 140 calls, 50 emails or web forms, 15 web navigations (8 on smartphone or tablet),
    /// 10 social-network contacts, 10 chats: 225 tests (seeds 000 and 001).
    public static let standard = ChannelQuotas(
        [.phone: 140, .email: 50, .web: 15, .social: 10, .chat: 10], mobileWeb: 8)

    public subscript(channel: Channel) -> Int { counts[channel] ?? 0 }

    public var total: Int { counts.values.reduce(0, +) }
}

/// When a test gets 0/20 whatever its criteria say (seed 000).
public struct AutoZeroRules: Codable, Sendable, Hashable {
    /// Non décroché: more than this many seconds of ringing.
    public var maxRingingSeconds: Double
    /// Temps de prise en charge: more than this many seconds until a person takes the contact in charge.
    public var maxTakeInChargeSeconds: Double
    /// Message de saturation: the contact ends on a "lines are busy" message.
    public var saturationMessageIsZero: Bool
    /// The channels these thresholds apply to. The sources state them for calls only.
    public var channels: Set<Channel>

    public init(
        maxRingingSeconds: Double = 60, maxTakeInChargeSeconds: Double = 240,
        saturationMessageIsZero: Bool = true, channels: Set<Channel> = [.phone]
    ) {
        self.maxRingingSeconds = maxRingingSeconds
        self.maxTakeInChargeSeconds = maxTakeInChargeSeconds
        self.saturationMessageIsZero = saturationMessageIsZero
        self.channels = channels
    }
}

/// The rules of one edition of the award. Every default is a number from the sources.
public struct EditionSettings: Codable, Sendable, Hashable {
    /// Length of the fieldwork, in weeks ("plus de 10 semaines").
    public var weeks: Int
    public var quotas: ChannelQuotas
    public var autoZero: AutoZeroRules
    /// Optional weight of each channel in the company mark. `nil`: plain mean of all test marks
    /// (the organiser's real weights are not public).
    public var channelWeights: [Channel: Double]?
    /// A winner must score strictly above this mark out of 20.
    public var passMark: Double
    /// A category stands only with at least this many eligible participants.
    public var minParticipants: Int
    /// A company is eligible only if it offers at least this many contact channels.
    public var minChannels: Int
    /// Allowed number of distinct scenarios per category ("13 à 17 scenarii").
    public var scenariosPerCategory: ClosedRange<Int>
    /// Hours in which shoppers run tests on channels that are not live (email, web, social).
    public var shopperHours: WeeklyHours
    /// Time zone in which opening hours and the period are read.
    public var timeZoneIdentifier: String

    public init(
        weeks: Int = 10, quotas: ChannelQuotas = .standard, autoZero: AutoZeroRules = AutoZeroRules(),
        channelWeights: [Channel: Double]? = nil, passMark: Double = 12, minParticipants: Int = 3,
        minChannels: Int = 2, scenariosPerCategory: ClosedRange<Int> = 13...17,
        shopperHours: WeeklyHours = .same(TimeRange(start: 8 * 60, end: 21 * 60), on: Weekday.allCases),
        timeZoneIdentifier: String = "Europe/Paris"
    ) {
        self.weeks = weeks
        self.quotas = quotas
        self.autoZero = autoZero
        self.channelWeights = channelWeights
        self.passMark = passMark
        self.minParticipants = minParticipants
        self.minChannels = minChannels
        self.scenariosPerCategory = scenariosPerCategory
        self.shopperHours = shopperHours
        self.timeZoneIdentifier = timeZoneIdentifier
    }

    public var timeZone: TimeZone { TimeZone(identifier: timeZoneIdentifier) ?? TimeZone(identifier: "UTC")! }
}

/// Élection: one yearly edition of "Élu Service Client de l'Année".
public struct Edition: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    /// Title year ("2018" for fieldwork in May–July 2017).
    public var name: String
    /// First day of fieldwork.
    public var start: CivilDate
    public var settings: EditionSettings

    public init(id: String, name: String, start: CivilDate, settings: EditionSettings = EditionSettings()) {
        self.id = id
        self.name = name
        self.start = start
        self.settings = settings
    }

    /// Every day of the fieldwork, in order.
    public var days: [CivilDate] { (0..<(settings.weeks * 7)).map { start.adding(days: $0) } }
}

/// Catégorie: companies of one sector compared with each other (e.g. "Grande distribution").
public struct Category: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// Entreprise participante: a company enrolled in a category.
public struct Company: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var categoryID: String
    /// Contact channels the company offers.
    public var channels: Set<Channel>
    /// Opening hours per channel. Live channels (phone, chat) must have some; other channels
    /// fall back to the edition's shopper hours.
    public var openingHours: [Channel: WeeklyHours]
    /// Points d'entrée: the numbers, addresses, forms and accounts shoppers use, per channel.
    public var entryPoints: [Channel: [String]]?

    public init(
        id: String, name: String, categoryID: String, channels: Set<Channel>,
        openingHours: [Channel: WeeklyHours] = [:], entryPoints: [Channel: [String]]? = nil
    ) {
        self.id = id
        self.name = name
        self.categoryID = categoryID
        self.channels = channels
        self.openingHours = openingHours
        self.entryPoints = entryPoints
    }
}

/// Avant-vente or après-vente.
public enum ScenarioKind: String, Codable, Sendable, CaseIterable {
    case preSale = "pre_sale"
    case afterSale = "after_sale"
}

/// Scénario: what the mystery shopper asks, and the answer a good service gives.
public struct Scenario: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var categoryID: String
    public var title: String
    public var kind: ScenarioKind
    /// Channels on which the scenario can be played; empty means all.
    public var channels: Set<Channel>
    /// What the shopper says or writes.
    public var script: String
    /// The answer expected from the service (used to score "qualité de la réponse").
    public var expectedAnswer: String

    public init(
        id: String, categoryID: String, title: String, kind: ScenarioKind, channels: Set<Channel> = [],
        script: String, expectedAnswer: String
    ) {
        self.id = id
        self.categoryID = categoryID
        self.title = title
        self.kind = kind
        self.channels = channels
        self.script = script
        self.expectedAnswer = expectedAnswer
    }

    public func applies(to channel: Channel) -> Bool { channels.isEmpty || channels.contains(channel) }
}

/// Client mystère: a trained shopper who runs tests.
public struct Shopper: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    /// Channels the shopper is trained for; empty means all.
    public var channels: Set<Channel>

    public init(id: String, name: String, channels: Set<Channel> = []) {
        self.id = id
        self.name = name
        self.channels = channels
    }

    public func canTest(_ channel: Channel) -> Bool { channels.isEmpty || channels.contains(channel) }
}
