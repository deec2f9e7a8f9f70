import Foundation
import Testing

@testable import GuichetCore

@Suite("Motifs and routing")
struct MotifRoutingTests {
    static func taxonomy() throws -> MotifTaxonomy {
        try MotifTaxonomy([
            Motif(id: "facturation", label: .init(fr: "Facturation", en: "Billing")),
            Motif(
                id: "facturation.contestation", label: .init(fr: "Contestation", en: "Dispute"), parent: "facturation"),
            Motif(
                id: "facturation.contestation.remboursement", label: .init(fr: "Remboursement", en: "Refund"),
                parent: "facturation.contestation"),
            Motif(id: "contrat", label: .init(fr: "Contrat", en: "Contract")),
            Motif(id: "contrat.resiliation", label: .init(fr: "Résiliation", en: "Cancellation"), parent: "contrat"),
        ])
    }

    @Test("A taxonomy with duplicates, unknown parents or a cycle is refused with every problem")
    func invalidTaxonomy() {
        do {
            _ = try MotifTaxonomy([
                Motif(id: "a", label: .init(fr: "A", en: "A"), parent: "b"),
                Motif(id: "b", label: .init(fr: "B", en: "B"), parent: "a"),
                Motif(id: "a", label: .init(fr: "A2", en: "A2")),
                Motif(id: "c", label: .init(fr: "C", en: "C"), parent: "nowhere"),
            ])
            Issue.record("expected a validation failure")
        } catch {
            let details = error.problems.map { "\($0.pointer) \($0.detail)" }
            #expect(details.contains("/2/id duplicate motif 'a'"))
            #expect(details.contains("/3/parent unknown parent 'nowhere'"))
            #expect(details.contains { $0.contains("its own ancestor") })
        }
    }

    @Test("Lineage and distance follow the hierarchy")
    func lineage() throws {
        let taxonomy = try Self.taxonomy()
        #expect(
            taxonomy.lineage(of: "facturation.contestation.remboursement")
                == ["facturation.contestation.remboursement", "facturation.contestation", "facturation"])
        #expect(taxonomy.distance(from: "facturation.contestation.remboursement", to: "facturation") == 2)
        #expect(taxonomy.distance(from: "contrat", to: "facturation") == nil)
    }

    @Test("Motif detection: entry point, IVR choice, accent-insensitive keywords, attributes; priority decides")
    func detection() throws {
        let detector = try MotifDetector(
            taxonomy: Self.taxonomy(),
            rules: [
                MotifRule(
                    id: "kw-resil", motif: "contrat.resiliation",
                    conditions: [.anyKeyword(["résilier", "resiliation"])]),
                MotifRule(id: "ivr-2", motif: "facturation", priority: 5, conditions: [.ivrChoice("2")]),
                MotifRule(
                    id: "kw-rembourse", motif: "facturation.contestation.remboursement",
                    conditions: [.anyKeyword(["remboursement", "rembourser"]), .medium(.email)]),
                MotifRule(id: "pro-line", motif: "contrat", conditions: [.entryPoint("+33100000000")]),
            ])
        let email = ContactFacts(medium: .email, text: "Objet : RÉSILIATION de mon abonnement, merci")
        #expect(detector.detect(email)?.motif == "contrat.resiliation")
        #expect(detector.detect(email)?.because == ["a keyword among résilier, resiliation"])
        // A keyword is a word, not a fragment of one.
        #expect(detector.detect(ContactFacts(medium: .chat, text: "irrésiliationnel")) == nil)
        let call = ContactFacts(medium: .voice, entryPoint: "+33100000000", ivrChoice: "2", text: "")
        #expect(detector.detect(call)?.ruleID == "ivr-2", "higher priority wins")
        let refundByChat = ContactFacts(medium: .chat, text: "je veux être remboursé, rembourser svp")
        #expect(detector.detect(refundByChat) == nil, "the refund rule is for email only")
        #expect(throws: ValidationFailure.self) {
            try MotifDetector(
                taxonomy: Self.taxonomy(), rules: [MotifRule(id: "x", motif: "ghost", conditions: [.medium(.chat)])])
        }
    }

    @Test("Routing picks the most specific rule: nearest motif, then customer conditions, then medium")
    func routing() throws {
        let router = try Router(
            taxonomy: Self.taxonomy(),
            rules: [
                RoutingRule(id: "billing", motif: "facturation", target: .init(queue: "facturation")),
                RoutingRule(
                    id: "disputes", motif: "facturation.contestation",
                    target: .init(queue: "litiges", skills: [SkillRequirement("litiges", minimumLevel: 2)])),
                RoutingRule(
                    id: "premium-disputes", motif: "facturation.contestation", customer: ["segment": "premium"],
                    target: .init(queue: "premium", priority: 10)),
                RoutingRule(id: "chat-any", media: [.chat], target: .init(queue: "chat")),
            ],
            fallback: .init(queue: "accueil"))
        let refund = router.route(motif: "facturation.contestation.remboursement", medium: .voice, customer: [:])
        #expect(refund.ruleID == "disputes")
        #expect(refund.target.skills == [SkillRequirement("litiges", minimumLevel: 2)])
        let premium = router.route(
            motif: "facturation.contestation.remboursement", medium: .voice, customer: ["segment": "premium"])
        #expect(premium.target.queue == "premium")
        #expect(premium.target.priority == 10)
        #expect(premium.because.contains("customer segment = premium"))
        #expect(
            router.route(motif: "facturation", medium: .chat, customer: [:]).ruleID == "billing",
            "a motif rule beats a rule for any motif")
        #expect(router.route(motif: "contrat.resiliation", medium: .chat, customer: [:]).ruleID == "chat-any")
        let nothing = router.route(motif: nil, medium: .email, customer: [:])
        #expect(nothing.ruleID == nil)
        #expect(nothing.target.queue == "accueil")
    }
}
