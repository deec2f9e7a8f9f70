import Foundation
import GuichetCore
import SQLKit
import SQLiteNIO

/// The ACD on the database. `dispatch` runs the pure `ContactDistributor` while holding the
/// organisation's dispatch lock and its available agents' rows; `claimNext` lets one agent take the next
/// contact with `FOR UPDATE SKIP LOCKED`. Every assignment is guarded by `state = 'queued'`, so a contact
/// is never offered twice, and nothing leaves the queue except by an event in its log.
extension ContactCentreStore {
    public func setAgentState(_ agentID: UUID, _ state: AgentState, now: Date = Date()) async throws -> AgentRecord {
        let org = organisationID
        return try await transaction { db in
            guard
                let row = try await db.raw(
                    """
                    UPDATE acd_agents SET state_since = \(bind: now) WHERE organisation_id = \(bind: org) AND id = \(bind: agentID)
                    RETURNING state, idle_since
                    """
                ).first()
            else { throw ContactCentreError.unknownAgent(agentID.uuidString) }
            let previous = AgentState(rawValue: try row.decode(column: "state", as: String.self)) ?? .away
            var idleSince = try row.decode(column: "idle_since", as: Date.self)
            if previous != .available, state == .available { idleSince = now }
            try await db.raw(
                "UPDATE acd_agents SET state = \(bind: state.rawValue), idle_since = \(bind: idleSince) WHERE id = \(bind: agentID)"
            ).run()
            let agent = try await db.raw(
                "SELECT \(unsafeRaw: Self.agentColumns) FROM acd_agents WHERE id = \(bind: agentID)"
            ).first()!
            return try Self.agent(agent, load: try await Self.load(db, agent: agentID))
        }
    }

    /// Offers every waiting contact that an available agent can take now; returns what was decided.
    public func dispatch(now: Date = Date(), limit: Int = 1000) async throws -> [AssignmentRecord] {
        let org = organisationID
        return try await Self.round(on: .pool(scope.database), organisation: org, now: now, limit: limit)
    }

    /// Whether some available agent has room for one more contact of any medium (read without locks). No
    /// round can offer anything otherwise, so the dispatch tick skips it and never makes intake wait for it.
    public func anyAgentHasRoom() async throws -> Bool {
        try await Self.hasRoom(sql, organisation: organisationID, for: Set(Medium.allCases))
    }

    /// Organisations with contacts waiting (one index probe each).
    public static func organisationsWithWaitingContacts(_ sql: any SQLDatabase) async throws -> [UUID] {
        try await sql.raw(
            """
            SELECT id FROM organisations o WHERE EXISTS
            (SELECT 1 FROM contacts c WHERE c.organisation_id = o.id AND c.state = 'queued')
            """
        ).all().map { try $0.decode(column: "id", as: UUID.self) }
    }

    /// One ACD round of the organisation in a transaction of its own. PostgreSQL: the ids of the agents with room
    /// are read first, outside the transaction — usually nobody has room, and the round is then that one
    /// statement, no BEGIN, lock or COMMIT. That read is prepared on the pool's connections, and on a connection held
    /// when `prepared` runs it there (`IntakeConnection`'s rounds).
    static func round(
        on target: IntakeBatcher.Target, organisation: UUID, now: Date, limit: Int = 1000,
        prepared: (@Sendable (AgentsWithRoom) async throws -> [any SQLRow])? = nil
    ) async throws -> [AssignmentRecord] {
        guard let sql = target.sql, isPostgres(sql) else {
            return try await target.transaction { db in
                try await dispatch(db, organisation: organisation, now: now, limit: limit)
            }
        }
        let room = AgentsWithRoom(organisation: organisation)
        let rows: [any SQLRow]
        if let prepared {
            rows = try await prepared(room)
        } else if case .pool(let database) = target, let onPool = try await room.rows(onPoolOf: database) {
            rows = onPool
        } else {
            rows = try await sql.raw(room.query).all()
        }
        let candidates = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        guard !candidates.isEmpty else { return [] }
        return try await target.transaction { db in
            try await dispatch(db, organisation: organisation, now: now, limit: limit, candidates: candidates)
        }
    }

