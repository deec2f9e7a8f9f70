import Foundation
import GuichetCore
import GuichetStore
import Testing
import Vapor

@testable import GuichetServer

private typealias F = ContactCentreFixtures

@Suite("Email: many conversations delivered at once, in any order")
struct MailConcurrencyTests {
    /// An original and three replies (two answering it, one answering a reply), each from the conversation's
    /// own customer, with a subject the replies do not repeat: only the Message-IDs can thread them.
    static func conversation(_ index: Int) -> [String] {
        func mail(_ id: String, subject: String, headers: String = "") -> String {
            "From: client\(index)@client.example\r\nTo: service@brand-a.fr\r\nSubject: \(subject)\r\n"
                + "Message-ID: <\(id)@client.example>\r\n\(headers)Content-Type: text/plain; charset=utf-8\r\n\r\n"
                + "Message \(id), conversation n°\(index).\r\n"
        }
        let original = "o\(index)"
        return [
            mail(original, subject: "Dossier \(index)"),
            mail("a\(index)", subject: "Précision \(index)-a", headers: "In-Reply-To: <\(original)@client.example>\r\n"),
            mail(
                "b\(index)", subject: "Précision \(index)-b",
                headers: "In-Reply-To: <\(original)@client.example>\r\nReferences: <\(original)@client.example>\r\n"),
            mail(
                "c\(index)", subject: "Précision \(index)-c",
                headers:
                    "In-Reply-To: <a\(index)@client.example>\r\nReferences: <\(original)@client.example> <a\(index)@client.example>\r\n"
            ),
        ]
    }

    @Test(
        "Forty messages of ten conversations, shuffled and delivered at once: ten contacts of four messages each",
        arguments: TestDatabase.available)
    func shuffledAtOnce(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            var generator = SeededGenerator(seed: 5)
            let messages = (0..<10).flatMap(Self.conversation).shuffled(using: &generator)
            let intake = MailIntake(application: app)
            let outcomes = await withTaskGroup(of: [MailDelivery.Outcome].self) { group in
                for message in messages {
                    group.addTask { await intake.deliver(recipients: ["service@brand-a.fr"], raw: Data(message.utf8)) }
                }
                var outcomes: [MailDelivery.Outcome] = []
                for await outcome in group { outcomes += outcome }
                return outcomes
            }
            #expect(outcomes.count == 40)
            for outcome in outcomes {
                guard case .accepted = outcome else {
                    Issue.record("refused: \(outcome)")
                    continue
                }
            }
            let contacts = try F.decode([ContactRecord].self, try await setup.agent.get("\(setup.base)/contacts"))
            #expect(contacts.count == 10)
            for contact in contacts {
                let detail = try F.decode(
                    ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(contact.id)"))
                let conversations = Set(detail.messages.map { $0.body.components(separatedBy: "n°").last ?? "" })
                #expect(detail.messages.count == 4 && conversations.count == 1, "\(detail.messages.map(\.body))")
            }
        }
    }
}
