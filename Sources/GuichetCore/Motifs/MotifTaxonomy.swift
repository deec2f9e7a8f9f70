import Foundation

/// Motif d'appel: why a customer gets in touch ("facturation/contestation"), in a brand's hierarchy.
public struct Motif: Codable, Sendable, Hashable, Identifiable {
    /// Unique within the taxonomy, e.g. "facturation.contestation".
    public var id: String
    public var label: Localized
    /// The broader motif this one refines; nil at the top.
    public var parent: String?

    public init(id: String, label: Localized, parent: String? = nil) {
        self.id = id
        self.label = label
        self.parent = parent
    }
}

/// A brand's hierarchy of contact reasons, checked whole: unique identifiers, known parents, no cycle.
public struct MotifTaxonomy: Sendable {
    public let motifs: [String: Motif]

    public init(_ motifs: [Motif]) throws(ValidationFailure) {
        var problems: [FieldProblem] = []
        var byID: [String: Motif] = [:]
        for (index, motif) in motifs.enumerated() {
            if motif.id.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(.init(pointer: "/\(index)/id", detail: "an identifier is required"))
            } else if byID[motif.id] != nil {
                problems.append(.init(pointer: "/\(index)/id", detail: "duplicate motif '\(motif.id)'"))
            } else {
                byID[motif.id] = motif
            }
        }
        for (index, motif) in motifs.enumerated() {
            guard let parent = motif.parent else { continue }
            if byID[parent] == nil {
                problems.append(.init(pointer: "/\(index)/parent", detail: "unknown parent '\(parent)'"))
                continue
            }
            // Walk up: reaching the motif itself again means a cycle.
            var seen: Set<String> = [motif.id]
            var current: String? = parent
            while let id = current {
                if !seen.insert(id).inserted {
                    problems.append(.init(pointer: "/\(index)/parent", detail: "'\(motif.id)' is its own ancestor"))
                    break
                }
                current = byID[id]?.parent
            }
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        self.motifs = byID
    }

    /// The motif and its ancestors, nearest first; empty for an unknown motif.
    public func lineage(of id: String) -> [String] {
        var result: [String] = []
        var current: String? = motifs[id] == nil ? nil : id
        while let motif = current, result.count <= motifs.count {
            result.append(motif)
            current = motifs[motif]?.parent
        }
        return result
    }

    /// How many steps up from `id` to `ancestor` (0 when equal), or nil when `ancestor` is not above it.
    public func distance(from id: String, to ancestor: String) -> Int? {
        lineage(of: id).firstIndex(of: ancestor)
    }
}

/// An agent's correction of the motif the system chose: kept, because it is how rules get better.
public struct MotifCorrection: Codable, Sendable, Hashable {
    public var contactID: String
    public var from: String?
    public var to: String
    public var agentID: String
    public var at: Date
    public var reason: String?

    public init(contactID: String, from: String?, to: String, agentID: String, at: Date, reason: String? = nil) {
        self.contactID = contactID
        self.from = from
        self.to = to
        self.agentID = agentID
        self.at = at
        self.reason = reason
    }
}
