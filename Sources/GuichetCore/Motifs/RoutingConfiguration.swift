import Foundation

/// A brand's whole routing set-up, as one versioned document: its motif taxonomy, the rules that set a
/// contact's motif, the rules that route it, and where a contact goes when no rule applies.
public struct RoutingConfiguration: Codable, Sendable, Hashable {
    public var motifs: [Motif]
    public var motifRules: [MotifRule]
    public var routingRules: [RoutingRule]
    public var fallback: RoutingTarget

    public init(motifs: [Motif], motifRules: [MotifRule], routingRules: [RoutingRule], fallback: RoutingTarget) {
        self.motifs = motifs
        self.motifRules = motifRules
        self.routingRules = routingRules
        self.fallback = fallback
    }

    /// Checks the document whole and returns what decides contacts. `queues` are the brand's queue codes:
    /// every target must name one of them. Problems carry JSON Pointers into this document.
    public func compile(queues: Set<String>) throws(ValidationFailure) -> CompiledRouting {
        var problems: [FieldProblem] = []
        func prefixed(_ failure: ValidationFailure, _ prefix: String) -> [FieldProblem] {
            failure.problems.map { FieldProblem(pointer: prefix + $0.pointer, detail: $0.detail) }
        }
        var taxonomy: MotifTaxonomy?
        do { taxonomy = try MotifTaxonomy(motifs) } catch { problems += prefixed(error, "/motifs") }
        let ruleIDs = motifRules.map(\.id) + routingRules.map(\.id)
        for (index, rule) in motifRules.enumerated() where ruleIDs.filter({ $0 == rule.id }).count > 1 {
            problems.append(.init(pointer: "/motifRules/\(index)/id", detail: "duplicate rule id '\(rule.id)'"))
        }
        for (index, rule) in routingRules.enumerated() {
            if ruleIDs.filter({ $0 == rule.id }).count > 1 {
                problems.append(.init(pointer: "/routingRules/\(index)/id", detail: "duplicate rule id '\(rule.id)'"))
            }
            if !queues.contains(rule.target.queue) {
                problems.append(
                    .init(
                        pointer: "/routingRules/\(index)/target/queue", detail: "unknown queue '\(rule.target.queue)'"))
            }
            problems += Self.skillProblems(rule.target.skills, "/routingRules/\(index)/target/skills")
        }
        if !queues.contains(fallback.queue) {
            problems.append(.init(pointer: "/fallback/queue", detail: "unknown queue '\(fallback.queue)'"))
        }
        problems += Self.skillProblems(fallback.skills, "/fallback/skills")
        guard let taxonomy, problems.isEmpty else { throw ValidationFailure(problems) }
        do {
            let detector = try MotifDetector(taxonomy: taxonomy, rules: motifRules)
            let router = try Router(taxonomy: taxonomy, rules: routingRules, fallback: fallback)
            return CompiledRouting(detector: detector, router: router)
        } catch {
            throw ValidationFailure(prefixed(error, "/motifRules"))
        }
    }

    static func skillProblems(_ skills: [SkillRequirement], _ pointer: String) -> [FieldProblem] {
        skills.enumerated().compactMap { index, skill in
            (1...5).contains(skill.minimumLevel)
                ? nil : FieldProblem(pointer: "\(pointer)/\(index)/minimumLevel", detail: "a level is between 1 and 5")
        }
    }

    /// What a brand starts with: one general queue, no motif, every contact there.
    public static func starter(queue: String) -> RoutingConfiguration {
        RoutingConfiguration(motifs: [], motifRules: [], routingRules: [], fallback: RoutingTarget(queue: queue))
    }
}

/// A checked routing configuration: sets the motif of a contact, then routes it.
public struct CompiledRouting: Sendable {
    public let detector: MotifDetector
    public let router: Router

    public struct Outcome: Sendable, Hashable {
        public var motif: MotifDecision?
        public var route: RoutingDecision
    }

    public func decide(_ facts: ContactFacts) -> Outcome {
        let motif = detector.detect(facts)
        return Outcome(
            motif: motif, route: router.route(motif: motif?.motif, medium: facts.medium, customer: facts.customer))
    }

    /// Routing again after an agent corrected the motif (the facts stay those of the contact).
    public func reroute(motif: String, medium: Medium, customer: [String: String]) -> RoutingDecision {
        router.route(motif: motif, medium: medium, customer: customer)
    }
}
