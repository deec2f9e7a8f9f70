import Foundation

/// A whole contact event log — many contacts interleaved, as it was recorded — replayed at once.
///
/// Every indicator and the single-point-of-contact view must be recomputable from the log alone
/// (DOMAIN.md §1–2). A contact whose events cannot be replayed is set aside with its reason rather than
/// aborting the whole replay: one corrupt contact must not hide the indicators of thousands of sound ones,
/// and a supervisor should see how many contacts were left out, and why.
///
/// Customer merges (`CustomerMerge`) are applied on the way, so a person first seen by phone and later by
/// email has one journey: their contacts count under the record that was kept.
public struct ContactLogReplay: Sendable {
    /// A contact whose log could not be replayed, and why.
    public struct Rejection: Sendable, Hashable {
        public var contactID: String
        public var error: ContactLogError
    }

    /// The contacts that replayed, in the order they were opened (first event time, then identifier).
    public private(set) var timelines: [ContactTimeline]
    /// The contacts that did not, in the same order.
    public private(set) var rejected: [Rejection]

    /// Replays `events`, keeping each contact's events in the order they were recorded: the log is
    /// append-only, so its order is the truth and a timestamp going backwards is an error to report, not
    /// something to sort away.
    ///
    /// - Parameter merges: merges already applied to customers, in any order; chains (a into b, then b into c)
    ///   are followed, so every contact ends under the record that survives.
    public init(_ events: [ContactEvent], merges: [CustomerMerge] = []) {
        var order: [String] = []
        var byContact: [String: [ContactEvent]] = [:]
        for event in events {
            if byContact[event.contactID] == nil { order.append(event.contactID) }
            byContact[event.contactID, default: []].append(event)
        }
        let survivor = Self.survivors(merges)
        var replayed: [(opened: Date, timeline: ContactTimeline)] = []
        var refused: [(opened: Date, rejection: Rejection)] = []
        for contactID in order {
            let log = byContact[contactID]!
            do {
                var timeline = try ContactTimeline.replay(log)
                if let customer = timeline.customerID { timeline.customerID = survivor(customer) }
                replayed.append((log[0].at, timeline))
            } catch {
                refused.append((log[0].at, Rejection(contactID: contactID, error: error)))
            }
        }
        timelines = replayed.sorted { ($0.opened, $0.timeline.contactID) < ($1.opened, $1.timeline.contactID) }
            .map(\.timeline)
        rejected = refused.sorted {
            ($0.opened, $0.rejection.contactID) < ($1.opened, $1.rejection.contactID)
        }.map(\.rejection)
    }

    /// The indicators over every contact that replayed.
    public func summary(threshold: TimeInterval = 30) -> ContactLogSummary {
        ContactLogSummary(timelines, threshold: threshold)
    }

    /// The single-point-of-contact view, one per customer (after merges), in customer order.
    public var journeys: [JourneyView] { JourneyView.views(timelines) }

    /// One customer's history across every channel, oldest contact first.
    public func history(of customerID: String) -> [ContactTimeline] {
        timelines.filter { $0.customerID == customerID }
    }

    /// Follows merge chains to the surviving record. A cycle (which a store should never let happen) stops at
    /// the first record seen twice instead of looping.
    static func survivors(_ merges: [CustomerMerge]) -> (String) -> String {
        let keptFor = Dictionary(merges.map { ($0.absorbed, $0.kept) }, uniquingKeysWith: { _, last in last })
        return { customer in
            var current = customer
            var seen: Set<String> = [customer]
            while let next = keptFor[current], seen.insert(next).inserted { current = next }
            return current
        }
    }
}
