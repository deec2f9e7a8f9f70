import Fluent
import Foundation
import GuichetCore
import SQLKit

/// The single point of contact's data for one organisation: customers, entry points, routing set-up,
/// queues, agents, contacts and their event log, messages.
///
/// Built from a `TenantScope`, so every statement carries the organisation filter; all SQL is
/// parameterised. Runs on SQLite (one instance) and PostgreSQL (several instances: the ACD locks the
/// organisation's dispatch lock and claims contacts with `FOR UPDATE SKIP LOCKED`).
public struct ContactCentreStore: Sendable {
    public let scope: TenantScope
    var organisationID: UUID { scope.organisationID }

    public init(scope: TenantScope) {
        self.scope = scope
    }

    var sql: any SQLDatabase { scope.database as! any SQLDatabase }
    static func isPostgres(_ database: any SQLDatabase) -> Bool { database.dialect.name == "postgresql" }

    /// Runs `work` in one transaction, its statements on that transaction's connection. On SQLite the
    /// contact centre's writers take turns (see `Serialiser`) and each takes the write lock as it begins.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await Self.transaction(on: scope.database, work)
    }

    static func transaction<T: Sendable>(
        on database: any Database, _ work: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        if isPostgres(database as! any SQLDatabase) {
            return try await database.transaction { try await work($0 as! any SQLDatabase) }
        }
        // BEGIN IMMEDIATE takes the write lock at once: a transaction that reads first can then never be
        // refused its upgrade to writing (SQLITE_BUSY, which SQLite returns without waiting) because another
        // connection wrote in between.
        return try await Serialiser.sqliteWriters.run {
            try await database.withConnection { connection in
                try await transaction(onConnection: connection as! any SQLDatabase, immediate: true, work)
            }
        }
    }

    /// One transaction on a connection already held: SQLite's (above), or the intake writer's own on
    /// PostgreSQL (`IntakeConnection`), where Fluent's `transaction` would not begin one.
    static func transaction<T: Sendable>(
        onConnection sql: any SQLDatabase, immediate: Bool = false,
        _ work: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await sql.raw(immediate ? "BEGIN IMMEDIATE" : "BEGIN").run()
        do {
            let result = try await work(sql)
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func json<T: Encodable>(_ value: T) -> String { encoded(value) }

    private static func encoded<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// Attributes or capacities as JSON; most new customers have none, and JSONEncoder costs as much for those
    /// (3 % of the SQLite intake writer's time went to this and `json(_: [Element])`).
    static func json(_ value: [String: String]) -> String {
        value.isEmpty ? "{}" : encoded(value)
    }

    /// A list as JSON, such as a contact's required skills (most routes require none).
    static func json<Element: Encodable>(_ value: [Element]) -> String {
        value.isEmpty ? "[]" : encoded(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    // MARK: Queues

    public func queues() async throws -> [QueueRecord] {
        try await Self.queues(sql, organisation: organisationID)
    }

    static func queues(_ db: any SQLDatabase, organisation: UUID) async throws -> [QueueRecord] {
        try await db.raw(
            "SELECT code, name, overflow_after, overflow_queue FROM acd_queues WHERE organisation_id = \(bind: organisation) ORDER BY code"
        ).all().map(Self.queue)
    }

    static func queue(_ row: any SQLRow) throws -> QueueRecord {
        QueueRecord(
            code: try row.decode(column: "code", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            overflowAfter: try row.decode(column: "overflow_after", as: Double?.self),
            overflowQueue: try row.decode(column: "overflow_queue", as: String?.self))
    }

    /// Creates or replaces a queue. Its overflow queue must exist (or be this queue's own code on creation).
    public func saveQueue(_ queue: QueueRecord, now: Date = Date()) async throws -> QueueRecord {
        var problems: [FieldProblem] = []
        if !InputRules.isCode(queue.code) {
            problems.append(.init(pointer: "/code", detail: "1 to 64 letters, digits, '-', '_' or '.'"))
        }
        let name = queue.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 200 {
            problems.append(.init(pointer: "/name", detail: "a name of 1 to 200 characters"))
        }
        if (queue.overflowAfter == nil) != (queue.overflowQueue == nil) {
            problems.append(.init(pointer: "/overflowQueue", detail: "overflow needs both a delay and a queue"))
        }
        if let after = queue.overflowAfter, !(after.isFinite && after >= 0) {
            problems.append(.init(pointer: "/overflowAfter", detail: "seconds, 0 or more"))
        }
        if let target = queue.overflowQueue {
            if target == queue.code {
                problems.append(.init(pointer: "/overflowQueue", detail: "a queue cannot overflow into itself"))
            } else if try await !queues().contains(where: { $0.code == target }) {
                problems.append(.init(pointer: "/overflowQueue", detail: "unknown queue '\(target)'"))
            }
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        let record = QueueRecord(
            code: queue.code, name: name, overflowAfter: queue.overflowAfter, overflowQueue: queue.overflowQueue)
        let org = organisationID
        try await transaction { db in
            let updated = try await db.raw(
                """
                UPDATE acd_queues SET name = \(bind: name), overflow_after = \(bind: record.overflowAfter),
                overflow_queue = \(bind: record.overflowQueue) WHERE organisation_id = \(bind: org) AND code = \(bind: record.code) RETURNING code
                """
            ).all()
            if updated.isEmpty {
                try await db.raw(
                    """
                    INSERT INTO acd_queues (id, organisation_id, code, name, overflow_after, overflow_queue, created_at)
                    VALUES (\(bind: UUID.rowID()), \(bind: org), \(bind: record.code), \(bind: name), \(bind: record.overflowAfter), \(bind: record.overflowQueue), \(bind: now))
                    """
                ).run()
            }
        }
        return record
    }

    // MARK: Agents

    static let agentColumns =
        "id, user_id, code, name, skills_json, queues_json, capacity_json, state, idle_since, state_since"

    static func agent(_ row: any SQLRow, load: [Medium: Int]) throws -> AgentRecord {
        AgentRecord(
            id: try row.decode(column: "id", as: UUID.self),
            userID: try row.decode(column: "user_id", as: UUID?.self),
            code: try row.decode(column: "code", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            skills: try ParsedJSON.skills.value(of: row.decode(column: "skills_json", as: String.self)),
            queues: try ParsedJSON.queues.value(of: row.decode(column: "queues_json", as: String.self)),
            capacity: try ParsedJSON.capacity.value(of: row.decode(column: "capacity_json", as: String.self)),
            state: AgentState(rawValue: try row.decode(column: "state", as: String.self)) ?? .away,
            idleSince: try row.decode(column: "idle_since", as: Date.self),
            stateSince: try row.decode(column: "state_since", as: Date.self), load: load)
    }

    static let heldStates = "('offered', 'in_progress', 'on_hold', 'wrap_up')"

    /// Contacts in hand per agent and medium (kept in `acd_agent_loads` by `offer` and `record`).
    static func loads(_ db: any SQLDatabase, organisation: UUID) async throws -> [UUID: [Medium: Int]] {
        let rows = try await db.raw(
            "SELECT agent_id, medium, held FROM acd_agent_loads WHERE organisation_id = \(bind: organisation) AND held > 0"
        ).all()
        var result: [UUID: [Medium: Int]] = [:]
        for row in rows {
            guard let medium = Medium(rawValue: try row.decode(column: "medium", as: String.self)) else { continue }
            result[try row.decode(column: "agent_id", as: UUID.self), default: [:]][medium] = try row.decode(
                column: "held", as: Int.self)
        }
        return result
    }

    /// One agent's contacts in hand, by medium.
    static func load(_ db: any SQLDatabase, agent: UUID) async throws -> [Medium: Int] {
        var result: [Medium: Int] = [:]
        for row in try await db.raw(
            "SELECT medium, held FROM acd_agent_loads WHERE agent_id = \(bind: agent) AND held > 0"
        ).all() {
            guard let medium = Medium(rawValue: try row.decode(column: "medium", as: String.self)) else { continue }
            result[medium] = try row.decode(column: "held", as: Int.self)
        }
        return result
    }

    /// A change in what an agent holds: +1 when a contact is offered to them, −1 when it leaves them.
    struct LoadChange: Hashable {
        var agent: UUID
        var medium: Medium
    }

    /// Applies changes to agents' loads, one statement for all of them, inside the caller's transaction.
    static func adjustLoads(_ db: any SQLDatabase, organisation: UUID, _ changes: [LoadChange: Int]) async throws {
        let changes = changes.filter { $0.value != 0 }.sorted {
            ($0.key.agent.uuidString, $0.key.medium.rawValue) < ($1.key.agent.uuidString, $1.key.medium.rawValue)
        }
        guard !changes.isEmpty else { return }
        let values = changes.map { change, delta -> SQLQueryString in
            "(\(bind: change.agent), \(bind: organisation), \(bind: change.medium.rawValue), \(bind: delta))"
        }
        try await db.raw(
            """
            INSERT INTO acd_agent_loads (agent_id, organisation_id, medium, held) VALUES \(values.joined(separator: ", "))
            ON CONFLICT (agent_id, medium) DO UPDATE SET held = acd_agent_loads.held + excluded.held
            """
        ).run()
    }

    static let heldStateSet: Set<ContactState> = [.offered, .inProgress, .onHold, .wrapUp]

    public func agents() async throws -> [AgentRecord] {
        let loads = try await Self.loads(sql, organisation: organisationID)
        return try await sql.raw(
            "SELECT \(unsafeRaw: Self.agentColumns) FROM acd_agents WHERE organisation_id = \(bind: organisationID) ORDER BY code"
        ).all().map { row in try Self.agent(row, load: loads[try row.decode(column: "id", as: UUID.self)] ?? [:]) }
    }

    public func agent(code: String) async throws -> AgentRecord? {
        try await agents().first { $0.code == code }
    }

    public func agent(userID: UUID) async throws -> AgentRecord? {
        guard
            let row = try await sql.raw(
                "SELECT \(unsafeRaw: Self.agentColumns) FROM acd_agents WHERE organisation_id = \(bind: organisationID) AND user_id = \(bind: userID) ORDER BY code LIMIT 1"
            ).first()
        else { return nil }
        return try Self.agent(row, load: try await Self.load(sql, agent: try row.decode(column: "id", as: UUID.self)))
    }

    /// Creates or updates an agent: skills (levels 1–5), queues served (must exist), capacity per medium.
    public func saveAgent(
        code: String, name: String, userID: UUID?, skills: [String: Int], queues: [String], capacity: [Medium: Int],
        now: Date = Date()
    ) async throws -> AgentRecord {
        var problems: [FieldProblem] = []
        if !InputRules.isCode(code) {
            problems.append(.init(pointer: "/code", detail: "1 to 64 letters, digits, '-', '_' or '.'"))
        }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 200 {
            problems.append(.init(pointer: "/name", detail: "a name of 1 to 200 characters"))
        }
        for (skill, level) in skills.sorted(by: { $0.key < $1.key }) where !(1...5).contains(level) {
            problems.append(.init(pointer: "/skills/\(skill)", detail: "a level is between 1 and 5"))
        }
        for (medium, limit) in capacity.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where !(0...50).contains(limit) {
            problems.append(.init(pointer: "/capacity/\(medium.rawValue)", detail: "between 0 and 50 contacts at once"))
        }
        let known = Set(try await self.queues().map(\.code))
        for (index, queue) in queues.enumerated() where !known.contains(queue) {
            problems.append(.init(pointer: "/queues/\(index)", detail: "unknown queue '\(queue)'"))
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        let org = organisationID
        let skillsJSON = Self.json(skills)
        let queuesJSON = Self.json(Array(Set(queues)).sorted())
        let capacityJSON = Self.json(capacity)
        try await transaction { db in
            let updated = try await db.raw(
                """
                UPDATE acd_agents SET name = \(bind: name), user_id = \(bind: userID), skills_json = \(bind: skillsJSON),
                queues_json = \(bind: queuesJSON), capacity_json = \(bind: capacityJSON)
                WHERE organisation_id = \(bind: org) AND code = \(bind: code) RETURNING id
                """
            ).all()
            if updated.isEmpty {
                try await db.raw(
                    """
                    INSERT INTO acd_agents (id, organisation_id, user_id, code, name, skills_json, queues_json, capacity_json, state, idle_since, state_since)
                    VALUES (\(bind: UUID.rowID()), \(bind: org), \(bind: userID), \(bind: code), \(bind: name), \(bind: skillsJSON), \(bind: queuesJSON), \(bind: capacityJSON), 'away', \(bind: now), \(bind: now))
                    """
                ).run()
            }
        }
        guard let saved = try await agent(code: code) else { throw ContactCentreError.unknownAgent(code) }
        return saved
    }

    // MARK: Entry points

    public func entryPoints() async throws -> [EntryPointRecord] {
        try await sql.raw(
            "SELECT id, medium, address, label, created_at FROM entry_points WHERE organisation_id = \(bind: organisationID) ORDER BY medium, address"
        ).all().map { row in
            EntryPointRecord(
                id: try row.decode(column: "id", as: UUID.self),
                medium: Medium(rawValue: try row.decode(column: "medium", as: String.self)) ?? .form,
                address: try row.decode(column: "address", as: String.self),
                label: try row.decode(column: "label", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Date.self))
        }
    }

    /// Normalises an entry point's address for its medium, or explains why it cannot be one.
    public static func normalisedAddress(_ raw: String, medium: Medium) -> Result<String, ValidationFailure> {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        switch medium {
        case .voice:
            guard case .phone(let number)? = CustomerIdentity.normalisedPhone(trimmed) else {
                return .failure(ValidationFailure(pointer: "/address", "not a phone number: '\(trimmed)'"))
            }
            return .success(number)
        case .email:
            guard case .email(let address)? = CustomerIdentity.normalisedEmail(trimmed) else {
                return .failure(ValidationFailure(pointer: "/address", "not an email address: '\(trimmed)'"))
            }
            return .success(address)
        case .chat, .form, .social:
            let value = trimmed.lowercased()
            guard !value.isEmpty, value.count <= 128,
                value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.:@".contains($0) })
            else {
                return .failure(
                    ValidationFailure(pointer: "/address", "1 to 128 letters, digits, '-', '_', '.', ':' or '@'"))
            }
            return .success(value)
        }
    }

    /// Declares an entry point. A social account gets a signing secret, returned here only: the network's
    /// webhooks are signed with it, and so are Guichet's replies sent to `outboundURL`.
    public func addEntryPoint(
        medium: Medium, address: String, label: String, outboundURL: String? = nil, now: Date = Date()
    ) async throws -> (record: EntryPointRecord, secret: String?) {
        var problems: [FieldProblem] = []
        var normalised = ""
        switch Self.normalisedAddress(address, medium: medium) {
        case .success(let value): normalised = value
        case .failure(let failure): problems += failure.problems
        }
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        if label.isEmpty || label.count > 200 {
            problems.append(.init(pointer: "/label", detail: "a label of 1 to 200 characters"))
        }
        if let outboundURL {
            guard medium == .social else {
                throw ValidationFailure(pointer: "/outboundURL", "only a social account sends replies to a webhook")
            }
            if URL(string: outboundURL).map({ ["http", "https"].contains($0.scheme ?? "") && $0.host != nil }) != true
                || outboundURL.count > 2000
            {
                problems.append(.init(pointer: "/outboundURL", detail: "an http(s) URL"))
            }
        }
        if problems.isEmpty, try await entryPoint(medium: medium, address: normalised) != nil {
            problems.append(
                .init(pointer: "/address", detail: "\(medium.rawValue) entry point '\(normalised)' already declared"))
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        let secret = medium == .social ? Secrets.random() : nil
        let record = EntryPointRecord(
            id: UUID.rowID(), medium: medium, address: normalised, label: label, createdAt: now)
        try await sql.raw(
            """
            INSERT INTO entry_points (id, organisation_id, medium, address, label, secret, outbound_url, created_at)
            VALUES (\(bind: record.id), \(bind: organisationID), \(bind: medium.rawValue), \(bind: normalised), \(bind: label), \
            \(bind: secret), \(bind: outboundURL), \(bind: now))
            """
        ).run()
        return (record, secret)
    }

    /// A social account's signing secret and reply webhook.
    public func signing(medium: Medium, address: String) async throws -> (secret: String, outboundURL: String?)? {
        guard
            let row = try await sql.raw(
                """
                SELECT secret, outbound_url FROM entry_points WHERE organisation_id = \(bind: organisationID)
                AND medium = \(bind: medium.rawValue) AND address = \(bind: address)
                """
            ).first(), let secret = try row.decode(column: "secret", as: String?.self)
        else { return nil }
        return (secret, try row.decode(column: "outbound_url", as: String?.self))
    }

    /// The organisation and entry point a public channel (form, chat, social webhook) addresses, or nil when
    /// either does not exist. Public channels reach tenant data only through here.
    public static func publicEntry(
        database: any Database, organisation slug: String, medium: Medium, address: String
    ) async throws -> (store: ContactCentreStore, entryPoint: EntryPointRecord)? {
        guard let organisation = try await Organisation.query(on: database).filter(\.$slug == slug).first(),
            let id = organisation.id
        else { return nil }
        let store = ContactCentreStore(scope: TenantScope(organisationID: id, database: database))
        guard case .success(let normalised) = normalisedAddress(address, medium: medium),
            let entry = try await store.entryPoint(medium: medium, address: normalised)
        else { return nil }
        return (store, entry)
    }

    /// The organisation that declared this email address as an entry point (inbound mail is addressed to it).
    public static func emailEntry(
        database: any Database, address: String
    ) async throws -> (
        store: ContactCentreStore, entryPoint: EntryPointRecord
    )? {
        guard case .success(let normalised) = normalisedAddress(address, medium: .email) else { return nil }
        let sql = database as! any SQLDatabase
        guard
            let row = try await sql.raw(
                "SELECT organisation_id FROM entry_points WHERE medium = 'email' AND address = \(bind: normalised) ORDER BY created_at LIMIT 1"
            ).first()
        else { return nil }
        let store = ContactCentreStore(
            scope: TenantScope(
                organisationID: try row.decode(column: "organisation_id", as: UUID.self), database: database))
        guard let entry = try await store.entryPoint(medium: .email, address: normalised) else { return nil }
        return (store, entry)
    }

    /// Counts one more submission under `key`; false when `limit` were already made within `window` seconds.
    /// Shared by every instance through the database.
    public static func allowSubmission(
        database: any Database, key: String, limit: Int, window: TimeInterval, now: Date = Date()
    ) async throws -> Bool {
        let since = now.addingTimeInterval(-window)
        // A write like the others: on SQLite it takes its turn with the contact centre's writers.
        return try await transaction(on: database) { sql in
            let count =
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM channel_throttle WHERE key = \(bind: key) AND at > \(bind: since)"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            guard count < limit else { return false }
            try await sql.raw(
                "INSERT INTO channel_throttle (id, key, at) VALUES (\(bind: UUID.rowID()), \(bind: key), \(bind: now))"
            )
            .run()
            // Keep the table small: drop what no window can count any more.
            if Int.random(in: 0..<100) == 0 {
                try await sql.raw("DELETE FROM channel_throttle WHERE at < \(bind: now.addingTimeInterval(-86_400))")
                    .run()
            }
            return true
        }
    }

    public func entryPoint(medium: Medium, address: String) async throws -> EntryPointRecord? {
        try await entryPoints().first { $0.medium == medium && $0.address == address }
    }

    public func removeEntryPoint(id: UUID) async throws -> Bool {
        let rows = try await sql.raw(
            "DELETE FROM entry_points WHERE organisation_id = \(bind: organisationID) AND id = \(bind: id) RETURNING id"
        ).all()
        return !rows.isEmpty
    }

    // MARK: Routing configuration

    public struct StoredRouting: Sendable {
        public var version: Int
        public var configuration: RoutingConfiguration
        public var updatedBy: String
        public var updatedAt: Date
    }

    /// The current routing configuration; nil until the brand saved one.
    public func routing() async throws -> StoredRouting? {
        guard
            let row = try await sql.raw(
                """
                SELECT version, document_json, updated_by, updated_at FROM routing_configurations
                WHERE organisation_id = \(bind: organisationID) ORDER BY version DESC LIMIT 1
                """
            ).first()
        else { return nil }
        return StoredRouting(
            version: try row.decode(column: "version", as: Int.self),
            configuration: try Self.decode(
                RoutingConfiguration.self, row.decode(column: "document_json", as: String.self)),
            updatedBy: try row.decode(column: "updated_by", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    /// Checks and stores a new version; earlier versions are kept.
    public func saveRouting(
        _ configuration: RoutingConfiguration, by actor: String, now: Date = Date()
    ) async throws
        -> StoredRouting
    {
        _ = try configuration.compile(queues: Set(try await queues().map(\.code)))
        let org = organisationID
        let document = Self.json(configuration)
        let version = try await transaction { db in
            let current =
                try await db.raw(
                    "SELECT MAX(version) AS v FROM routing_configurations WHERE organisation_id = \(bind: org)"
                ).first()?.decode(column: "v", as: Int?.self) ?? 0
            try await db.raw(
                """
                INSERT INTO routing_configurations (id, organisation_id, version, document_json, updated_by, updated_at)
                VALUES (\(bind: UUID.rowID()), \(bind: org), \(bind: current + 1), \(bind: document), \(bind: actor), \(bind: now))
                """
            ).run()
            return current + 1
        }
        return StoredRouting(version: version, configuration: configuration, updatedBy: actor, updatedAt: now)
    }
}

/// JSON columns that take few distinct values (an agent's skills, queues and capacity; a contact's required
/// skills), decoded once per distinct text: the ACD reads them at every dispatch.
enum ParsedJSON {
    static let skills = DecodedTexts<[String: Int]>()
    static let queues = DecodedTexts<[String]>()
    static let capacity = DecodedTexts<[Medium: Int]>()
    static let requirements = DecodedTexts<[SkillRequirement]>()
}

/// Decoded values by their JSON text, at most a few thousand (then it starts again empty).
final class DecodedTexts<Value: Decodable & Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var parsed: [String: Value] = [:]
    private let capacity = 4096

    func value(of text: String) throws -> Value {
        if let known = lock.withLock({ parsed[text] }) { return known }
        let value = try ContactCentreStore.decode(Value.self, text)
        lock.withLock {
            if parsed.count >= capacity { parsed.removeAll(keepingCapacity: true) }
            parsed[text] = value
        }
        return value
    }
}