    /// The ACD's round inside the caller's transaction: takes the organisation's dispatch lock (one round
    /// at a time, whichever instance it runs on) and its available agents' rows, then offers. On PostgreSQL,
    /// `candidates` are the agents `roomQuery` found with room before the transaction (read here when nil).
    /// `sqlite`: SQLite's connection under `db` when `db` does not say (the intake writer's own).
    static func dispatch(
        _ db: any SQLDatabase, sqlite: (any SQLiteDatabase)? = nil, organisation org: UUID, now: Date,
        limit: Int = 1000, candidates known: [UUID]? = nil
    ) async throws -> [AssignmentRecord] {
        // Available agents with room: read first without locks (usually nobody has room and nothing more is
        // needed), then — on PostgreSQL — the organisation's dispatch lock taken, and those with room locked in a
        // fixed order and read in full, so neither another round nor a concurrent claim can change their load.
        // (Before the lock only their ids are read, by `roomQuery`'s rule: the full rows once, not twice.) Full
        // agents are never locked: an agent freed meanwhile runs its own round once this one commits (the
        // organisation's lock orders them). What may be read before the lock is: the queues' settings as well,
        // so the lock — which other rounds wait for — is held four round trips (agents, waiting contacts, offers,
        // commit), not six.
        var agents: [AgentRecord] = []
        var candidates: [UUID]?
        if isPostgres(db) {
            var ids = known ?? []
            if known == nil {
                ids = try await db.raw(AgentsWithRoom(organisation: org).query).all().map {
                    try $0.decode(column: "id", as: UUID.self)
                }
            }
            guard !ids.isEmpty else { return [] }
            candidates = ids
        } else {
            agents = try await agentsWithRoom(
                db, sqlite: sqlite ?? db as? any SQLiteDatabase, organisation: org, among: nil, now: now)
            guard !agents.isEmpty else { return [] }
        }
        let queueList = try await queues(db, organisation: org)
        try await lockDispatch(db, organisation: org)
        if let candidates {
            agents = try await agentsWithRoom(db, sqlite: nil, organisation: org, among: candidates, now: now)
            guard !agents.isEmpty else { return [] }
        }
        let distributionAgents = agents.map { agent -> DistributionAgent in
            var candidate = DistributionAgent(
                id: agent.id.uppercaseText, skills: agent.skills, queues: Set(agent.queues), capacity: agent.capacity,
                state: .available, idleSince: agent.idleSince)
            candidate.load = agent.load
            return candidate
        }
        guard Medium.allCases.contains(where: { medium in distributionAgents.contains { $0.hasRoom(for: medium) } })
        else { return [] }
        var distributor = ContactDistributor(
            queues: queueList.map { queue in
                DistributionQueue(
                    id: queue.code,
                    overflow: queue.overflowQueue.map { .init(after: queue.overflowAfter ?? 0, queue: $0) })
            }, agents: distributionAgents)
        let byID = Dictionary(uniqueKeysWithValues: zip(distributionAgents.map(\.id), agents))
        var offers: [Offer] = []
        // Waiting contacts, best first, a page at a time sized by the room left: what no agent can take
        // (another queue, a skill nobody free has) is read past, up to `limit` contacts in all.
        var read = 0
        var after: (priority: Int, enqueuedAt: Date, id: UUID)?
        var stamps: [String: Date] = [:]
        var media: [String: Medium] = [:]
        while read < limit {
            let room = distributor.room.filter { $0.value > 0 }
            guard !room.isEmpty else { break }
            let size = min(limit - read, max(50, 2 * room.values.reduce(0, +)))
            let page = try await waitingPage(db, organisation: org, media: Array(room.keys), after: after, size: size)
            read += page.count
            guard let last = page.last else { break }
            after = (last.priority, last.enqueuedAt, last.id)
            // A contact whose queue was deleted waits where it is; the supervisor page shows it.
            distributor.enqueue(contentsOf: page.map(\.contact))
            for entry in page {
                let id = entry.contact.id
                stamps[id] = entry.updatedAt
                media[id] = entry.contact.medium
            }
            for assignment in distributor.dispatch(now: now) {
                guard let contactID = UUID(text: assignment.contactID), let agent = byID[assignment.agentID]
                else { continue }
                offers.append(
                    Offer(
                        contact: contactID, medium: media[assignment.contactID] ?? .form, agent: agent,
                        queue: assignment.queue,
                        at: max(now, stamps[assignment.contactID] ?? now), waited: assignment.waited))
            }
            if page.count < size { break }
        }
        return try await offer(db, organisation: org, offers)
    }

