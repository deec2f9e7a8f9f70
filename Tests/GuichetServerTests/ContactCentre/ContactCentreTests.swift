import Foundation
import GuichetCore
import GuichetStore
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

private typealias F = ContactCentreFixtures

@Suite("Single point of contact: intake, routing, ACD, history")
struct ContactCentreTests {
    @Test(
        "A call is identified, given its motif from the IVR, routed to billing and offered to the qualified agent",
        arguments: TestDatabase.available)
    func routedAndOffered(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            for code in ["alice", "bruno"] {
                let response = try await setup.admin.send(
                    .POST, "\(setup.base)/agents/\(code)/state", json: #"{"state": "available"}"#)
                #expect(response.status == .ok)
            }
            let response = try await setup.agent.send(
                .POST, "\(setup.base)/contacts",
                json:
                    #"{"medium": "voice", "entryPoint": "01 99 00 00 02", "ivrChoice": "2", "externalRef": "call-1", "customer": {"phone": "06 12 34 56 78"}}"#
            )
            #expect(response.status == .created, "\(response.body.string)")
            let intake = try F.decode(IntakeDTO.self, response)
            #expect(intake.contact.motif == "facturation")
            #expect(intake.contact.queue == "billing")
            #expect(intake.contact.entryPoint == "+33199000002")
            // Bruno serves billing but his facturation level is 1 < 2: Alice gets it.
            #expect(intake.assignment?.agentCode == "alice")
            let detail = try F.decode(
                ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(intake.contact.id)"))
            #expect(detail.events.map(\.kind) == [.created, .queued, .offered])
            #expect(detail.contact.state == .offered)
        }
    }

    @Test(
        "Keywords set the motif; premium customers go to retention first; nobody free → the contact waits",
        arguments: TestDatabase.available)
    func waitingByPriority(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            let ordinary = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts",
                    json:
                        #"{"medium": "email", "subject": "Résiliation", "text": "Je veux résilier mon contrat", "customer": {"email": "paul@example.fr"}}"#
                ))
            let premium = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts",
                    json:
                        #"{"medium": "voice", "text": "résiliation", "customer": {"phone": "0611111111", "attributes": {"segment": "premium"}}}"#
                ))
            #expect(ordinary.contact.queue == "retention" && ordinary.contact.priority == 2)
            #expect(premium.contact.queue == "retention" && premium.contact.priority == 5)
            #expect(premium.contact.routeRule == "premium")
            #expect(ordinary.assignment == nil && premium.assignment == nil)
            let live = try F.decode(LiveQueues.self, try await setup.agent.get("\(setup.base)/live"))
            #expect(live.queues.first { $0.code == "retention" }?.waiting == 2)
            #expect(live.agents["away"] == 3)
            // Chloé (voice only) becomes available: the premium call is offered at once, the email stays.
            let chloe = try await setup.admin.send(
                .POST, "\(setup.base)/agents/chloe/state", json: #"{"state": "available"}"#)
            #expect(chloe.status == .ok)
            let after = try F.decode(
                ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(premium.contact.id)"))
            #expect(after.contact.state == .offered)
            let email = try F.decode(
                ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(ordinary.contact.id)"))
            #expect(email.contact.state == .queued)
        }
    }

    @Test(
        "Holds and transfers need a reason; impossible events are refused and nothing is written",
        arguments: TestDatabase.available)
    func eventsAndTransitions(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            _ = try await setup.agent.send(.POST, "\(setup.base)/agents/alice/state", json: #"{"state": "available"}"#)
            let intake = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts", json: #"{"medium": "voice", "customer": {"phone": "0622222222"}}"#)
            )
            let path = "\(setup.base)/contacts/\(intake.contact.id)/events"
            #expect(try await setup.agent.send(.POST, path, json: #"{"kind": "answered"}"#).status == .ok)
            let noReason = try await setup.agent.send(.POST, path, json: #"{"kind": "held"}"#)
            #expect(noReason.status == .unprocessableEntity)
            #expect(F.problems(noReason) == ["/reason"])
            #expect(
                try await setup.agent.send(.POST, path, json: #"{"kind": "held", "reason": "vérification du dossier"}"#)
                    .status == .ok)
            #expect(try await setup.agent.send(.POST, path, json: #"{"kind": "resumed"}"#).status == .ok)
            let badQueue = try await setup.agent.send(
                .POST, path, json: #"{"kind": "transferred", "reason": "expertise", "queue": "nowhere"}"#)
            #expect(F.problems(badQueue) == ["/queue"])
            let transferred = try await setup.agent.send(
                .POST, path, json: #"{"kind": "transferred", "reason": "résiliation", "queue": "retention"}"#)
            #expect(transferred.status == .ok)
            // Now queued in retention: resolving it is impossible.
            let impossible = try await setup.agent.send(.POST, path, json: #"{"kind": "resolved"}"#)
            #expect(impossible.status == .conflict, "\(impossible.body.string)")
            let created = try await setup.agent.send(.POST, path, json: #"{"kind": "created"}"#)
            #expect(created.status == .unprocessableEntity)
            let detail = try F.decode(
                ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(intake.contact.id)"))
            #expect(
                detail.events.map(\.kind) == [.created, .queued, .offered, .answered, .held, .resumed, .transferred])
            #expect(detail.events.first { $0.kind == .held }?.reason == "vérification du dossier")
            #expect(
                detail.contact.queue == "retention" && detail.contact.state == .queued && detail.contact.agentID == nil)
            let unknown = try await setup.agent.send(
                .POST, "\(setup.base)/contacts/\(UUID())/events", json: #"{"kind": "answered"}"#)
            #expect(unknown.status == .notFound)
        }
    }

    @Test(
        "The same person on phone, email and X is one customer: merged with an audit, one timeline",
        arguments: TestDatabase.available)
    func identityMerge(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            let call = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts",
                    json:
                        #"{"medium": "voice", "entryPoint": "0199000001", "customer": {"phone": "+33 6 33 33 33 33"}}"#)
            )
            let mail = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts",
                    json:
                        #"{"medium": "email", "subject": "Suite à mon appel", "text": "Bonjour", "customer": {"email": "Marie.Dupont@Example.fr"}}"#
                ))
            #expect(call.contact.customerID != mail.contact.customerID)
            // A form gives both the phone and the address: the two records are the same person.
            let form = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts",
                    json:
                        #"{"medium": "form", "entryPoint": "contact", "text": "Toujours rien", "customer": {"phone": "06 33 33 33 33", "email": "marie.dupont@example.fr", "name": "Marie Dupont"}}"#
                ))
            let kept = try #require(call.contact.customerID)
            #expect(form.contact.customerID == kept)
            let history = try F.decode(
                CustomerHistoryDTO.self, try await setup.agent.get("\(setup.base)/customers/\(kept)"))
            #expect(history.contacts.map(\.contact.id) == [call.contact.id, mail.contact.id, form.contact.id])
            #expect(history.customer.identities.map(\.kind).sorted() == ["email", "phone"])
            #expect(history.merges.count == 1)
            #expect(history.merges.first?.absorbedID == mail.contact.customerID)
            #expect(history.journey.entryPointsTouched == 2)
            // The absorbed record leads to the kept one.
            let absorbed = try F.decode(
                CustomerHistoryDTO.self,
                try await setup.agent.get("\(setup.base)/customers/\(mail.contact.customerID!)"))
            #expect(absorbed.customer.id == kept)
            // A supervisor merges a social handle's record by hand, with a reason.
            let social = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts",
                    json:
                        #"{"medium": "social", "text": "@brand_a toujours en panne", "customer": {"social": {"network": "x", "handle": "@MarieD"}}}"#
                ))
            let noReason = try await setup.admin.send(
                .POST, "\(setup.base)/customers/merge",
                json: #"{"first": "\#(kept)", "second": "\#(social.contact.customerID!)", "reason": ""}"#)
            #expect(noReason.status == .unprocessableEntity)
            let byAgent = try await setup.agent.send(
                .POST, "\(setup.base)/customers/merge",
                json: #"{"first": "\#(kept)", "second": "\#(social.contact.customerID!)", "reason": "même personne"}"#)
            #expect(byAgent.status == .forbidden)
            let merged = try await setup.admin.send(
                .POST, "\(setup.base)/customers/merge",
                json:
                    #"{"first": "\#(kept)", "second": "\#(social.contact.customerID!)", "reason": "elle a donné son pseudo au téléphone"}"#
            )
            #expect(merged.status == .ok, "\(merged.body.string)")
            let after = try F.decode(
                CustomerHistoryDTO.self, try await setup.agent.get("\(setup.base)/customers/\(kept)"))
            #expect(after.contacts.count == 4)
            #expect(after.customer.identities.contains(IdentityDTO(.social(network: "x", handle: "maried"))))
        }
    }

    @Test("Routing configuration is checked whole, with pointers", arguments: TestDatabase.available)
    func routingValidation(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            let bad = try await setup.admin.send(
                .PUT, "\(setup.base)/routing",
                json:
                    #"{"motifs": [{"id": "a", "label": {"fr": "A", "en": "A"}, "parent": "zz"}], "motifRules": [{"id": "r", "motif": "b", "conditions": []}], "routingRules": [{"id": "x", "target": {"queue": "nowhere"}}], "fallback": {"queue": "general"}}"#
            )
            #expect(bad.status == .unprocessableEntity)
            #expect(F.problems(bad) == ["/motifs/0/parent", "/routingRules/0/target/queue"])
            let byAgent = try await setup.agent.send(.PUT, "\(setup.base)/routing", json: F.routing)
            #expect(byAgent.status == .forbidden)
            let current = try F.decode(RoutingDTO.self, try await setup.agent.get("\(setup.base)/routing"))
            #expect(current.version == 1 && current.configuration.motifs.count == 4)
        }
    }

    @Test("Another brand sees none of it", arguments: TestDatabase.available)
    func tenantIsolation(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            let intake = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts", json: #"{"medium": "voice", "customer": {"phone": "0644444444"}}"#)
            )
            let other = APIClient(app: app, token: try await Fixtures.token(app, "admin-b@test.fr"))
            #expect(try await other.get("\(setup.base)/contacts/\(intake.contact.id)").status == .notFound)
            #expect(try await other.get("/api/v1/orgs/brand-b/contacts/\(intake.contact.id)").status == .notFound)
            #expect(
                try await other.get("/api/v1/orgs/brand-b/customers/\(intake.contact.customerID!)").status == .notFound)
            let events = try await other.send(
                .POST, "/api/v1/orgs/brand-b/contacts/\(intake.contact.id)/events", json: #"{"kind": "abandoned"}"#)
            #expect(events.status == .notFound)
        }
    }

    @Test(
        "An agent acts only as themselves; capacity is per medium and calls are not mixed with chats",
        arguments: TestDatabase.available)
    func agentsAndCapacity(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            #expect(
                try await setup.agent.send(.POST, "\(setup.base)/agents/bruno/state", json: #"{"state": "available"}"#)
                    .status == .forbidden)
            #expect(
                try await setup.agent.send(.POST, "\(setup.base)/agents/alice/state", json: #"{"state": "available"}"#)
                    .status == .ok)
            var offered: [UUID] = []
            for index in 0..<4 {
                let intake = try F.decode(
                    IntakeDTO.self,
                    try await setup.agent.send(
                        .POST, "\(setup.base)/contacts",
                        json:
                            #"{"medium": "chat", "externalRef": "chat-\#(index)", "customer": {"email": "c\#(index)@example.fr"}}"#
                    ))
                if intake.assignment != nil { offered.append(intake.contact.id) }
            }
            #expect(offered.count == 3)  // Alice takes three chats at once, not four.
            let call = try F.decode(
                IntakeDTO.self,
                try await setup.agent.send(
                    .POST, "\(setup.base)/contacts", json: #"{"medium": "voice", "customer": {"phone": "0655555555"}}"#)
            )
            #expect(call.assignment == nil)  // no call on top of chats
            let duplicate = try await setup.agent.send(
                .POST, "\(setup.base)/contacts", json: #"{"medium": "chat", "externalRef": "chat-0"}"#)
            #expect(duplicate.status == .conflict)
            // Resolving the three chats frees her: the waiting chat comes first (older), then the call waits.
            for id in offered {
                let path = "\(setup.base)/contacts/\(id)/events"
                #expect(try await setup.agent.send(.POST, path, json: #"{"kind": "answered"}"#).status == .ok)
                #expect(try await setup.agent.send(.POST, path, json: #"{"kind": "resolved"}"#).status == .ok)
            }
            let alice = try F.decode([AgentRecord].self, try await setup.agent.get("\(setup.base)/agents")).first {
                $0.code == "alice"
            }
            #expect(alice?.load == [.chat: 1])
        }
    }

    @Test(
        "A contact that waited past its queue's overflow delay is offered from the overflow queue by the ticker",
        arguments: TestDatabase.available)
    func overflow(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            let dora = try await setup.admin.send(
                .PUT, "\(setup.base)/agents/dora",
                json: #"{"name": "Dora", "queues": ["general"], "capacity": {"voice": 1}}"#)
            #expect(dora.status == .ok)
            _ = try await setup.admin.send(.POST, "\(setup.base)/agents/dora/state", json: #"{"state": "available"}"#)
            // A billing call arrived two minutes ago (billing overflows to general after 60 s); nobody serves billing.
            let tenant = try await AccountRepository(database: app.db).organisation(slug: "brand-a")!
            let store = ContactCentreStore(scope: TenantScope(organisationID: try tenant.requireID(), database: app.db))
            let old = try await store.intake(
                NewContact(
                    medium: .voice, entryPoint: nil, externalRef: "old-call", subject: "Appel",
                    identities: [.phone("+33600000001")],
                    displayName: nil, customerAttributes: [:], motif: nil,
                    route: RoutingDecision(target: RoutingTarget(queue: "billing"), ruleID: "factu", because: "test"),
                    message: nil, actor: "test"),
                now: Date().addingTimeInterval(-120))
            let fresh = try await store.intake(
                NewContact(
                    medium: .voice, entryPoint: nil, externalRef: "new-call", subject: "Appel",
                    identities: [.phone("+33600000002")],
                    displayName: nil, customerAttributes: [:], motif: nil,
                    route: RoutingDecision(target: RoutingTarget(queue: "billing"), ruleID: "factu", because: "test"),
                    message: nil, actor: "test"),
                now: Date())
            await DispatchTicker.tick(app)
            let detail = try F.decode(
                ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(old.id)"))
            #expect(detail.contact.state == .offered)
            #expect(detail.events.last?.kind == .offered && detail.events.last?.queue == "general")
            let waiting = try F.decode(
                ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(fresh.id)"))
            #expect(waiting.contact.state == .queued)  // not yet past 60 s: waits for billing
        }
    }

    @Test(
        "A dispatch that started before a contact was created dates its offer after the creation",
        arguments: TestDatabase.available)
    func offerNotBeforeCreation(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            _ = try await setup.admin.send(.POST, "\(setup.base)/agents/alice/state", json: #"{"state": "available"}"#)
            let tenant = try await AccountRepository(database: app.db).organisation(slug: "brand-a")!
            let store = ContactCentreStore(scope: TenantScope(organisationID: try tenant.requireID(), database: app.db))
            let created = Date().addingTimeInterval(1)
            let contact = try await store.intake(
                NewContact(
                    medium: .voice, entryPoint: nil, externalRef: nil, subject: "Appel", identities: [],
                    displayName: nil, customerAttributes: [:], motif: nil,
                    route: RoutingDecision(target: RoutingTarget(queue: "general"), ruleID: nil, because: "test"),
                    message: nil, actor: "test"),
                now: created)
            // Another request, whose clock was read before the contact existed, runs the dispatch.
            let offers = try await store.dispatch(now: created.addingTimeInterval(-0.5))
            #expect(offers.map(\.contactID) == [contact.id])
            let events = try await store.events(of: contact.id)
            #expect(events.last?.kind == .offered && events.last!.at >= created.addingTimeInterval(-0.001))  // stored to the µs
            let answered = try await setup.agent.send(
                .POST, "\(setup.base)/contacts/\(contact.id)/events", json: #"{"kind": "answered"}"#)
            #expect(answered.status == .ok, "\(answered.body.string)")
        }
    }
}
