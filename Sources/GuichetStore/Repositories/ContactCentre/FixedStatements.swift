import FluentKit
import FluentPostgresDriver
import Foundation
import SQLKit
import SQLiteNIO

/// PostgreSQL: a statement whose text never changes (each value bound as a parameter, a list as one array), run
/// where it is run most — the intake writer's lookup and insert, an ACD round's first read — as a prepared
/// statement: each connection parses and plans it once and then only executes it (perf: parsing and planning
/// were about a fifth of PostgreSQL's time under intake), and PostgresNIO encodes the values itself. Elsewhere (a
/// transaction, SQLite) the same text runs through SQLKit as an ordinary statement.
///
/// Each gives its prepared statement a `name` of its own: PostgresNIO's default, `String(reflecting:)` of the type, is
/// worked out at every execution (0.8 % of the server's CPU under intake).
protocol FixedStatement: PostgresPreparedStatement where Row == any SQLRow {
    /// The values, in the order of the text's parameters ($1, $2, …).
    var values: [FixedValue] { get }
}

/// One parameter of a fixed statement: a value, or a column of values.
enum FixedValue: Sendable {
    case uuid(UUID)
    case uuids([UUID])
    case optionalUUIDs([UUID?])
    case texts([String])
    case optionalTexts([String?])
    case integers([Int])
    case dates([Date])

    fileprivate var encodable: any Encodable & Sendable {
        switch self {
        case .uuid(let value): value
        case .uuids(let values): values
        case .optionalUUIDs(let values): values
        case .texts(let values): values
        case .optionalTexts(let values): values
        case .integers(let values): values
        case .dates(let values): values
        }
    }

    /// How many values it holds (a column's rows).
    var count: Int {
        switch self {
        case .uuid: 1
        case .uuids(let values): values.count
        case .optionalUUIDs(let values): values.count
        case .texts(let values): values.count
        case .optionalTexts(let values): values.count
        case .integers(let values): values.count
        case .dates(let values): values.count
        }
    }

    /// Its value at `index` as SQLite stores it — what SQLiteKit's encoder makes of the same Swift value: a UUID as
    /// its upper-case text, a date as seconds since 1970 (a real), nil as NULL.
    func sqlite(at index: Int) -> SQLiteData {
        switch self {
        case .uuid(let value): .text(value.uppercaseText)
        case .uuids(let values): .text(values[index].uppercaseText)
        case .optionalUUIDs(let values): values[index].map { .text($0.uppercaseText) } ?? .null
        case .texts(let values): .text(values[index])
        case .optionalTexts(let values): values[index].map { .text($0) } ?? .null
        case .integers(let values): .integer(values[index])
        case .dates(let values): .float(values[index].timeIntervalSince1970)
        }
    }

    fileprivate func append(to bindings: inout PostgresBindings) {
        switch self {
        case .uuid(let value): bindings.append(value)
        case .uuids(let values): bindings.append(values)
        case .optionalUUIDs(let values): bindings.append(NullableArray(values: values))
        case .texts(let values): bindings.append(values)
        case .optionalTexts(let values): bindings.append(NullableArray(values: values))
        case .integers(let values): bindings.append(values)
        case .dates(let values): bindings.append(values)
        }
    }
}

extension FixedStatement {
    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { value.append(to: &bindings) }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) -> any SQLRow { row.sql() }

    /// The statement through SQLKit, unprepared.
    var query: SQLQueryString { "\(NumberedSQL(Self.sql, values))" }

    /// The statement's rows, prepared on `connection` (once per connection).
    func rows(on connection: PostgresConnection, logger: Logger) async throws -> [any SQLRow] {
        var rows: [any SQLRow] = []
        for try await row in try await connection.execute(self, logger: logger) { rows.append(row) }
        return rows
    }

    /// The statement's rows on a connection of `database`'s pool, prepared there; nil when `database` is not
    /// PostgreSQL.
    func rows(onPoolOf database: any Database) async throws -> [any SQLRow]? {
        guard let postgres = database as? any PostgresDatabase else { return nil }
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await rows(on: connection, logger: database.logger)
            }
        }.get()
    }
}

/// SQL run through SQLKit whose text numbers its own parameters ($1, $2, … on PostgreSQL; `?` on SQLite), with
/// its values as the binds (`SQLSerializer` writes nothing for them). Only ever a whole statement: the numbering
/// starts at the first parameter.
struct NumberedSQL: SQLExpression {
    let sql: String
    let binds: [any Encodable & Sendable]