    /// Orders an organisation's ACD rounds against each other, across instances, until the transaction ends:
    /// one round at a time offers. Intake takes no lock: it reads the agents' room after its commit
    /// (`IntakeWriter.Written.rounds`), and every change that frees room is followed by a round of its own
    /// once committed — whichever of the two reads second sees what the other committed, so no contact waits
    /// while an agent has room for it.
    ///
    /// PostgreSQL: a transaction-scoped advisory lock (nothing written, released at commit or rollback).
    /// SQLite: nothing to do, every contact-centre transaction already holds the database's write lock from
    /// its first statement (`BEGIN IMMEDIATE`).
    static func lockDispatch(_ db: any SQLDatabase, organisation: UUID) async throws {
        guard isPostgres(db) else { return }
        let key = dispatchLockKey(organisation)
        try await db.raw("SELECT pg_advisory_xact_lock(\(bind: key.space), \(bind: key.object))").run()
    }

    /// The advisory lock's two keys: Guichet's dispatch space, and the organisation id's first 32 bits (two
    /// organisations sharing them only take turns).
    static func dispatchLockKey(_ organisation: UUID) -> (space: Int32, object: Int32) {
        let bytes = organisation.uuid
        let object = UInt32(bytes.0) << 24 | UInt32(bytes.1) << 16 | UInt32(bytes.2) << 8 | UInt32(bytes.3)
        return (0x4755_4943, Int32(bitPattern: object))  // "GUIC"
    }

    /// Whether an available agent of the organisation has room for one more contact of one of these media
    /// (read without locks; only what the answer needs, as intake asks it for every group).
    static func hasRoom(
        _ db: any SQLDatabase, organisation: UUID, for media: Set<Medium>
    ) async throws -> Bool {
        guard !media.isEmpty else { return false }
        let rows = try await db.raw(roomQuery(organisation, postgres: isPostgres(db))).all()
        return try room(rows)[organisation].map { !$0.isDisjoint(with: media) } ?? false
    }

    /// The rows `room` reads: per organisation, each medium some available agent has room for — one row each,
    /// none when nobody has room. `DistributionAgent.hasRoom(for:)`'s rule, in SQL: intake asks it for every
    /// group, and reading every available agent with its loads cost a few percent of intake's CPU (the two are
    /// compared in the tests). With `agents`, the rows are instead the ids (`id`) of the agents that have room for
    /// some medium (what a round reads before taking the dispatch lock).
    static func roomQuery(_ organisation: UUID, postgres: Bool, agents: Bool = false) -> SQLQueryString {
        "\(NumberedSQL(roomText(postgres: postgres, agents: agents), [.uuid(organisation)]))"
    }

    /// `roomQuery`'s text, its one parameter the organisation (prepared as `AgentsWithRoom` on PostgreSQL).
    static func roomText(postgres: Bool, agents: Bool) -> String {
        let capacities =
            postgres
            ? "CROSS JOIN LATERAL jsonb_each_text(a.capacity_json::jsonb) AS c(key, value)"
            : "CROSS JOIN json_each(a.capacity_json) AS c"
        let limit = postgres ? "c.value::int8" : "CAST(c.value AS INTEGER)"
        return """
            SELECT DISTINCT \(agents ? "a.id" : "a.organisation_id, c.key AS medium") FROM acd_agents a \
            \(capacities) \
            LEFT JOIN acd_agent_loads l ON l.agent_id = a.id AND l.medium = c.key \
            WHERE a.organisation_id = \(postgres ? "$1::uuid" : "?") AND a.state = 'available' AND \(limit) > 0 \
            AND COALESCE(l.held, 0) < \(limit) \
            AND (COALESCE(l.held, 0) > 0 \
            OR NOT EXISTS (SELECT 1 FROM acd_agent_loads o WHERE o.agent_id = a.id AND o.held > 0))
            """
    }

    /// The media some available agent has room for, per organisation, from `roomQuery`'s rows.
    static func room(_ rows: [any SQLRow]) throws -> [UUID: Set<Medium>] {
        var room: [UUID: Set<Medium>] = [:]
        for row in rows {
            guard let medium = Medium(rawValue: try row.decode(column: "medium", as: String.self)) else { continue }
            room[try row.decode(column: "organisation_id", as: UUID.self), default: []].insert(medium)
        }
        return room
    }

