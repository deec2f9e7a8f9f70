import Fluent
import Foundation
import GuichetCore
import GuichetStore

/// Maison Lumière's contact centre in the demo: three queues, a motif taxonomy with its rules, five
/// entry points, three agents (Léa is `agent@demo.test`), and a few customers whose history crosses
/// channels — one was put on hold and transferred, as the source articles complain.
enum DemoContactCentre {
    static let routing = RoutingConfiguration(
        motifs: [
            Motif(id: "facturation", label: Localized(fr: "Facturation", en: "Billing")),
            Motif(
                id: "facturation.contestation", label: Localized(fr: "Contestation de facture", en: "Bill dispute"),
                parent: "facturation"),
            Motif(id: "livraison", label: Localized(fr: "Livraison", en: "Delivery")),
            Motif(id: "resiliation", label: Localized(fr: "Résiliation", en: "Cancellation")),
        ],
        motifRules: [
            MotifRule(id: "svi-1", motif: "facturation", conditions: [.ivrChoice("1")]),
            MotifRule(
                id: "mots-contestation", motif: "facturation.contestation", priority: 5,
                conditions: [.anyKeyword(["contester", "contestation", "prélevé deux fois"])]),
            MotifRule(
                id: "mots-livraison", motif: "livraison", conditions: [.anyKeyword(["livraison", "colis", "commande"])]),
            MotifRule(
                id: "mots-resiliation", motif: "resiliation", conditions: [.anyKeyword(["résilier", "résiliation"])]),
        ],
        routingRules: [
            RoutingRule(
                id: "factu", motif: "facturation",
                target: RoutingTarget(
                    queue: "facturation", priority: 1, skills: [SkillRequirement("facturation", minimumLevel: 2)])),
            RoutingRule(
                id: "fidelisation-premium", motif: "resiliation", customer: ["segment": "premium"],
                target: RoutingTarget(queue: "fidelisation", priority: 5)),
            RoutingRule(
                id: "fidelisation", motif: "resiliation", target: RoutingTarget(queue: "fidelisation", priority: 2)),
        ],
        fallback: RoutingTarget(queue: "accueil"))

    static func load(on database: any Database, brand: Organisation, agentUser: UUID?) async throws {
        let store = ContactCentreStore(scope: TenantScope(organisationID: try brand.requireID(), database: database))
        guard try await store.queues().isEmpty else { return }
        let start = Date().addingTimeInterval(-3 * 86_400)
        _ = try await store.saveQueue(QueueRecord(code: "accueil", name: "Accueil"), now: start)
        _ = try await store.saveQueue(
            QueueRecord(code: "facturation", name: "Facturation", overflowAfter: 60, overflowQueue: "accueil"),
            now: start)
        _ = try await store.saveQueue(QueueRecord(code: "fidelisation", name: "Fidélisation"), now: start)
        _ = try await store.saveRouting(routing, by: "demo", now: start)
        for (medium, address, label) in [
            (Medium.voice, "01 23 45 67 89", "Numéro du service client"),
            (.email, "service@maison-lumiere.fr", "Adresse du service client"),
            (.form, "contact", "Formulaire de contact"), (.chat, "site", "Chat du site"),
            (.social, "x:maisonlumiere", "Compte X"),
        ] {
            _ = try await store.addEntryPoint(medium: medium, address: address, label: label, now: start)
        }
        _ = try await store.saveAgent(
            code: "lea", name: "Léa Conseillère", userID: agentUser, skills: ["facturation": 3],
            queues: ["accueil", "facturation"], capacity: [.voice: 1, .chat: 3, .email: 5, .form: 5, .social: 5],
            now: start)
        _ = try await store.saveAgent(
            code: "karim", name: "Karim", userID: nil, skills: ["facturation": 1], queues: ["accueil", "fidelisation"],
            capacity: [.voice: 1, .email: 5], now: start)
        _ = try await store.saveAgent(
            code: "julie", name: "Julie", userID: nil, skills: [:], queues: ["fidelisation"], capacity: [.voice: 1],
            now: start)
        let compiled = try routing.compile(queues: ["accueil", "facturation", "fidelisation"])

        func intake(
            _ medium: Medium, entry: String, subject: String, text: String, ivr: String? = nil,
            identities: [CustomerIdentity], name: String?, attributes: [String: String] = [:], at: Date
        ) async throws -> ContactRecord {
            let outcome = compiled.decide(
                ContactFacts(
                    medium: medium, entryPoint: entry, ivrChoice: ivr, text: subject + "\n" + text, customer: attributes
                ))
            return try await store.intake(
                NewContact(
                    medium: medium, entryPoint: entry, externalRef: nil, subject: subject, identities: identities,
                    displayName: name, customerAttributes: attributes, motif: outcome.motif, route: outcome.route,
                    message: text.isEmpty
                        ? nil : NewMessage(direction: .inbound, author: name ?? "client", subject: subject, body: text),
                    actor: "demo"),
                now: at)
        }
        // Mme Bernard calls about a double debit, is held, transferred, then writes the next day.
        let lea = try await store.agent(code: "lea")!
        let call = try await intake(
            .voice, entry: "+33123456789", subject: "Appel de +33612345678", text: "", ivr: "1",
            identities: [.phone("+33612345678")], name: nil, at: start.addingTimeInterval(9 * 3600))
        var at = start.addingTimeInterval(9 * 3600 + 40)
        _ = try await store.record(.answered, contact: call.id, actor: "lea", agent: lea.id, now: at)
        at += 120
        _ = try await store.record(
            .held, contact: call.id, actor: "lea", reason: "vérification du prélèvement", now: at)
        at += 90
        _ = try await store.record(.resumed, contact: call.id, actor: "lea", now: at)
        at += 60
        _ = try await store.record(
            .transferred, contact: call.id, actor: "lea", reason: "demande de résiliation", queue: "fidelisation",
            now: at)
        at += 30
        _ = try await store.record(.answered, contact: call.id, actor: "julie", now: at)
        at += 300
        _ = try await store.record(.resolved, contact: call.id, actor: "julie", now: at)
        let mail = try await intake(
            .email, entry: "service@maison-lumiere.fr", subject: "Prélevé deux fois",
            text: "Bonjour, j'ai été prélevé deux fois ce mois-ci, je souhaite contester.",
            identities: [.email("m.bernard@example.fr"), .phone("+33612345678")], name: "Monique Bernard",
            at: start.addingTimeInterval(86_400 + 8 * 3600))
        _ = try await store.record(
            .answered, contact: mail.id, actor: "lea", agent: lea.id, now: start.addingTimeInterval(86_400 + 10 * 3600))
        _ = try await store.record(
            .resolved, contact: mail.id, actor: "lea", now: start.addingTimeInterval(86_400 + 10 * 3600 + 600))
        // Waiting now: a chat about a delivery and a premium customer who wants to cancel.
        _ = try await intake(
            .chat, entry: "site", subject: "Où est ma commande ?", text: "Bonjour, ma commande n'est pas arrivée.",
            identities: [.email("t.nguyen@example.fr")], name: "Thi Nguyen", at: Date().addingTimeInterval(-45))
        _ = try await intake(
            .voice, entry: "+33123456789", subject: "Appel de +33698765432", text: "résiliation",
            identities: [.phone("+33698765432")], name: nil, attributes: ["segment": "premium"],
            at: Date().addingTimeInterval(-20))
    }
}