    init(_ sql: String, _ values: [FixedValue]) {
        self.sql = sql
        binds = values.map(\.encodable)
    }

    /// SQLite: values already in SQLite's form (SQLiteKit's encoder turns each `SQLiteData` back into itself).
    init(_ sql: String, sqlite binds: [SQLiteData]) {
        self.sql = sql
        self.binds = binds
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(sql)
        serializer.binds += binds
    }
}

/// A one-dimensional PostgreSQL array whose elements may be NULL, in the binary format (PostgresNIO encodes
/// arrays of non-optional values only).
private struct NullableArray<Element: PostgresArrayEncodable & PostgresNonThrowingEncodable>:
    PostgresNonThrowingEncodable
{
    var values: [Element?]

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        buffer.writeInteger(values.isEmpty ? 0 : 1, as: Int32.self)  // dimensions
        buffer.writeInteger(values.contains(where: { $0 == nil }) ? 1 : 0, as: Int32.self)  // has NULLs
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !values.isEmpty else { return }
        buffer.writeInteger(Int32(values.count))  // length of the dimension
        buffer.writeInteger(1, as: Int32.self)  // its lower bound
        for value in values {
            guard let value else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthAt = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            value.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - lengthAt - 4), at: lengthAt)
        }
    }
}

/// The identities and channel ids a group carries that are already stored: rows `part` ('ref' or 'identity'),
/// `organisation_id`, `a` and `b` (medium and channel id, or kind and value) and, for identities, `owner`.
///
/// Each value is looked up by its whole unique key (a `LATERAL` probe on the unique index): with `value IN (…)`
/// the planner, while a new table's statistics still say it is small, scanned every identity of the
/// organisation and kind for each group — a cost that grew with the table.
struct IntakeLookup: FixedStatement {
    typealias Row = any SQLRow

    static let name = "guichet_intake_lookup"

    static let sql = """
        SELECT 'ref' AS part, c.organisation_id, c.medium AS a, c.external_ref AS b, NULL::uuid AS owner \
        FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(organisation_id, medium, ref) \
        CROSS JOIN LATERAL (SELECT organisation_id, medium, external_ref FROM contacts \
        WHERE organisation_id = v.organisation_id AND medium = v.medium AND external_ref = v.ref LIMIT 1) c \
        UNION ALL \
        SELECT 'identity' AS part, i.organisation_id, i.kind AS a, i.value AS b, i.customer_id AS owner \
        FROM unnest($4::uuid[], $5::text[], $6::text[]) AS v(organisation_id, kind, value) \
        CROSS JOIN LATERAL (SELECT organisation_id, kind, value, customer_id FROM customer_identities \
        WHERE organisation_id = v.organisation_id AND kind = v.kind AND value = v.value LIMIT 1) i
        """

    let values: [FixedValue]

    init(
        refs: [(organisation: UUID, medium: String, ref: String)],
        identities: [(organisation: UUID, kind: String, value: String)]
    ) {
        values = [
            .uuids(refs.map(\.organisation)), .texts(refs.map(\.medium)), .texts(refs.map(\.ref)),
            .uuids(identities.map(\.organisation)), .texts(identities.map(\.kind)), .texts(identities.map(\.value)),
        ]
    }
}

/// A group's rows, every table in one statement that commits as it ends (data-modifying `WITH`; a table with no
/// new row gets empty arrays): customers, their identities, contacts (queued, two events each), their `created`
/// and `queued` events, their first messages (plain ones: no attachment, no mail reference).
struct IntakeInsert: FixedStatement {
    typealias Row = any SQLRow

    static let name = "guichet_intake_insert"