    /// One page of waiting contacts of these media, best first (priority, then waiting time), after a given one.
    private static func waitingPage(
        _ db: any SQLDatabase, organisation: UUID, media: [Medium], after: (priority: Int, enqueuedAt: Date, id: UUID)?,
        size: Int
    ) async throws -> [(id: UUID, priority: Int, enqueuedAt: Date, updatedAt: Date, contact: WaitingContact)] {
        let mediaValues: [any Encodable & Sendable] = media.map(\.rawValue).sorted()
        var query: SQLQueryString = """
            SELECT id, queue, medium, priority, enqueued_at, updated_at, skills_json FROM contacts
            WHERE organisation_id = \(bind: organisation) AND state = 'queued' AND medium IN (\(binds: mediaValues))
            """
        if let after {
            query += """
                 AND (priority < \(bind: after.priority) OR (priority = \(bind: after.priority) AND (enqueued_at > \(bind: after.enqueuedAt) \
                OR (enqueued_at = \(bind: after.enqueuedAt) AND id > \(bind: after.id)))))
                """
        }
        query += " ORDER BY priority DESC, enqueued_at, id LIMIT \(bind: size)"
        return try await db.raw(query).all().map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let priority = try row.decode(column: "priority", as: Int.self)
            let enqueuedAt = try row.decode(column: "enqueued_at", as: Date.self)
            let contact = WaitingContact(
                id: id.uppercaseText, queue: try row.decode(column: "queue", as: String.self),
                medium: Medium(rawValue: try row.decode(column: "medium", as: String.self)) ?? .form,
                priority: priority, enqueuedAt: enqueuedAt,
                requirements: try ParsedJSON.requirements.value(of: row.decode(column: "skills_json", as: String.self)))
            return (id, priority, enqueuedAt, try row.decode(column: "updated_at", as: Date.self), contact)
        }
    }

    /// The organisation's available agents that can take one more contact of some medium, with what they
    /// hold. `among`: only these agents, locked (`FOR UPDATE`, id order) for the rest of the transaction
    /// (PostgreSQL). On SQLite the rows are read on its own connection (`sqlite`) and decoded value by value
    /// (`AgentRow.init(sqlite:)`): through SQLKit's rows each value went through `Decodable`, a fifth of a round's
    /// time with 200 agents available.
    private static func agentsWithRoom(
        _ db: any SQLDatabase, sqlite: (any SQLiteDatabase)?, organisation: UUID, among: [UUID]?, now: Date
    ) async throws -> [AgentRecord] {
        let select = """
            SELECT \(Self.agentColumns), l.medium AS held_medium, l.held AS held FROM acd_agents \
            LEFT JOIN acd_agent_loads l ON l.agent_id = acd_agents.id AND l.held > 0 \
            WHERE state = 'available' AND acd_agents.organisation_id = 
            """
        let rows: [AgentRow]
        if let sqlite, among == nil {
            rows = try await sqlite.query(select + "?", [.text(organisation.uppercaseText)]).map(AgentRow.init(sqlite:))
        } else {
            var query: SQLQueryString = "\(unsafeRaw: select)\(bind: organisation)"
            if let among {
                let ids: [any Encodable & Sendable] = among
                query += " AND acd_agents.id IN (\(binds: ids)) ORDER BY acd_agents.id FOR UPDATE OF acd_agents"
            }
            rows = try await db.raw(query).all().map(AgentRow.init(sql:))
        }
        var agents: [UUID: AgentRecord] = [:]
        var order: [UUID] = []
        for row in rows {
            if agents[row.agent.id] == nil {
                agents[row.agent.id] = row.agent
                order.append(row.agent.id)
            }
            if let held = row.held { agents[row.agent.id]?.load[held.medium] = held.count }
        }
        return order.compactMap { id -> AgentRecord? in
            guard let agent = agents[id] else { return nil }
            var rough = DistributionAgent(id: "", skills: [:], queues: [], capacity: agent.capacity, idleSince: now)
            rough.load = agent.load
            return agent.capacity.keys.contains { rough.hasRoom(for: $0) } ? agent : nil
        }
    }

    /// A row of `agentsWithRoom`: an agent (its load left empty) and one medium it holds contacts of, if any.
    private struct AgentRow {
        var agent: AgentRecord
        var held: (medium: Medium, count: Int)?

        init(sql row: any SQLRow) throws {
            agent = try ContactCentreStore.agent(row, load: [:])
            let medium = try row.decode(column: "held_medium", as: String?.self).flatMap(Medium.init(rawValue:))
            held = try medium.map { ($0, try row.decode(column: "held", as: Int.self)) }
        }

        init(sqlite row: SQLiteRow) throws {
            func value(_ column: String) throws -> SQLiteData {
                guard let value = row.column(column) else { throw StoredValueError(column: column, value: nil) }
                return value
            }
            func text(_ column: String) throws -> String {
                guard case .text(let text) = try value(column) else {
                    throw StoredValueError(column: column, value: row.column(column))
                }
                return text
            }
            func uuid(_ column: String) throws -> UUID? {
                if case .null = try value(column) { return nil }
                guard let id = UUID(text: try text(column)) else {
                    throw StoredValueError(column: column, value: row.column(column))
                }
                return id
            }
            func date(_ column: String) throws -> Date {
                guard let date = Date(sqliteData: try value(column)) else {
                    throw StoredValueError(column: column, value: row.column(column))
                }
                return date
            }
            guard let id = try uuid("id") else { throw StoredValueError(column: "id", value: .null) }
            agent = AgentRecord(
                id: id, userID: try uuid("user_id"), code: try text("code"), name: try text("name"),
                skills: try ParsedJSON.skills.value(of: text("skills_json")),
                queues: try ParsedJSON.queues.value(of: text("queues_json")),
                capacity: try ParsedJSON.capacity.value(of: text("capacity_json")),
                state: AgentState(rawValue: try text("state")) ?? .away, idleSince: try date("idle_since"),
                stateSince: try date("state_since"), load: [:])
            if case .text(let name) = try value("held_medium"), let medium = Medium(rawValue: name),
                case .integer(let count) = try value("held")
            {
                held = (medium, count)
            }
        }
    }

    /// A stored value that is missing or not of its column's type.
    struct StoredValueError: Error, CustomStringConvertible {
        var column: String
        var value: SQLiteData?

        var description: String { "column \(column): unexpected stored value \(value.map { "\($0)" } ?? "(missing)")" }
    }

    /// A queued contact the ACD decided to offer to an agent.
    struct Offer {
        var contact: UUID
        var medium: Medium
        var agent: AgentRecord
        var queue: String
        /// Never earlier than the contact's last change: a request that started before another one
        /// created the contact must not date its offer before the contact existed (the log is in time order).
        var at: Date
        var waited: Double
    }

    /// Offers queued contacts to agents: one statement on PostgreSQL, four on SQLite, however many there are. A
    /// contact no longer queued (someone else took it) is left out of what is returned.
    static func offer(_ db: any SQLDatabase, organisation: UUID, _ offers: [Offer]) async throws -> [AssignmentRecord] {
        guard !offers.isEmpty else { return [] }
        let made =
            isPostgres(db)
            ? try await offerInOneStatement(db, organisation: organisation, offers)
            : try await offerInSteps(db, organisation: organisation, offers)
        return made.map { offer in
            AssignmentRecord(
                contactID: offer.contact, agentID: offer.agent.id, agentCode: offer.agent.code, queue: offer.queue,
                waited: offer.waited)
        }
    }

    /// PostgreSQL: what `offerInSteps` does, as one statement — the contacts still queued updated, and from the
    /// rows updated (only those), their `offered` events, the agents' loads and idle times.
    private static func offerInOneStatement(
        _ db: any SQLDatabase, organisation: UUID, _ offers: [Offer]
    ) async throws -> [Offer] {
        let rows = try await db.raw(
            """
            WITH x AS (SELECT * FROM unnest(\(bind: offers.map(\.contact))::uuid[], \(bind: offers.map(\.agent.id))::uuid[], \
            \(bind: offers.map(\.at))::timestamptz[], \(bind: offers.map(\.agent.code))::text[], \
            \(bind: offers.map(\.queue))::text[], \(bind: offers.map(\.medium.rawValue))::text[], \
            \(bind: offers.map { _ in UUID.rowID() })::uuid[]) AS x(contact, agent, at, actor, queue, medium, event_id)),
            u AS (UPDATE contacts c SET state = 'offered', agent_id = x.agent, event_count = c.event_count + 1, \
            updated_at = x.at FROM x WHERE c.organisation_id = \(bind: organisation) AND c.id = x.contact \
            AND c.state = 'queued' RETURNING c.id, c.event_count),
            m AS (SELECT x.*, u.event_count FROM x JOIN u ON u.id = x.contact),
            e AS (INSERT INTO contact_events (id, organisation_id, contact_id, seq, kind, at, actor, queue, reason) \
            SELECT event_id, \(bind: organisation), contact, event_count, 'offered', at, actor, queue, NULL FROM m),
            l AS (INSERT INTO acd_agent_loads (agent_id, organisation_id, medium, held) \
            SELECT agent, \(bind: organisation), medium, count(*) FROM m GROUP BY agent, medium ORDER BY agent, medium \
            ON CONFLICT (agent_id, medium) DO UPDATE SET held = acd_agent_loads.held + excluded.held),
            a AS (UPDATE acd_agents g SET idle_since = i.at FROM (SELECT agent, max(at) AS at FROM m GROUP BY agent) i \
            WHERE g.id = i.agent)
            SELECT contact FROM m
            """
        ).all()
        let made = Set(try rows.map { try $0.decode(column: "contact", as: UUID.self) })
        return offers.filter { made.contains($0.contact) }
    }

    /// Offers in four statements however many there are (SQLite).
    private static func offerInSteps(
        _ db: any SQLDatabase, organisation: UUID, _ offers: [Offer]
    ) async throws -> [Offer] {
        var agentCase: SQLQueryString = "CASE id"
        var stampCase: SQLQueryString = "CASE id"
        for offer in offers {
            agentCase += " WHEN \(bind: offer.contact) THEN \(bind: offer.agent.id)"
            stampCase += " WHEN \(bind: offer.contact) THEN \(bind: offer.at)"
        }
        let ids: [any Encodable & Sendable] = offers.map(\.contact)
        let rows = try await db.raw(
            """
            UPDATE contacts SET state = 'offered', agent_id = \(agentCase) END, event_count = event_count + 1,
            updated_at = \(stampCase) END WHERE organisation_id = \(bind: organisation) AND id IN (\(binds: ids))
            AND state = 'queued' RETURNING id, event_count
            """
        ).all()
        var sequence: [UUID: Int] = [:]
        for row in rows {
            sequence[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "event_count", as: Int.self)
        }
        let made = offers.filter { sequence[$0.contact] != nil }
        guard !made.isEmpty else { return [] }
        try await insertEvents(
            db,
            made.map { offer in
                EventRow(
                    organisation: organisation, contact: offer.contact, seq: sequence[offer.contact] ?? 0,
                    kind: .offered, at: offer.at, actor: offer.agent.code, queue: offer.queue, reason: nil)
            })
        var held: [LoadChange: Int] = [:]
        for offer in made { held[LoadChange(agent: offer.agent.id, medium: offer.medium), default: 0] += 1 }
        try await adjustLoads(db, organisation: organisation, held)
        var idle: [UUID: Date] = [:]
        for offer in made { idle[offer.agent.id] = max(idle[offer.agent.id] ?? offer.at, offer.at) }
        var idleCase: SQLQueryString = "CASE id"
        for (agent, at) in idle { idleCase += " WHEN \(bind: agent) THEN \(bind: at)" }
        let agentIDs: [any Encodable & Sendable] = Array(idle.keys)
        try await db.raw(
            "UPDATE acd_agents SET idle_since = \(idleCase) END WHERE id IN (\(binds: agentIDs))"
        ).run()
        return made
    }

    /// The agent takes the next contact they can serve (priority, then waiting time), if any. Safe with
    /// many agents claiming at once on several instances: each candidate row is locked or skipped.
    public func claimNext(agent agentID: UUID, now: Date = Date()) async throws -> AssignmentRecord? {
        let org = organisationID
        let postgres = Self.isPostgres(sql)
        return try await transaction { db in
            let queueList = try await Self.queues(db, organisation: org)
            guard
                try await db.raw(
                    "UPDATE acd_agents SET state_since = state_since WHERE organisation_id = \(bind: org) AND id = \(bind: agentID) RETURNING id"
                ).first() != nil,
                let row = try await db.raw(
                    "SELECT \(unsafeRaw: Self.agentColumns) FROM acd_agents WHERE id = \(bind: agentID)"
                ).first()
            else { throw ContactCentreError.unknownAgent(agentID.uuidString) }
            let agent = try Self.agent(row, load: try await Self.load(db, agent: agentID))
            guard agent.state == .available else {
                throw ContactCentreError.agentUnavailable(
                    "agent \(agent.code) is \(agent.state.rawValue), not available")
            }
            var candidate = DistributionAgent(
                id: agent.id.uuidString, skills: agent.skills, queues: Set(agent.queues), capacity: agent.capacity,
                idleSince: agent.idleSince)
            candidate.load = agent.load
            let media = Medium.allCases.filter { candidate.hasRoom(for: $0) }
            guard !media.isEmpty else { return nil }
            // Queues served directly, and those that overflow into them after a delay.
            var direct = Set(agent.queues)
            var overflowing: [String: Double] = [:]
            for queue in queueList
            where queue.overflowQueue.map({ direct.contains($0) }) == true && !direct.contains(queue.code) {
                overflowing[queue.code] = queue.overflowAfter ?? 0
            }
            let all = direct.union(overflowing.keys)
            guard !all.isEmpty else { return nil }
            direct.formIntersection(all)
            let mediaValues: [any Encodable & Sendable] = media.map(\.rawValue)
            let queueValues: [any Encodable & Sendable] = all.sorted()
            let candidates = try await db.raw(
                """
                SELECT \(unsafeRaw: Self.contactColumns) FROM contacts WHERE organisation_id = \(bind: org)
                AND state = 'queued' AND medium IN (\(binds: mediaValues)) AND queue IN (\(binds: queueValues))
                ORDER BY priority DESC, enqueued_at LIMIT 100 \(unsafeRaw: postgres ? "FOR UPDATE SKIP LOCKED" : "")
                """
            ).all().map(Self.contact)
            for contact in candidates {
                if !direct.contains(contact.queue) {
                    guard let after = overflowing[contact.queue], now.timeIntervalSince(contact.enqueuedAt) >= after
                    else { continue }
                }
                guard candidate.meets(contact.skills) else { continue }
                let served =
                    direct.contains(contact.queue)
                    ? contact.queue : (queueList.first { $0.code == contact.queue }?.overflowQueue ?? contact.queue)
                let made = try await Self.offer(
                    db, organisation: org,
                    [
                        Offer(
                            contact: contact.id, medium: contact.medium, agent: agent, queue: served,
                            at: max(now, contact.updatedAt),
                            waited: now.timeIntervalSince(contact.enqueuedAt))
                    ])
                if let assignment = made.first { return assignment }
            }
            return nil
        }
    }

    /// Queues and agents as they stand now.
    public func live(now: Date = Date()) async throws -> LiveQueues {
        let rows = try await sql.raw(
            """
            SELECT queue, state, COUNT(*) AS n, MIN(enqueued_at) AS oldest FROM contacts
            WHERE organisation_id = \(bind: organisationID) AND state IN ('queued', 'offered', 'in_progress', 'on_hold', 'wrap_up')
            GROUP BY queue, state
            """
        ).all()
        var byQueue: [String: LiveQueues.Queue] = [:]
        let known = try await queues()
        for queue in known {
            byQueue[queue.code] = .init(code: queue.code, name: queue.name, waiting: 0, longestWait: nil, inProgress: 0)
        }
        for row in rows {
            let code = try row.decode(column: "queue", as: String.self)
            var entry = byQueue[code] ?? .init(code: code, name: code, waiting: 0, longestWait: nil, inProgress: 0)
            let count = try row.decode(column: "n", as: Int.self)
            if try row.decode(column: "state", as: String.self) == "queued" {
                entry.waiting += count
                if let oldest = try row.decode(column: "oldest", as: Date?.self) {
                    entry.longestWait = max(0, now.timeIntervalSince(oldest))
                }
            } else {
                entry.inProgress += count
            }
            byQueue[code] = entry
        }
        let agents = try await agents()
        var states: [String: Int] = ["available": 0, "busy": 0, "wrap_up": 0, "away": 0]
        for agent in agents {
            let key =
                agent.state == .available && agent.load.values.reduce(0, +) > 0 ? "busy" : agent.state.rawValue
            states[key, default: 0] += 1
        }
        return LiveQueues(
            at: now, queues: byQueue.values.sorted { $0.code < $1.code }, agents: states, agentList: agents)
    }
}
