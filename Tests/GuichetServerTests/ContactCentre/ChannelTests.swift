import Foundation
import GuichetCore
import GuichetStore
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import GuichetServer

private typealias F = ContactCentreFixtures

@Suite("Channels: phone (CTI), web form, social webhooks, chat")
struct ChannelTests {
    @Test(
        "Phone: the PBX's Zammad-shaped events drive the call's log; bad input is refused clearly",
        arguments: TestDatabase.available)
    func cti(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            let supervisor = APIClient(app: app, token: try await Fixtures.token(app, "supervisor-a@test.fr"))
            let events = "\(setup.base)/cti/events"
            let form: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
            // Zammad's generic CTI shape, form-encoded, user[] as a list.
            let new = try await supervisor.send(
                .POST, events,
                json: "event=newCall&from=0612345678&to=%2B33199000001&direction=in&callId=c-1&user%5B%5D=alice",
                headers: form)
            #expect(new.status == .ok, "\(new.body.string)")
            let outcome = try F.decode(CTIOutcomeDTO.self, new)
            #expect(outcome.recorded && outcome.state == .queued)
            let again = try F.decode(
                CTIOutcomeDTO.self,
                try await supervisor.send(
                    .POST, events,
                    json: #"{"event": "newCall", "callId": "c-1", "from": "0612345678", "direction": "in"}"#))
            #expect(!again.recorded)
            // The routing decision for the same call: the line's motif (panne) → fallback queue general.
            let route = try F.decode(
                CTIRouteDTO.self,
                try await supervisor.send(
                    .POST, "\(setup.base)/cti/route", json: #"{"event": "newCall", "callId": "c-1"}"#))
            #expect(route.motif == "panne" && route.queue == "general" && route.agent == nil)
            _ = try await setup.admin.send(.POST, "\(setup.base)/agents/alice/state", json: #"{"state": "available"}"#)
            let offered = try F.decode(
                CTIRouteDTO.self,
                try await supervisor.send(
                    .POST, "\(setup.base)/cti/route", json: #"{"event": "newCall", "callId": "c-1"}"#))
            #expect(offered.agent == "alice")
            for body in [
                #"{"event": "answer", "callId": "c-1", "user": "alice"}"#, #"{"event": "hold", "callId": "c-1"}"#,
                #"{"event": "resume", "callId": "c-1"}"#,
                #"{"event": "transfer", "callId": "c-1", "queue": "retention", "reason": "veut résilier"}"#,
                #"{"event": "hangup", "callId": "c-1", "cause": "cancel"}"#,
            ] {
                let response = try await supervisor.send(.POST, events, json: body)
                #expect(response.status == .ok, "\(body) → \(response.body.string)")
            }
            let contact = try F.decode(
                ContactDetailDTO.self, try await supervisor.get("\(setup.base)/contacts/\(outcome.contact!)"))
            #expect(
                contact.events.map(\.kind) == [
                    .created, .queued, .offered, .answered, .held, .resumed, .transferred, .abandoned,
                ])
            #expect(contact.events.first { $0.kind == .held }?.reason == "signalled by the PBX")
            // The indicators are recomputed from the log: one call answered, held, transferred, then abandoned.
            let indicators = try F.decode(ContactLogSummary.self, try await supervisor.get("\(setup.base)/indicators"))
            #expect(indicators.contacts == 1 && indicators.answered == 1 && indicators.abandoned == 1)
            #expect(indicators.holdRate == 1 && indicators.transferRate == 1)
            // Bad input: unknown call, missing queue, unknown event, agent token.
            let unknown = try await supervisor.send(.POST, events, json: #"{"event": "answer", "callId": "nope"}"#)
            #expect(unknown.status == .notFound && unknown.body.string.contains("unknown call id"))
            let noFrom = try await supervisor.send(.POST, events, json: #"{"event": "newCall", "callId": "c-2"}"#)
            #expect(F.problems(noFrom) == ["/from"])
            let badEvent = try await supervisor.send(.POST, events, json: #"{"event": "explode", "callId": "c-1"}"#)
            #expect(badEvent.status == .unprocessableEntity || badEvent.status == .badRequest)
            #expect(
                try await setup.agent.send(.POST, events, json: #"{"event": "hold", "callId": "c-1"}"#).status
                    == .forbidden)
            let outbound = try F.decode(
                CTIOutcomeDTO.self,
                try await supervisor.send(
                    .POST, events,
                    json:
                        #"{"event": "newCall", "callId": "o-1", "from": "101", "to": "0611111111", "direction": "out"}"#
                ))
            #expect(!outbound.recorded)
            #expect(try await F.count(app, "contacts") == 1)
        }
    }

    @Test(
        "Web form: a page that works without JavaScript, limits, honeypot and throttling",
        arguments: TestDatabase.available)
    func webForm(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            _ = try await F.setUp(app)
            let browser = Browser(app, acceptLanguage: "fr")
            let page = try await browser.get("/contact/brand-a/contact")
            #expect(page.status == .ok && page.body.string.contains("Formulaire du site"))
            #expect(try await browser.get("/contact/brand-a/nope").status == .notFound)
            #expect(try await browser.get("/contact/brand-b/contact").status == .notFound)
            let bad = try await browser.post(
                "/contact/brand-a/contact", ["name": "Léa", "email": "pas-une-adresse", "message": ""])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("form-errors") && bad.body.string.contains("Léa"))
            let good = try await browser.post(
                "/contact/brand-a/contact",
                [
                    "name": "Léa Martin", "email": "lea@example.fr", "phone": "06 98 76 54 32", "subject": "Facture",
                    "message": "Je souhaite contester ma facture de mars.",
                ])
            #expect(good.status == .ok && good.body.string.contains("form-reference"))
            #expect(try await F.count(app, "contacts") == 1)
            let bot = try await browser.post(
                "/contact/brand-a/contact", ["email": "bot@example.fr", "message": "buy now", "website": "http://spam"])
            #expect(bot.status == .ok)
            #expect(try await F.count(app, "contacts") == 1)
            #expect(try await F.count(app, "rejected_inbound") == 1)
            // JSON endpoint for a brand's own site; then the 6th submission from one address within 10 min → 429.
            let api = APIClient(app: app, token: nil)
            let json = try await api.send(
                .POST, "/api/v1/channels/form/brand-a/contact",
                json: #"{"email": "jo@example.fr", "message": "Bonjour"}"#)
            #expect(json.status == .created, "\(json.body.string)")
            let invalid = try await api.send(.POST, "/api/v1/channels/form/brand-a/contact", json: #"{"email": "x"}"#)
            #expect(F.problems(invalid) == ["/email", "/message"])
            var statuses: [HTTPStatus] = []
            for _ in 0..<3 {
                statuses.append(
                    try await api.send(
                        .POST, "/api/v1/channels/form/brand-a/contact",
                        json: #"{"email": "jo@example.fr", "message": "Encore"}"#
                    ).status)
            }
            // Five counted so far from this address (the good form, the bot, the JSON one, two more): the sixth waits.
            #expect(statuses == [.created, .created, .tooManyRequests])
            let huge = try await api.send(
                .POST, "/api/v1/channels/form/brand-a/contact",
                json: #"{"email": "jo@example.fr", "message": "\#(String(repeating: "a", count: 70_000))"}"#)
            #expect(huge.status == .payloadTooLarge)
        }
    }

    @Test(
        "Social: signed webhooks only, replays refused, a thread stays one contact, replies signed",
        arguments: TestDatabase.available)
    func social(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            let receiver = try PythonReceiver()
            defer { receiver.stop() }
            let created = try await setup.admin.send(
                .POST, "\(setup.base)/entry-points",
                json:
                    #"{"medium": "social", "address": "fb:brand_a", "label": "Page Facebook", "outboundURL": "\#(receiver.url)"}"#
            )
            #expect(created.status == .created)
            let secret = try #require(try F.decode(EntryPointCreatedDTO.self, created).secret)
            let api = APIClient(app: app, token: nil)
            let path = "/api/v1/channels/social/brand-a/fb:brand_a"
            func post(_ body: String, signedAt: Date = Date(), key: String? = nil) async throws -> TestingHTTPResponse {
                let signature = WebhookSignature(secret: key ?? secret).sign(Data(body.utf8), at: signedAt)
                return try await api.send(.POST, path, json: body, headers: [WebhookSignature.header: signature])
            }
            let first =
                #"{"id": "m1", "thread": "t1", "author": {"handle": "@Camille", "name": "Camille"}, "text": "Ma commande n'est jamais arrivée"}"#
            let response = try await post(first)
            #expect(response.status == .created, "\(response.body.string)")
            let contact = try F.decode(PublicChannelsController.SocialReceiptDTO.self, response).contact
            let replay = try F.decode(PublicChannelsController.SocialReceiptDTO.self, try await post(first))
            #expect(replay.duplicate && replay.contact == contact)
            let followUp = try F.decode(
                PublicChannelsController.SocialReceiptDTO.self,
                try await post(
                    #"{"id": "m2", "thread": "t1", "author": {"handle": "camille"}, "text": "Toujours rien"}"#))
            #expect(followUp.contact == contact && !followUp.duplicate)
            let before = try await F.count(app, "contact_messages")
            #expect(
                try await post(
                    #"{"id": "m3", "author": {"handle": "x"}, "text": "old"}"#,
                    signedAt: Date().addingTimeInterval(-600)
                ).status == .unauthorized)
            #expect(
                try await post(#"{"id": "m4", "author": {"handle": "x"}, "text": "forged"}"#, key: "wrong").status
                    == .unauthorized)
            #expect(try await api.send(.POST, path, json: #"{"id": "m5"}"#).status == .unauthorized)
            #expect(try await F.count(app, "contact_messages") == before)
            #expect(try await F.count(app, "rejected_inbound") == 3)
            let rejected = try F.decode(
                [RejectedInbound].self, try await setup.admin.get("\(setup.base)/rejected-inbound"))
            #expect(Set(rejected.map(\.channel)) == ["social"] && rejected.contains { $0.reason.contains("timestamp") })
            let malformed = try await post(#"{"id": "m6", "text": "no author"}"#)
            #expect(malformed.status == .unprocessableEntity || malformed.status == .badRequest)
            // The agent replies: the network's webhook receives it, signed with the same secret.
            let reply = try await setup.agent.send(
                .POST, "\(setup.base)/contacts/\(contact)/replies", json: #"{"body": "Nous regardons, Camille."}"#)
            #expect(reply.status == .created, "\(reply.body.string)")
            #expect(try F.decode(ReplyDTO.self, reply).delivery == "sent")
            let received = try receiver.received()
            #expect(received.count == 1)
            let body = try #require(received.first?.body)
            #expect(body.contains("Nous regardons, Camille.") && body.contains("\"inReplyTo\":\"m2\""))
            try WebhookSignature(secret: secret).verify(received.first?.signature, body: Data(body.utf8), now: Date())
        }
    }

    @Test(
        "Chat: the widget script is served; a conversation over a real WebSocket reaches the agent and back",
        arguments: TestDatabase.available)
    func chat(database: TestDatabase) async throws {
        try await chatConversation(database)
    }

    func chatConversation(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let setup = try await F.setUp(app)
            let script = try await APIClient(app: app, token: nil).get("/chat/widget.js")
            #expect(script.status == .ok && script.body.string.contains("/api/v1/channels/chat/"))
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(app.http.server.shared.localAddress?.port)
                let customer = ChatClient()
                try await customer.connect(
                    "ws://127.0.0.1:\(port)/api/v1/channels/chat/brand-a/site", on: app.eventLoopGroup)
                try await customer.send(
                    #"{"type": "start", "name": "Inès", "email": "ines@example.fr", "text": "Bonjour, ma box ne marche plus"}"#
                )
                let started = try await customer.next { $0.type == "started" }
                let contact = try #require(started.contact.flatMap(UUID.init(uuidString:)))
                let token = try #require(started.token)
                let reply = try await setup.agent.send(
                    .POST, "\(setup.base)/contacts/\(contact)/replies",
                    json: #"{"body": "Bonjour Inès, redémarrez-la."}"#)
                #expect(reply.status == .created, "\(reply.body.string)")
                let pushed = try await customer.next { $0.type == "message" }
                #expect(pushed.from == "agent" && pushed.text == "Bonjour Inès, redémarrez-la.")
                try await customer.send(#"{"type": "message", "text": "Merci !"}"#)
                for _ in 0..<1000 {  // up to 20 s: CI runs every suite at once
                    let detail = try F.decode(
                        ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(contact)"))
                    if detail.messages.count == 3 { break }
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
                try await customer.close()
                // A new page: the conversation resumes with its history.
                let again = ChatClient()
                try await again.connect(
                    "ws://127.0.0.1:\(port)/api/v1/channels/chat/brand-a/site", on: app.eventLoopGroup)
                try await again.send(#"{"type": "resume", "token": "\#(token)"}"#)
                _ = try await again.next { $0.type == "started" }
                let history = try await again.collect(count: 3) { $0.type == "message" }
                #expect(
                    history.compactMap(\.text) == [
                        "Bonjour, ma box ne marche plus", "Bonjour Inès, redémarrez-la.", "Merci !",
                    ])
                try await again.send(#"{"type": "message", "text": ""}"#)
                let error = try await again.next { $0.type == "error" }
                #expect(error.detail?.contains("/text") == true)
                try await again.close()
                let stored = try F.decode(
                    ContactDetailDTO.self, try await setup.agent.get("\(setup.base)/contacts/\(contact)"))
                #expect(stored.messages.map(\.direction) == [.inbound, .outbound, .inbound])
                #expect(
                    try await APIClient(app: app, token: nil).get("/api/v1/channels/chat/brand-a/unknown").status
                        == .notFound)
                // Twelve customers at once, each writing the moment their socket opens, then at once again:
                // every first frame is taken (none lost before the server's handler is set), in order.
                let group = app.eventLoopGroup
                let before = try await F.count(app, "contact_messages")
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    for index in 0..<12 {
                        tasks.addTask {
                            let client = ChatClient()
                            try await client.connect("ws://127.0.0.1:\(port)/api/v1/channels/chat/brand-a/site", on: group)
                            try await client.send(#"{"type": "start", "name": "Client \#(index)", "text": "Bonjour n°\#(index)"}"#)
                            try await client.send(#"{"type": "message", "text": "Suite n°\#(index)"}"#)
                            let started = try await client.next { $0.type == "started" || $0.type == "error" }
                            #expect(started.type == "started", "\(started.detail ?? "")")
                            try await client.close()
                        }
                    }
                    try await tasks.waitForAll()
                }
                for _ in 0..<1000 where try await F.count(app, "contact_messages") < before + 24 {
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
                #expect(try await F.count(app, "contact_messages") == before + 24, "each opening line and its follow-up")
            } catch {
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }
}

/// A frame of the chat protocol, as the customer's browser sees it.
struct ChatFrame: Decodable, Sendable {
    var type: String
    var contact: String?
    var token: String?
    var from: String?
    var text: String?
    var detail: String?
}

/// A WebSocket client that collects JSON frames.
final class ChatClient: @unchecked Sendable {
    private var socket: WebSocket?
    private let buffer = NIOLockedValueBox<[ChatFrame]>([])
    private var skipped: [String] = []

    func connect(_ url: String, on group: any EventLoopGroup) async throws {
        let buffer = buffer
        let connected = NIOLockedValueBox<WebSocket?>(nil)
        try await WebSocket.connect(to: url, on: group) { socket in
            connected.withLockedValue { $0 = socket }
            socket.onText { _, text in
                if let frame = try? JSONDecoder().decode(ChatFrame.self, from: Data(text.utf8)) {
                    buffer.withLockedValue { $0.append(frame) }
                }
            }
        }
        for _ in 0..<100 {
            if let socket = connected.withLockedValue({ $0 }) {
                self.socket = socket
                return
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw TestSetupError("WebSocket did not connect")
    }

    func send(_ text: String) async throws {
        try await socket?.send(text)
    }

    func close() async throws {
        try await socket?.close()
    }

    /// The next frame matching `predicate` (earlier non-matching frames are skipped), within 20 s (CI runs
    /// every suite at once on two cores).
    func next(_ predicate: @escaping (ChatFrame) -> Bool) async throws -> ChatFrame {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let (found, passed) = buffer.withLockedValue { frames -> (ChatFrame?, [String]) in
                var passed: [String] = []
                while !frames.isEmpty {
                    let frame = frames.removeFirst()
                    if predicate(frame) { return (frame, passed) }
                    passed.append("\(frame.type):\(frame.text ?? frame.detail ?? "")")
                }
                return (nil, passed)
            }
            skipped += passed
            if let found { return found }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw TestSetupError("no matching WebSocket frame within 20 s; skipped: \(skipped)")
    }

    func collect(count: Int, _ predicate: @escaping (ChatFrame) -> Bool) async throws -> [ChatFrame] {
        var result: [ChatFrame] = []
        while result.count < count { result.append(try await next(predicate)) }
        return result
    }
}

/// A throwaway HTTP receiver in Python (standard library): records each POST body and its signature.
final class PythonReceiver: @unchecked Sendable {
    let process = Process()
    let log: URL
    let url: String

    init() throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("receiver-\(UUID().uuidString).jsonl")
        let script = """
            import http.server, json, sys
            log = sys.argv[1]
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get('Content-Length', 0))).decode()
                    with open(log, 'a') as f:
                        f.write(json.dumps({'body': body, 'signature': self.headers.get('X-Guichet-Signature')}) + '\\n')
                    self.send_response(200); self.end_headers(); self.wfile.write(b'{}')
                def log_message(self, *a): pass
            s = http.server.HTTPServer(('127.0.0.1', 0), H)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, log.path]
        process.standardOutput = pipe
        try process.run()
        let line = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestSetupError("python receiver did not start: \(line)")
        }
        url = "http://127.0.0.1:\(port)/replies"
    }

    struct Delivery: Decodable {
        var body: String
        var signature: String?
    }

    func received() throws -> [Delivery] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Delivery.self, from: Data($0.utf8)) }
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }
}
