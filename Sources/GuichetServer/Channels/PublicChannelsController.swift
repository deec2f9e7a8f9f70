import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// Channels customers reach without an account: the web form (a page Guichet serves, and a JSON endpoint
/// for a brand's own site) and social-network webhooks (signed). Each resolves its organisation and entry
/// point through `ContactCentreStore.publicEntry`, and refuses what it cannot take with a reason.
struct PublicChannelsController {
    /// Form submissions allowed per client address and form, per `formWindow` seconds.
    static let formLimit = 5
    static let formWindow: TimeInterval = 600
    static let maxFormBytes = 64 * 1024
    static let maxSocialBytes = 256 * 1024

    func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        web.endpoint(.GET, "contact", ":org", ":form", access: .everyone, audience: .web, use: formPage)
        web.grouped(BodyLimit(bytes: Self.maxFormBytes))
            .endpoint(.POST, "contact", ":org", ":form", access: .everyone, audience: .web, use: submitPage)
        let channels = api.grouped("channels")
        channels.grouped(BodyLimit(bytes: Self.maxFormBytes)).endpoint(
            .POST, "form", ":org", ":form", access: .everyone, audience: .api,
            doc: .init(
                summary: "A web-form message from a brand's own site (throttled per client address)",
                tag: "Channels", request: FormInput.schema, response: FormReceiptDTO.schema, successStatus: 201),
            use: submitJSON)
        channels.grouped(BodyLimit(bytes: Self.maxSocialBytes)).endpoint(
            .POST, "social", ":org", ":account", access: .everyone, audience: .api,
            doc: .init(
                summary: "A social-network message, signed X-Guichet-Signature (HMAC-SHA256, 300 s window)",
                tag: "Channels", request: SocialInput.schema, response: ContactSchemas.anyObject),
            use: social)
    }

    // MARK: Web form

    struct FormInput: Content {
        var name: String?
        var email: String?
        var phone: String?
        var subject: String?
        var message: String?
        /// Left empty by people; bots fill every field.
        var website: String?

        static let schema = Schema.object(
            [
                "name": Schema.string, "email": Schema.string, "phone": Schema.string, "subject": Schema.string,
                "message": Schema.string,
            ], required: ["email", "message"])

        func validated() -> [FieldProblem] {
            var problems: [FieldProblem] = []
            if (name ?? "").count > 200 { problems.append(.init(pointer: "name", detail: "200 characters at most")) }
            if CustomerIdentity.normalisedEmail(email ?? "") == nil {
                problems.append(.init(pointer: "email", detail: "an email address we can answer"))
            }
            if let phone, !phone.trimmingCharacters(in: .whitespaces).isEmpty,
                CustomerIdentity.normalisedPhone(phone) == nil
            {
                problems.append(.init(pointer: "phone", detail: "a phone number, e.g. 01 23 45 67 89"))
            }
            if (subject ?? "").count > 200 {
                problems.append(.init(pointer: "subject", detail: "200 characters at most"))
            }
            let text = (message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.count > 10_000 {
                problems.append(.init(pointer: "message", detail: "1 to 10,000 characters"))
            }
            return problems
        }
    }

    struct FormReceiptDTO: Content {
        var reference: String
        static let schema = Schema.object(["reference": Schema.string], required: ["reference"])
    }

    private func entry(
        _ request: Request, medium: Medium, parameter: String
    ) async throws -> (
        store: ContactCentreStore, entryPoint: EntryPointRecord
    ) {
        guard
            let found = try await ContactCentreStore.publicEntry(
                database: request.db, organisation: request.parameters.get("org") ?? "", medium: medium,
                address: request.parameters.get(parameter) ?? "")
        else { throw AppError.notFound(medium == .form ? "form" : "entry point") }
        return found
    }

    @Sendable func formPage(_ request: Request) async throws -> HTMLResponse {
        let (_, entry) = try await entry(request, medium: .form, parameter: "form")
        return HTMLResponse(
            markup: ContactFormPage.render(.init(entry: entry), try await PageContext(request: request)), status: .ok)
    }

    @Sendable func submitPage(_ request: Request) async throws -> HTMLResponse {
        let (store, entry) = try await entry(request, medium: .form, parameter: "form")
        let input = try request.decodeJSON(FormInput.self)
        let context = try await PageContext(request: request)
        let problems = input.validated()
        guard problems.isEmpty else {
            return HTMLResponse(
                markup: ContactFormPage.render(.init(entry: entry, input: input, problems: problems), context),
                status: .unprocessableEntity)
        }
        let reference = try await accept(input, store: store, entry: entry, request: request)
        return HTMLResponse(
            markup: ContactFormPage.render(.init(entry: entry, reference: reference), context), status: .ok)
    }

    @Sendable func submitJSON(_ request: Request) async throws -> Response {
        let (store, entry) = try await entry(request, medium: .form, parameter: "form")
        let input = try request.decodeJSON(FormInput.self)
        let problems = input.validated().map { FieldProblem(pointer: "/" + $0.pointer, detail: $0.detail) }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        let reference = try await accept(input, store: store, entry: entry, request: request)
        return try await FormReceiptDTO(reference: reference).encodeResponse(status: .created, for: request)
    }

    /// Throttles, then takes the message in; returns the reference shown to the customer.
    private func accept(
        _ input: FormInput, store: ContactCentreStore, entry: EntryPointRecord, request: Request
    )
        async throws -> String
    {
        let client = request.remoteAddress?.ipAddress ?? "unknown"
        let key = "form:\(store.scope.organisationID):\(entry.address):\(client)"
        guard
            try await ContactCentreStore.allowSubmission(
                database: request.db, key: key, limit: Self.formLimit, window: Self.formWindow, now: request.now)
        else {
            throw AppError(
                .tooManyRequests, detail: "too many messages from this address: try again in a few minutes",
                headers: ["Retry-After": "\(Int(Self.formWindow))"])
        }
        let service = ContactCentreService(scope: store.scope, application: request.application, now: request.now)
        if !(input.website ?? "").isEmpty {
            // A bot filled the hidden field: kept aside with the reason, not queued for an agent.
            try await store.recordRejected(
                channel: "form", reason: "honeypot field filled", excerpt: String((input.message ?? "").prefix(500)),
                now: request.now)
            return "—"
        }
        var identities: [CustomerIdentity] = []
        if let email = CustomerIdentity.normalisedEmail(input.email ?? "") { identities.append(email) }
        if let phone = input.phone.flatMap(CustomerIdentity.normalisedPhone) { identities.append(phone) }
        let subject = (input.subject?.isEmpty == false ? input.subject! : String((input.message ?? "").prefix(80)))
        let text = (input.message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try await service.intake(
            .init(
                facts: ContactFacts(medium: .form, entryPoint: entry.address, text: subject + "\n" + text),
                externalRef: nil, subject: subject, identities: identities,
                displayName: input.name?.trimmingCharacters(in: .whitespaces),
                message: NewMessage(
                    direction: .inbound, author: identities.first?.stored.value ?? "customer", subject: subject,
                    body: text),
                actor: "form:\(entry.address)"))
        return Self.reference(result.contact.id)
    }

    /// A short reference a customer can read out on the phone.
    static func reference(_ id: UUID) -> String {
        "G-" + id.uuidString.prefix(8).uppercased()
    }

    // MARK: Social networks

    struct SocialInput: Decodable {
        var id: String
        var network: String?
        var thread: String?
        var author: Author
        var text: String
        var at: Date?

        struct Author: Decodable {
            var handle: String
            var name: String?
        }

        static let schema = Schema.object(
            [
                "id": Schema.string, "network": Schema.string, "thread": Schema.string,
                "author": Schema.object(["handle": Schema.string, "name": Schema.string], required: ["handle"]),
                "text": Schema.string, "at": Schema.dateTime,
            ], required: ["id", "author", "text"])
    }

    struct SocialReceiptDTO: Content {
        var contact: UUID
        var duplicate: Bool
    }

    @Sendable func social(_ request: Request) async throws -> Response {
        let (store, entry) = try await entry(request, medium: .social, parameter: "account")
        let body = Data(request.body.data?.readableBytesView ?? .init())
        guard let signing = try await store.signing(medium: .social, address: entry.address) else {
            throw AppError(.notFound, detail: "entry point has no signing secret")
        }
        do {
            try WebhookSignature(secret: signing.secret).verify(
                request.headers.first(name: WebhookSignature.header), body: body, now: request.now)
        } catch {
            try await store.recordRejected(
                channel: "social", reason: error.description,
                excerpt: String(decoding: body.prefix(500), as: UTF8.self),
                now: request.now)
            throw AppError(.unauthorized, detail: "signature refused: \(error.description)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let input: SocialInput
        do {
            input = try decoder.decode(SocialInput.self, from: body)
        } catch let error as DecodingError {
            throw GuichetErrorMiddleware.describe(error)
        }
        var problems: [FieldProblem] = []
        if input.id.isEmpty || input.id.count > 200 {
            problems.append(.init(pointer: "/id", detail: "1 to 200 characters"))
        }
        if input.text.isEmpty || input.text.count > 20_000 {
            problems.append(.init(pointer: "/text", detail: "1 to 20,000 characters"))
        }
        let network = input.network ?? entry.address.split(separator: ":").first.map(String.init) ?? "social"
        guard let identity = CustomerIdentity.normalisedSocial(network: network, handle: input.author.handle) else {
            throw ValidationFailure(problems + [.init(pointer: "/author/handle", detail: "a handle without spaces")])
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        let ref = "\(network):\(input.id)"
        let service = ContactCentreService(scope: store.scope, application: request.application, now: request.now)
        if try await store.hasMessage(ref: ref) {
            // The network delivered it again (retries are normal): already taken in.
            let contact = try await store.contact(
                medium: .social, externalRef: "\(network):\(input.thread ?? input.id)")
            return try await SocialReceiptDTO(contact: contact?.id ?? UUID.random(), duplicate: true).encodeResponse(
                for: request)
        }
        let thread = "\(network):\(input.thread ?? input.id)"
        let message = NewMessage(
            direction: .inbound, author: "@" + identity.stored.value.split(separator: ":").last!, body: input.text,
            messageRef: ref)
        if let existing = try await store.contact(medium: .social, externalRef: thread) {
            _ = try await store.addMessage(message, to: existing.id, now: request.now)
            if existing.state == .resolved || existing.state == .abandoned {
                _ = try await service.record(
                    .reopened, contact: existing.id, actor: "customer", reason: "new message in the thread")
            } else {
                await service.feed.publish(store.scope.organisationID, on: request.db)
            }
            return try await SocialReceiptDTO(contact: existing.id, duplicate: false).encodeResponse(for: request)
        }
        let result = try await service.intake(
            .init(
                facts: ContactFacts(medium: .social, entryPoint: entry.address, text: input.text),
                externalRef: thread, subject: String(input.text.prefix(80)), identities: [identity],
                displayName: input.author.name, message: message, actor: "social:\(entry.address)"))
        return try await SocialReceiptDTO(contact: result.contact.id, duplicate: false).encodeResponse(
            status: .created, for: request)
    }
}

/// Refuses bodies over `bytes` before they are read whole (413), whatever the route's default.
struct BodyLimit: AsyncMiddleware {
    let bytes: Int

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > bytes {
            throw AppError(.payloadTooLarge, detail: "at most \(bytes / 1024) KiB")
        }
        if let data = request.body.data, data.readableBytes > bytes {
            throw AppError(.payloadTooLarge, detail: "at most \(bytes / 1024) KiB")
        }
        return try await next.respond(to: request)
    }
}
