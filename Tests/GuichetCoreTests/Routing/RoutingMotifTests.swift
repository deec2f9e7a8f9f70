import Foundation
import Testing

@testable import GuichetCore

/// The system finds the reason and routes — never the customer picking "the right number" (DOMAIN.md §1).
@Suite("Routing: motifs, detection rules and routing rules")
struct RoutingMotifTests {
    static func motif(_ id: String, _ fr: String, parent: String? = nil) -> Motif {
        Motif(id: id, label: Localized(fr: fr, en: fr), parent: parent)
    }

    /// An energy supplier's motifs d'appel.
    static func taxonomy() throws -> MotifTaxonomy {
        try MotifTaxonomy([
            motif("facturation", "Facturation"),
            motif("facturation.contestation", "Contestation de facture", parent: "facturation"),
            motif("facturation.contestation.remboursement", "Remboursement", parent: "facturation.contestation"),
            motif("facturation.echeancier", "Échéancier", parent: "facturation"),
            motif("contrat", "Contrat"),
            motif("contrat.resiliation", "Résiliation", parent: "contrat"),
            motif("contrat.demenagement", "Déménagement", parent: "contrat"),
            motif("technique", "Technique"),
            motif("technique.panne", "Panne", parent: "technique"),
        ])
    }

    static func detector() throws -> MotifDetector {
        try MotifDetector(
            taxonomy: taxonomy(),
            rules: [
                MotifRule(id: "svi-1", motif: "facturation", conditions: [.ivrChoice("1")]),
                MotifRule(
                    id: "resiliation", motif: "contrat.resiliation",
                    conditions: [.anyKeyword(["résilier", "résiliation", "mettre fin"])]),
                MotifRule(
                    id: "contestation", motif: "facturation.contestation",
                    conditions: [.anyKeyword(["conteste", "contestation", "erreur de facturation", "trop payé"])]),
                MotifRule(
                    id: "remboursement-mail", motif: "facturation.contestation.remboursement", priority: 5,
                    conditions: [.anyKeyword(["remboursement", "rembourser"]), .medium(.email)]),
                MotifRule(
                    id: "numero-depannage", motif: "technique.panne", priority: 10,
                    conditions: [.entryPoint("+33970809010")]),
                MotifRule(
                    id: "pro-facture", motif: "facturation", priority: 1,
                    conditions: [.customer(attribute: "contrat", equals: "pro"), .anyKeyword(["facture"])]),
                MotifRule(id: "demenagement", motif: "contrat.demenagement", conditions: [.anyKeyword(["déménage"])]),
            ])
    }

    // MARK: Taxonomy

