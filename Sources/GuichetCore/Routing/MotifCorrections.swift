import Foundation

extension MotifCorrection {
    /// Records an agent correcting the motif (motif d'appel) the rules chose — the product guides, it never
    /// forces (DOMAIN.md §2): the agent's word wins, and is kept.
    ///
    /// Refuses a motif the brand's taxonomy does not know, and a "correction" to the motif the contact already
    /// has, so the tally of corrections only counts real disagreements with the rules.
    public init(
        contactID: String, detected: MotifDecision?, to motif: String, agentID: String, at: Date,
        reason: String? = nil, in taxonomy: MotifTaxonomy
    ) throws(ValidationFailure) {
        guard taxonomy.motifs[motif] != nil else {
            throw ValidationFailure(pointer: "/to", "unknown motif '\(motif)'")
        }
        guard detected?.motif != motif else {
            throw ValidationFailure(pointer: "/to", "the motif is already '\(motif)'")
        }
        self.init(contactID: contactID, from: detected?.motif, to: motif, agentID: agentID, at: at, reason: reason)
    }

    /// How often agents moved contacts from one motif to another.
    public struct Tally: Codable, Sendable, Hashable {
        /// The motif the rules chose; nil when they found none.
        public var from: String?
        public var to: String
        public var count: Int

        public init(from: String?, to: String, count: Int) {
            self.from = from
            self.to = to
            self.count = count
        }
    }

    /// Corrections grouped by (detected, corrected) motif, most frequent first, then by motif for a stable
    /// order: the top rows are the detection rules a brand should rewrite first.
    public static func tally(_ corrections: [MotifCorrection]) -> [Tally] {
        struct Key: Hashable {
            var from: String?
            var to: String
        }
        var counts: [Key: Int] = [:]
        for correction in corrections { counts[Key(from: correction.from, to: correction.to), default: 0] += 1 }
        return counts.map { Tally(from: $0.key.from, to: $0.key.to, count: $0.value) }
            .sorted { ($1.count, $0.from ?? "", $0.to) < ($0.count, $1.from ?? "", $1.to) }
    }
}