    static let sql = """
        WITH new_customers AS (INSERT INTO customers (id, organisation_id, display_name, attributes_json, created_at) \
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])), \
        new_identities AS (INSERT INTO customer_identities (id, organisation_id, customer_id, kind, value, created_at) \
        SELECT * FROM unnest($6::uuid[], $7::uuid[], $8::uuid[], $9::text[], $10::text[], $11::timestamptz[])), \
        new_contacts AS (INSERT INTO contacts (\(ContactCentreStore.contactColumns), organisation_id, event_count) \
        SELECT id, customer_id, medium, entry_point, external_ref, subject, motif, motif_rule, route_rule, \
        route_reason, queue, priority, skills_json, 'queued', NULL, created_at, enqueued_at, updated_at, \
        organisation_id, 2 \
        FROM unnest($12::uuid[], $13::uuid[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], \
        $19::text[], $20::text[], $21::text[], $22::text[], $23::int8[], $24::text[], $25::timestamptz[], \
        $26::timestamptz[], $27::timestamptz[], $28::uuid[]) \
        AS r(id, customer_id, medium, entry_point, external_ref, subject, motif, motif_rule, route_rule, \
        route_reason, queue, priority, skills_json, created_at, enqueued_at, updated_at, organisation_id)), \
        new_events AS (INSERT INTO contact_events (id, organisation_id, contact_id, seq, kind, at, actor, queue, reason) \
        SELECT * FROM unnest($29::uuid[], $30::uuid[], $31::uuid[], $32::int8[], $33::text[], $34::timestamptz[], \
        $35::text[], $36::text[], $37::text[])) \
        INSERT INTO contact_messages (id, organisation_id, contact_id, direction, author, subject, body, \
        message_ref, delivery, at) \
        SELECT id, organisation_id, contact_id, direction, author, subject, body, NULL, delivery, at \
        FROM unnest($38::uuid[], $39::uuid[], $40::uuid[], $41::text[], $42::text[], $43::text[], $44::text[], \
        $45::text[], $46::timestamptz[]) \
        AS m(id, organisation_id, contact_id, direction, author, subject, body, delivery, at)
        """

    var values: [FixedValue] = []

    /// Whether there is any row to write.
    var isEmpty: Bool { values.allSatisfy { $0.count == 0 } }

    /// SQLite: the same rows as multi-row INSERTs with `?` parameters, one per table that has rows (at most
    /// `rowsPerStatement` rows each), parents first, the values in SQLite's own form (`FixedValue.sqlite(at:)`) to be
    /// bound directly on the connection. Through SQLKit, building the statements, serialising them and encoding each
    /// value as `Encodable` was about two thirds of the SQLite intake writer's time.
    var sqliteStatements: [(sql: String, binds: [SQLiteData])] {
        var statements: [(sql: String, binds: [SQLiteData])] = []
        var first = 0
        for table in Self.sqliteTables {
            let columns = values[first..<first + table.parameters]
            first += table.parameters
            let rows = columns.first?.count ?? 0
            for start in stride(from: 0, to: rows, by: ContactCentreStore.rowsPerStatement) {
                let end = min(start + ContactCentreStore.rowsPerStatement, rows)
                var binds: [SQLiteData] = []
                binds.reserveCapacity((end - start) * table.parameters)
                for row in start..<end {
                    for column in columns { binds.append(column.sqlite(at: row)) }
                }
                let tuples = repeatElement(table.row, count: end - start).joined(separator: ", ")
                statements.append(("INSERT INTO \(table.name) (\(table.columns)) VALUES \(tuples)", binds))
            }
        }
        return statements
    }

    /// The tables of `values`, in their order: each table's columns and one row of its VALUES, with a parameter
    /// for each of its arrays in `values`, in order (`parameters`), and the same constants as `sql`.
    private static let sqliteTables: [(name: String, columns: String, row: String, parameters: Int)] = [
        ("customers", "id, organisation_id, display_name, attributes_json, created_at", "(?, ?, ?, ?, ?)"),
        ("customer_identities", "id, organisation_id, customer_id, kind, value, created_at", "(?, ?, ?, ?, ?, ?)"),
        (
            "contacts", "\(ContactCentreStore.contactColumns), organisation_id, event_count",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', NULL, ?, ?, ?, ?, 2)"
        ),
        (
            "contact_events", "id, organisation_id, contact_id, seq, kind, at, actor, queue, reason",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        (
            "contact_messages",
            "id, organisation_id, contact_id, direction, author, subject, body, message_ref, delivery, at",
            "(?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)"
        ),
    ].map { ($0.0, $0.1, $0.2, $0.2.filter { $0 == "?" }.count) }
}

/// An ACD round's first read, outside any transaction: the ids (`id`) of the organisation's available agents with
/// room for some medium (`ContactCentreStore.roomText`).
struct AgentsWithRoom: FixedStatement {
    typealias Row = any SQLRow

    static let name = "guichet_agents_with_room"

    static let sql = ContactCentreStore.roomText(postgres: true, agents: true)

    let values: [FixedValue]

    init(organisation: UUID) {
        values = [.uuid(organisation)]
    }
}