    @Test("A sound taxonomy: lineage nearest first, distance counts the steps up")
    func lineage() throws {
        let taxonomy = try Self.taxonomy()
        #expect(
            taxonomy.lineage(of: "facturation.contestation.remboursement")
                == ["facturation.contestation.remboursement", "facturation.contestation", "facturation"])
        #expect(taxonomy.lineage(of: "inconnu") == [])
        #expect(taxonomy.distance(from: "facturation.contestation.remboursement", to: "facturation") == 2)
        #expect(taxonomy.distance(from: "facturation", to: "facturation") == 0)
        #expect(taxonomy.distance(from: "facturation", to: "facturation.contestation") == nil, "not upwards")
        #expect(taxonomy.distance(from: "contrat.resiliation", to: "facturation") == nil)
    }

    @Test("A brand's broken taxonomy is refused with every problem at once, each pointing at its row")
    func brokenTaxonomy() {
        do {
            _ = try MotifTaxonomy([
                Self.motif("a", "A", parent: "c"),
                Self.motif("b", "B", parent: "a"),
                Self.motif("c", "C", parent: "b"),  // a → c → b → a
                Self.motif("a", "A bis"),
                Self.motif(" ", "Sans code"),
                Self.motif("d", "D", parent: "absent"),
            ])
            Issue.record("a taxonomy with a cycle, a duplicate, a blank code and an unknown parent was accepted")
        } catch {
            let pointers = error.problems.map(\.pointer)
            #expect(pointers.contains("/3/id"), "duplicate")
            #expect(pointers.contains("/4/id"), "blank")
            #expect(pointers.contains("/5/parent"), "unknown parent")
            #expect(
                error.problems.filter { $0.detail.contains("its own ancestor") }.count == 3, "each motif of the cycle")
        }
    }

    @Test("A motif that is its own parent is a cycle too")
    func selfParent() {
        #expect(throws: ValidationFailure.self) { try MotifTaxonomy([Self.motif("a", "A", parent: "a")]) }
    }

    // MARK: Detection

    @Test(
        "Keywords ignore case and accents, in real French sentences",
        arguments: [
            ("JE VEUX RESILIER MON CONTRAT !!!", "contrat.resiliation"),
            ("Bonjour, je souhaite la résiliation de mon abonnement.", "contrat.resiliation"),
            ("Je voudrais mettre\nfin à mon contrat", "contrat.resiliation"),
            ("J’ai constaté une erreur de facturation sur ma facture de mars", "facturation.contestation"),
            ("Je CONTESTE le montant prélevé", "facturation.contestation"),
            ("Nous déménageons… enfin, je déménage le 3 juin", "contrat.demenagement"),
        ])
    func keywords(text: String, expected: String) throws {
        #expect(try Self.detector().detect(ContactFacts(medium: .chat, text: text))?.motif == expected)
    }

    @Test("Keywords are whole words: 'résiliable' does not mean the customer wants to cancel")
    func wholeWords() throws {
        let detector = try Self.detector()
        #expect(detector.detect(ContactFacts(medium: .chat, text: "Ce contrat est-il résiliable ?")) == nil)
        #expect(detector.detect(ContactFacts(medium: .chat, text: "un point incontestable")) == nil)
    }

    @Test("Higher priority wins; at equal priority the rule written first wins (first-match)")
    func priorityThenOrder() throws {
        let detector = try Self.detector()
        // Breakdown line called, customer talks about cancelling: the entry point (priority 10) decides.
        let call = ContactFacts(medium: .voice, entryPoint: "+33970809010", text: "je vais résilier si ça continue")
        #expect(detector.detect(call)?.ruleID == "numero-depannage")
        // Both "résiliation" and "contestation" rules match at priority 0: the first written wins.
        let both = ContactFacts(medium: .chat, text: "Je conteste et je veux résilier")
        #expect(detector.detect(both)?.ruleID == "resiliation")
        // A refund asked by email is the more precise motif (priority 5) over the contestation rule.
        let refund = ContactFacts(medium: .email, text: "Je conteste et demande un remboursement")
        #expect(detector.detect(refund)?.motif == "facturation.contestation.remboursement")
        // The same words by chat: the email-only rule does not hold, the contestation rule does.
        #expect(detector.detect(ContactFacts(medium: .chat, text: refund.text))?.motif == "facturation.contestation")
    }

    @Test("Customer attributes and IVR choice; every condition of a rule must hold")
    func attributesAndIVR() throws {
        let detector = try Self.detector()
        let pro = ContactFacts(medium: .email, text: "Ma facture", customer: ["contrat": "pro"])
        #expect(detector.detect(pro)?.ruleID == "pro-facture")
        #expect(
            detector.detect(ContactFacts(medium: .email, text: "Ma facture", customer: ["contrat": "particulier"]))
                == nil)
        #expect(detector.detect(ContactFacts(medium: .voice, ivrChoice: "1"))?.motif == "facturation")
        #expect(detector.detect(ContactFacts(medium: .voice, ivrChoice: "2")) == nil)
    }

    @Test("The decision explains itself: which rule, and every condition that held")
    func explanation() throws {
        let decision = try #require(
            try Self.detector().detect(ContactFacts(medium: .email, text: "Ma facture", customer: ["contrat": "pro"])))
        #expect(decision.ruleID == "pro-facture")
        #expect(decision.because == ["customer contrat = pro", "a keyword among facture"])
    }

    @Test("Rules naming an unknown motif, or with no condition, are refused with their row")
    func badRules() throws {
        let taxonomy = try Self.taxonomy()
        do {
            _ = try MotifDetector(
                taxonomy: taxonomy,
                rules: [
                    MotifRule(id: "ok", motif: "contrat", conditions: [.ivrChoice("3")]),
                    MotifRule(id: "ghost", motif: "livraison", conditions: [.ivrChoice("4")]),
                    MotifRule(id: "always", motif: "contrat", conditions: []),
                ])
            Issue.record("bad rules accepted")
        } catch {
            #expect(error.problems.map(\.pointer) == ["/1/motif", "/2/conditions"])
        }
    }

    @Test("An oe ligature typed by the customer matches the keyword written without it")
    func ligature() throws {
        let detector = try MotifDetector(
            taxonomy: Self.taxonomy(),
            rules: [MotifRule(id: "mo", motif: "technique", conditions: [.anyKeyword(["main d oeuvre"])])])
        let facts = ContactFacts(medium: .email, text: "La main-d’œuvre est facturée deux fois")
        #expect(detector.detect(facts) != nil)
    }

    // MARK: Agent correction

    @Test("An agent's correction is kept with who, when, what and why; only a known, different motif is accepted")
    func correction() throws {
        let taxonomy = try Self.taxonomy()
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        let detected = try Self.detector().detect(ContactFacts(medium: .chat, text: "Je conteste ma facture"))
        let correction = try MotifCorrection(
            contactID: "c-42", detected: detected, to: "facturation.echeancier", agentID: "agent-3", at: at,
            reason: "le client veut étaler le paiement, pas contester", in: taxonomy)
        #expect(correction.from == "facturation.contestation")
        #expect(correction.to == "facturation.echeancier")
        #expect(correction.agentID == "agent-3")
        #expect(correction.at == at)
        #expect(throws: ValidationFailure(pointer: "/to", "unknown motif 'livraison'")) {
            try MotifCorrection(
                contactID: "c-42", detected: detected, to: "livraison", agentID: "agent-3", at: at, in: taxonomy)
        }
        #expect(throws: ValidationFailure(pointer: "/to", "the motif is already 'facturation.contestation'")) {
            try MotifCorrection(
                contactID: "c-42", detected: detected, to: "facturation.contestation", agentID: "agent-3", at: at,
                in: taxonomy)
        }
        // No motif detected: the agent sets the first one.
        #expect(
            try MotifCorrection(contactID: "c-43", detected: nil, to: "contrat", agentID: "a", at: at, in: taxonomy)
                .from == nil)
    }

    @Test("Corrections tally per detected motif: which rules get overridden, and to what")
    func correctionTally() {
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        let corrections = [
            MotifCorrection(
                contactID: "1", from: "facturation.contestation", to: "facturation.echeancier", agentID: "a", at: at),
            MotifCorrection(
                contactID: "2", from: "facturation.contestation", to: "facturation.echeancier", agentID: "b", at: at),
            MotifCorrection(
                contactID: "3", from: "facturation.contestation", to: "contrat.resiliation", agentID: "a", at: at),
            MotifCorrection(contactID: "4", from: nil, to: "contrat", agentID: "a", at: at),
        ]
        #expect(
            MotifCorrection.tally(corrections) == [
                .init(from: "facturation.contestation", to: "facturation.echeancier", count: 2),
                .init(from: nil, to: "contrat", count: 1),
                .init(from: "facturation.contestation", to: "contrat.resiliation", count: 1),
            ])
    }

    // MARK: Routing

    static func router() throws -> Router {
        try Router(
            taxonomy: taxonomy(),
            rules: [
                RoutingRule(id: "facturation", motif: "facturation", target: RoutingTarget(queue: "facturation")),
                RoutingRule(
                    id: "litiges", motif: "facturation.contestation",
                    target: RoutingTarget(
                        queue: "litiges", priority: 2, skills: [SkillRequirement("litiges", minimumLevel: 2)])),
                RoutingRule(
                    id: "litiges-premium", motif: "facturation.contestation", customer: ["segment": "premium"],
                    target: RoutingTarget(
                        queue: "premium", priority: 10, skills: [SkillRequirement("litiges", minimumLevel: 4)])),
                RoutingRule(
                    id: "resiliation-chat", motif: "contrat.resiliation", media: [.chat],
                    target: RoutingTarget(queue: "retention-chat", skills: [SkillRequirement("retention")])),
                RoutingRule(
                    id: "resiliation", motif: "contrat.resiliation",
                    target: RoutingTarget(queue: "retention", skills: [SkillRequirement("retention")])),
                RoutingRule(
                    id: "resiliation-bis", motif: "contrat.resiliation", target: RoutingTarget(queue: "jamais")),
                RoutingRule(id: "reseaux", media: [.social], target: RoutingTarget(queue: "community")),
            ],
            fallback: RoutingTarget(queue: "accueil"))
    }

    @Test("A rule for a motif covers the motifs below it; the nearest one wins")
    func ancestors() throws {
        let router = try Self.router()
        // "remboursement" has no rule of its own: its parent's rule (1 step) beats its grandparent's (2 steps).
        let refund = router.route(motif: "facturation.contestation.remboursement", medium: .email, customer: [:])
        #expect(refund.ruleID == "litiges")
        #expect(
            refund.target
                == RoutingTarget(queue: "litiges", priority: 2, skills: [SkillRequirement("litiges", minimumLevel: 2)]))
        #expect(router.route(motif: "facturation.echeancier", medium: .voice, customer: [:]).ruleID == "facturation")
    }

    @Test("At the same motif, more customer conditions win, then a rule for the channel, then the first written")
    func specificity() throws {
        let router = try Self.router()
        let premium = router.route(
            motif: "facturation.contestation", medium: .voice, customer: ["segment": "premium", "region": "IDF"])
        #expect(premium.ruleID == "litiges-premium")
        #expect(premium.target.priority == 10)
        #expect(premium.target.skills == [SkillRequirement("litiges", minimumLevel: 4)])
        #expect(
            router.route(motif: "contrat.resiliation", medium: .chat, customer: [:]).target.queue == "retention-chat")
        #expect(router.route(motif: "contrat.resiliation", medium: .voice, customer: [:]).ruleID == "resiliation")
    }

    @Test("No motif, or an unknown one: only rules for any motif apply, else the fallback queue — said so")
    func fallback() throws {
        let router = try Self.router()
        #expect(router.route(motif: nil, medium: .social, customer: [:]).target.queue == "community")
        let lost = router.route(motif: "livraison", medium: .voice, customer: [:])
        #expect(lost.ruleID == nil)
        #expect(lost.target.queue == "accueil")
        #expect(lost.because == "no rule matched: fallback queue")
    }

    @Test("The routing decision explains itself")
    func routingExplanation() throws {
        let decision = try Self.router().route(
            motif: "facturation.contestation.remboursement", medium: .voice, customer: ["segment": "premium"])
        #expect(decision.ruleID == "litiges-premium")
        let expected =
            "motif facturation.contestation.remboursement within facturation.contestation; customer segment = premium"
        #expect(decision.because == expected)
    }

    @Test("The decision does not depend on the order rules of different specificity are listed in")
    func orderIndependent() throws {
        let base = try Self.router()
        var rng = SeededGenerator(seed: 5)
        // Keep the one exact tie ("resiliation" before "resiliation-bis") in order: that tie is meant to be
        // broken by list order.
        let tied = base.rules.filter { $0.id.hasPrefix("resiliation") && !$0.id.hasSuffix("chat") }
        let others = base.rules.filter { !tied.contains($0) }
        for _ in 0..<20 {
            var shuffled = others.shuffled(using: &rng)
            shuffled.insert(contentsOf: tied, at: Int(rng.next() % UInt64(shuffled.count + 1)))
            let router = try Router(taxonomy: base.taxonomy, rules: shuffled, fallback: base.fallback)
            for motif in [nil, "facturation.contestation.remboursement", "contrat.resiliation", "facturation"] {
                for medium in Medium.allCases {
                    for customer in [[:], ["segment": "premium"]] {
                        #expect(
                            router.route(motif: motif, medium: medium, customer: customer)
                                == base.route(motif: motif, medium: medium, customer: customer))
                    }
                }
            }
        }
    }

    @Test("Routing rules naming an unknown motif are refused")
    func unknownMotifRule() throws {
        #expect(throws: ValidationFailure([FieldProblem(pointer: "/0/motif", detail: "unknown motif 'livraison'")])) {
            try Router(
                taxonomy: Self.taxonomy(), rules: [RoutingRule(id: "x", motif: "livraison", target: .init(queue: "q"))],
                fallback: .init(queue: "accueil"))
        }
    }
}
