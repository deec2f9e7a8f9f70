import Fluent
import Foundation
import GuichetCore
import GuichetStore
import NIOConcurrencyHelpers
import Vapor

/// Chat: a WebSocket conversation per contact, opened by the widget script Guichet serves
/// (`/chat/widget.js`). Frames are JSON:
/// - customer → Guichet: `{"type":"start","name":…,"email":…,"text":…}`, `{"type":"resume","token":…}`,
///   `{"type":"message","text":…}`;
/// - Guichet → customer: `{"type":"started","contact":…,"reference":…,"token":…}`,
///   `{"type":"message","from":"agent"|"customer","text":…,"at":…}`, `{"type":"error","detail":…}`,
///   `{"type":"closed"}` once the contact is resolved.
/// Agents answer through `POST /contacts/:id/replies`; the reply reaches the customer's socket whichever
/// instance holds it (the change feed carries `chat:<contact>`).
struct ChatChannel {
    static let maxFrame = 16 * 1024
    static let maxText = 4_000

    func register(app: any RoutesBuilder, api: any RoutesBuilder) {
        app.endpoint(.GET, "chat", "widget.js", access: .everyone, audience: .web) { _ in
            let response = Response(status: .ok, body: .init(string: ChatWidget.script))
            response.headers.contentType = HTTPMediaType(
                type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
            return response
        }
        api.endpoint(
            .GET, "channels", "chat", ":org", ":widget", access: .everyone, audience: .api,
            doc: .init(
                summary: "A chat conversation: WebSocket upgrade; JSON frames start/resume/message (docs/CHANNELS.md)",
                tag: "Channels", successStatus: 101)
        ) { request in
            guard
                let (store, entry) = try await ContactCentreStore.publicEntry(
                    database: request.db, organisation: request.parameters.get("org") ?? "", medium: .chat,
                    address: request.parameters.get("widget") ?? "")
            else { throw AppError.notFound("chat widget") }
            // The frame handler is set in the upgrade callback itself, on the socket's event loop: frames the
            // browser sends at once after the upgrade are never dropped for want of a handler, and they are
            // taken one after the other, in order (a "message" never overtakes its "start").
            let upgraded: @Sendable (Request, WebSocket) -> Void = { request, socket in
                let (frames, delivered) = AsyncStream<String>.makeStream()
                let onText: @Sendable (WebSocket, String) -> Void = { _, text in delivered.yield(text) }
                socket.onText(onText)
                socket.onClose.whenComplete { _ in delivered.finish() }
                let session = ChatSession(
                    store: store, entry: entry, application: request.application, database: request.db,
                    socket: socket, client: request.remoteAddress?.ipAddress ?? "unknown")
                Task { await session.run(frames) }
            }
            return request.webSocket(maxFrameSize: .init(integerLiteral: Self.maxFrame), onUpgrade: upgraded)
        }
    }
}

/// One customer's chat connection.
actor ChatSession {
    let store: ContactCentreStore
    let entry: EntryPointRecord
    let application: Application
    let database: any Database
    let socket: WebSocket
    let client: String
    private var contact: UUID?
    private var sent: Set<UUID> = []
    private var listener: Task<Void, Never>?
    private var closed = false

    init(
        store: ContactCentreStore, entry: EntryPointRecord, application: Application, database: any Database,
        socket: WebSocket, client: String
    ) {
        self.store = store
        self.entry = entry
        self.application = application
        self.database = database
        self.socket = socket
        self.client = client
    }

    struct Frame: Decodable {
        var type: String
        var name: String?
        var email: String?
        var text: String?
        var token: String?
    }

    /// Takes the customer's frames in order until the socket closes.
    func run(_ frames: AsyncStream<String>) async {
        for await text in frames { await receive(text) }
        stop()
    }

    private func stop() {
        listener?.cancel()
        listener = nil
    }

    private func service() -> ContactCentreService {
        ContactCentreService(scope: store.scope, application: application, now: Date())
    }

    private func send(_ object: [String: String]) async {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        try? await socket.send(String(decoding: data, as: UTF8.self))
    }

    private func fail(_ detail: String) async {
        await send(["type": "error", "detail": detail])
    }

    private func receive(_ text: String) async {
        guard text.utf8.count <= ChatChannel.maxFrame,
            let frame = try? JSONDecoder().decode(Frame.self, from: Data(text.utf8))
        else { return await fail("expected a JSON frame with a type") }
        do {
            switch frame.type {
            case "start": try await start(frame)
            case "resume": try await resume(frame)
            case "message": try await message(frame)
            default: await fail("unknown frame type '\(frame.type.prefix(40))'")
            }
        } catch let error as ValidationFailure {
            await fail(error.description)
        } catch let error as AppError {
            await fail(error.detail)
        } catch {
            application.logger.error("chat: \(String(reflecting: error))")
            await fail("the message could not be taken in; please try again")
        }
    }

    private func start(_ frame: Frame) async throws {
        guard contact == nil else { return await fail("this conversation has already started") }
        let text = (frame.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldProblem] = []
        if text.isEmpty || text.count > ChatChannel.maxText {
            problems.append(.init(pointer: "/text", detail: "1 to \(ChatChannel.maxText) characters"))
        }
        var identities: [CustomerIdentity] = []
        if let email = frame.email, !email.isEmpty {
            if let identity = CustomerIdentity.normalisedEmail(email) {
                identities.append(identity)
            } else {
                problems.append(.init(pointer: "/email", detail: "not an email address"))
            }
        }
        if (frame.name ?? "").count > 200 { problems.append(.init(pointer: "/name", detail: "200 characters at most")) }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        let key = "chat:\(store.scope.organisationID):\(client)"
        guard
            try await ContactCentreStore.allowSubmission(
                database: database, key: key, limit: 20, window: 600, now: Date())
        else { return await fail("too many conversations from this address: try again in a few minutes") }
        let token = Secrets.random(bytes: 24)
        let result = try await service().intake(
            .init(
                facts: ContactFacts(medium: .chat, entryPoint: entry.address, text: text), externalRef: token,
                subject: String(text.prefix(80)), identities: identities, displayName: frame.name,
                message: NewMessage(direction: .inbound, author: frame.name ?? frame.email ?? "customer", body: text),
                actor: "chat:\(entry.address)"))
        try await attach(result.contact.id)
        await send([
            "type": "started", "contact": result.contact.id.uuidString,
            "reference": PublicChannelsController.reference(result.contact.id), "token": token,
        ])
    }

    private func resume(_ frame: Frame) async throws {
        guard contact == nil, let token = frame.token, !token.isEmpty, token.count <= 100,
            let existing = try await store.contact(medium: .chat, externalRef: token)
        else { return await fail("unknown conversation") }
        await send([
            "type": "started", "contact": existing.id.uuidString,
            "reference": PublicChannelsController.reference(existing.id), "token": token,
        ])
        try await attach(existing.id, replay: true)
    }

    private func message(_ frame: Frame) async throws {
        guard let contact else { return await fail("start the conversation first") }
        let text = (frame.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= ChatChannel.maxText else {
            throw ValidationFailure(pointer: "/text", "1 to \(ChatChannel.maxText) characters")
        }
        let id = try await store.addMessage(
            NewMessage(direction: .inbound, author: "customer", body: text), to: contact, now: Date())
        sent.insert(id)
        if let record = try await store.contact(contact), record.state == .resolved || record.state == .abandoned {
            _ = try await service().record(.reopened, contact: contact, actor: "customer", reason: "new chat message")
        } else {
            await service().feed.publish(store.scope.organisationID, detail: "chat:\(contact)", on: database)
        }
    }

    /// Follows the contact: agent replies are pushed as they are stored, whichever instance stored them.
    private func attach(_ id: UUID, replay: Bool = false) async throws {
        contact = id
        let messages = try await store.messages(of: id)
        for message in messages {
            if replay { await push(message) } else { sent.insert(message.id) }
        }
        let stream = application.guichet.changeFeed.subscribe(store.scope.organisationID, eventLoop: socket.eventLoop)
        listener = Task { [weak self] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await detail in stream {
                        guard detail == "chat:\(id)" else { continue }
                        await self?.deliverNew()
                    }
                }
                // A safety net for a notification missed while the feed (re)connects: look every 2 s.
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(nanoseconds: 2_000_000_000)
                        await self?.deliverNew()
                    }
                }
                await group.waitForAll()
            }
        }
    }

    private func push(_ message: MessageRecord) async {
        sent.insert(message.id)
        await send([
            "type": "message", "from": message.direction == .outbound ? "agent" : "customer", "text": message.body,
            "at": ISO8601DateFormatter().string(from: message.at),
        ])
    }

    private func deliverNew() async {
        guard let contact else { return }
        do {
            for message in try await store.messages(of: contact) where !sent.contains(message.id) {
                await push(message)
            }
            if !closed, let record = try await store.contact(contact), record.state == .resolved {
                closed = true
                await send(["type": "closed"])
            }
        } catch {
            application.logger.warning("chat: cannot read messages: \(String(reflecting: error))")
        }
    }
}
