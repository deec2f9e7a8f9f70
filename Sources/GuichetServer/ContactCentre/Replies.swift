import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// An agent's reply, sent back on the channel the contact came from: the chat socket, the social
/// network's reply webhook, or email through the SMTP relay. The message is stored first, then its
/// delivery recorded ("sent", or "failed: <why>"), so a failed send is visible, never lost.
struct ReplyInput: Content {
    var body: String
    var subject: String?

    static let schema = Schema.object(["body": Schema.string, "subject": Schema.string], required: ["body"])
}

struct ReplyDTO: Content {
    var message: UUID
    var delivery: String
}

extension ContactCentreService {
    func reply(to contactID: UUID, _ input: ReplyInput, author: String, client: Client) async throws -> ReplyDTO {
        let body = input.body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty, body.utf8.count <= 100_000 else {
            throw ValidationFailure(pointer: "/body", "1 to 100,000 bytes")
        }
        guard let contact = try await store.contact(contactID) else { throw AppError.notFound("contact") }
        switch contact.medium {
        case .voice:
            throw AppError(.conflict, detail: "a call is answered on the phone, not by a written reply")
        case .chat:
            let id = try await store.addMessage(
                NewMessage(direction: .outbound, author: author, body: body, delivery: "sent"), to: contactID, now: now)
            await feed.publish(organisation, detail: "chat:\(contactID)", on: database)
            return ReplyDTO(message: id, delivery: "sent")
        case .social:
            return try await replySocial(contact, body: body, author: author, client: client)
        case .email, .form:
            return try await replyByMail(contact, body: body, subject: input.subject, author: author)
        }
    }

    private func replySocial(
        _ contact: ContactRecord, body: String, author: String, client: Client
    ) async throws
        -> ReplyDTO
    {
        guard let account = contact.entryPoint,
            let signing = try await store.signing(medium: .social, address: account)
        else { throw AppError(.conflict, detail: "the social account this contact came through is no longer declared") }
        guard let url = signing.outboundURL else {
            throw AppError(.conflict, detail: "no reply webhook configured for \(account) (outboundURL)")
        }
        let id = try await store.addMessage(
            NewMessage(direction: .outbound, author: author, body: body, delivery: "sending"), to: contact.id, now: now)
        let inbound = try await store.messages(of: contact.id).last { $0.direction == .inbound }
        struct Outbound: Encodable {
            var id: String
            var account: String
            var thread: String?
            var inReplyTo: String?
            var text: String
        }
        let payload = Outbound(
            id: id.uuidString, account: account,
            thread: contact.externalRef.map { String($0.split(separator: ":", maxSplits: 1).last ?? "") },
            inReplyTo: inbound?.messageRef.map { String($0.split(separator: ":", maxSplits: 1).last ?? "") },
            text: body)
        let data = try JSONEncoder().encode(payload)
        var delivery: String
        do {
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.add(
                name: WebhookSignature.header, value: WebhookSignature(secret: signing.secret).sign(data, at: now))
            let response = try await client.post(URI(string: url), headers: headers) { request in
                request.body = ByteBuffer(data: data)
            }
            delivery = (200..<300).contains(response.status.code) ? "sent" : "failed: HTTP \(response.status.code)"
        } catch {
            delivery = "failed: \(String(describing: error).prefix(200))"
        }
        try await store.setDelivery(message: id, delivery)
        return ReplyDTO(message: id, delivery: delivery)
    }
}

extension ContactCentreService {
    /// Email (and web-form) contacts are answered by mail, threaded on the customer's last message.
    func replyByMail(_ contact: ContactRecord, body: String, subject: String?, author: String) async throws -> ReplyDTO
    {
        let configuration = application.guichet.configuration
        guard let relay = configuration.mailRelay else {
            throw AppError(.conflict, detail: "no SMTP relay configured: set GUICHET_MAIL_RELAY to answer by email")
        }
        guard let customerID = contact.customerID, let customer = try await store.customer(customerID),
            case .email(let address)? = customer.identities.first(where: { $0.stored.kind == "email" })
        else { throw AppError(.conflict, detail: "this customer has no email address to answer to") }
        let messages = try await store.messages(of: contact.id)
        let lastInbound = messages.last { $0.direction == .inbound }
        let references = messages.compactMap(\.messageRef)
        // Reply from the address the customer wrote to, else from the brand's first declared address.
        var from = contact.medium == .email ? contact.entryPoint : nil
        if from == nil { from = try await store.entryPoints().first { $0.medium == .email }?.address }
        guard let from else {
            throw AppError(.conflict, detail: "declare an email entry point for the brand to answer from")
        }
        let title = subject ?? "Re: " + (lastInbound?.subject ?? contact.subject)
        let composed = MailComposer.reply(
            from: from, to: address, subject: title, body: body, inReplyTo: lastInbound?.messageRef,
            references: references, hostname: configuration.mailHostname, date: now)
        let id = try await store.addMessage(
            NewMessage(
                direction: .outbound, author: author, subject: title, body: body, messageRef: composed.messageID,
                delivery: "sending"),
            to: contact.id, now: now)
        var delivery = "sent"
        do {
            try await MailRelay(
                host: relay.host, port: relay.port, hostname: configuration.mailHostname,
                username: configuration.mailRelayUser, password: configuration.mailRelayPassword
            ).send(from: from, to: [address], message: composed.raw)
        } catch {
            delivery = "failed: \(String(describing: error).prefix(300))"
        }
        try await store.setDelivery(message: id, delivery)
        return ReplyDTO(message: id, delivery: delivery)
    }
}
