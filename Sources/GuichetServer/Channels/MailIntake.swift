import Fluent
import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// Inbound email: each message delivered by the MTA becomes a new contact or joins its conversation
/// (Message-ID / In-Reply-To / References, then same subject from the same sender), with its attachments
/// stored. A message that cannot be parsed is refused with its reason and kept aside for operators; it
/// never holds up the messages behind it.
struct MailIntake: Sendable {
    let application: Application

    typealias Outcome = MailDelivery.Outcome

    var database: any Database { application.db }

    /// Whether mail to this address is taken (an email entry point of some brand).
    func accepts(_ recipient: String) async -> Bool {
        (try? await ContactCentreStore.emailEntry(database: database, address: recipient)) != nil
    }

    /// Takes one message for each recipient; one outcome per recipient.
    func deliver(recipients: [String], raw: Data, now: Date = Date()) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for recipient in recipients {
            outcomes.append(await deliver(recipient: recipient, raw: raw, now: now))
        }
        return outcomes
    }

    private func deliver(recipient: String, raw: Data, now: Date) async -> Outcome {
        let found: (store: ContactCentreStore, entryPoint: EntryPointRecord)?
        do {
            found = try await ContactCentreStore.emailEntry(database: database, address: recipient)
        } catch {
            return .temporaryFailure("database unavailable")
        }
        guard let (store, entry) = found else { return .rejected("unknown recipient \(recipient)") }
        let message: MailMessage
        do {
            message = try MailParser().parse(raw)
        } catch {
            try? await store.recordRejected(
                channel: "email", reason: error.description,
                excerpt: String(decoding: raw.prefix(1000), as: UTF8.self), now: now)
            return .rejected("malformed message: \(error.description)")
        }
        // Messages of one conversation (a Message-ID in common, or the same sender) are threaded one after
        // the other: a reply arriving on another connection while its original is being stored joins it.
        var keys = Set((message.inReplyTo + message.references + [message.messageID].compactMap { $0 }).map { "id:\($0)" })
        if let sender = message.from.first?.email.lowercased() { keys.insert("from:\(sender)") }
        let organisation = store.scope.organisationID.uuidString
        do {
            return .accepted(
                try await application.guichet.mailThreads.run(holding: Set(keys.map { "\(organisation)|\($0)" })) {
                    try await take(message, store: store, entry: entry, now: now)
                })
        } catch let failure as ValidationFailure {
            try? await store.recordRejected(
                channel: "email", reason: failure.description, excerpt: message.subject, now: now)
            return .rejected(failure.description)
        } catch {
            application.logger.error("mail intake: \(String(reflecting: error))")
            return .temporaryFailure("could not store the message, try again later")
        }
    }

    private func take(
        _ message: MailMessage, store: ContactCentreStore, entry: EntryPointRecord, now: Date
    )
        async throws -> String
    {
        guard let sender = message.from.first, let identity = CustomerIdentity.normalisedEmail(sender.email) else {
            throw ValidationFailure(pointer: "From", "no sender address to answer to")
        }
        if let id = message.messageID, try await store.hasMessage(ref: id) {
            return "duplicate of <\(id)>"  // the MTA delivered it again: already taken in
        }
        let at = now
        let newMessage = NewMessage(
            direction: .inbound, author: sender.email, subject: message.subject, body: message.text,
            messageRef: message.messageID, cites: message.inReplyTo + message.references,
            attachments: message.attachments.map {
                NewAttachment(filename: $0.filename, contentType: $0.contentType, data: $0.data)
            })
        let service = ContactCentreService(scope: store.scope, application: application, now: at)
        let known = try await store.mailKnowledge(for: message)
        switch MailThreading().contact(for: message, known: known, now: at) {
        case .existing(let contactID, _):
            if let id = UUID(uuidString: contactID), let contact = try await store.contact(id) {
                _ = try await store.addMessage(newMessage, to: id, now: at)
                if contact.state == .resolved || contact.state == .abandoned {
                    _ = try await service.record(
                        .reopened, contact: id, actor: "customer", reason: "new email in the thread")
                } else {
                    await service.feed.publish(store.scope.organisationID, on: database)
                }
                return id.uuidString
            }
        case .new:
            break
        }
        let result = try await service.intake(
            .init(
                facts: ContactFacts(
                    medium: .email, entryPoint: entry.address, text: message.subject + "\n" + message.text),
                externalRef: nil, subject: message.subject.isEmpty ? "(sans objet)" : message.subject,
                identities: [identity], displayName: sender.name, message: newMessage, actor: "mail:\(entry.address)"))
        return result.contact.id.uuidString
    }
}
