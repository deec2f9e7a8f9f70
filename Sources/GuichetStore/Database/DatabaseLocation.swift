import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Where Guichet keeps its data: an embedded SQLite file (the default), memory (tests), or PostgreSQL.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqliteFile(String)
    case sqliteMemory
    case postgres(URL)

    /// The embedded default: `guichet.sqlite` in the working directory.
    public static let defaultLocation = DatabaseLocation.sqliteFile("guichet.sqlite")

    /// Parses `postgres://user:pass@host:port/db`, `postgresql://…`, `sqlite:PATH`, `sqlite::memory:`,
    /// or a bare path ending in `.sqlite`/`.db`.
    public init(parsing text: String) throws(DatabaseLocationError) {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            guard let url = URL(string: value), let host = url.host, !host.isEmpty,
                url.path.count > 1
            else {
                throw .invalid(value, "expected postgres://user:password@host:port/database")
            }
            self = .postgres(url)
        } else if value == "sqlite::memory:" || value == ":memory:" {
            self = .sqliteMemory
        } else if value.hasPrefix("sqlite:") {
            var path = String(value.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw .invalid(value, "sqlite: needs a file path, e.g. sqlite:guichet.sqlite") }
            self = .sqliteFile(path)
        } else if value.hasSuffix(".sqlite") || value.hasSuffix(".db") || value.hasSuffix(".sqlite3") {
            self = .sqliteFile(value)
        } else {
            throw .invalid(value, "expected a postgres:// URL, sqlite:PATH, or a path ending in .sqlite")
        }
    }

    public var kind: DatabaseKind {
        switch self {
        case .sqliteFile, .sqliteMemory: return .sqlite
        case .postgres: return .postgresql
        }
    }

    /// The location without its password, safe to log and print.
    public var description: String {
        switch self {
        case .sqliteFile(let path): return "sqlite:\(path)"
        case .sqliteMemory: return "sqlite::memory:"
        case .postgres(let url):
            var parts = URLComponents(url: url, resolvingAgainstBaseURL: false)
            if parts?.password != nil { parts?.password = "****" }
            return parts?.string ?? "postgres://…"
        }
    }

    /// Registers this database as the application's default.
    public func register(on app: Application, maxConnectionsPerEventLoop: Int = 4) throws {
        switch self {
        case .sqliteFile(let path):
            app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1), as: .sqlite)
            app.sqliteFile = path
        case .sqliteMemory:
            // sqlite-kit's `.memory` is a file in the temporary directory that nothing ever deletes (its
            // SQLite is built without shared cache, so connections cannot share a real in-memory database):
            // every test run left ~60 of them behind. Guichet names the file itself and removes it when the
            // application shuts down; connections still open keep working on the unlinked file.
            let file = ThrowawayDatabaseFile()
            app.databases.use(.sqlite(.file(file.path), maxConnectionsPerEventLoop: 1), as: .sqlite)
            app.lifecycle.use(file)
            app.sqliteFile = file.path
        case .postgres(let url):
            let configuration = try SQLPostgresConfiguration(url: url)
            app.databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: maxConnectionsPerEventLoop),
                as: .psql
            )
        }
    }

    /// Settings kept in the database file itself. An SQLite file is switched to write-ahead logging: readers
    /// no longer wait for the writer (live pages read while contacts are written), and a commit appends to
    /// the log instead of rewriting pages twice. `synchronous` stays FULL, SQLite's default: a commit is on
    /// disk before it is answered, power cut included.
    public func prepare(_ database: any Database) async throws {
        guard case .sqliteFile = self, let sql = database as? any SQLDatabase else { return }
        try await sql.raw("PRAGMA journal_mode = WAL").run()
    }
}

/// The file behind `sqlite::memory:`: private to this process, gone when the application stops.
struct ThrowawayDatabaseFile: LifecycleHandler {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("guichet-memory-\(UUID().uuidString).sqlite", isDirectory: false).path

    func shutdown(_ application: Application) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

public enum DatabaseKind: String, Codable, Sendable {
    case sqlite
    case postgresql
}

public enum DatabaseLocationError: Error, CustomStringConvertible, Equatable {
    case invalid(String, String)

    public var description: String {
        switch self {
        case .invalid(let value, let why): return "invalid database location '\(Self.redacted(value))': \(why)"
        }
    }

    /// `scheme://user:secret@host` → `scheme://user:****@host`, so errors never print a password.
    static func redacted(_ value: String) -> String {
        guard let schemeEnd = value.range(of: "://"),
            let at = value.range(of: "@", range: schemeEnd.upperBound..<value.endIndex),
            let colon = value.range(of: ":", range: schemeEnd.upperBound..<at.lowerBound)
        else { return value }
        return String(value[..<colon.upperBound]) + "****" + String(value[at.lowerBound...])
    }
}

extension Application {
    private struct SQLiteFileKey: StorageKey {
        typealias Value = String
    }

    /// The SQLite file behind the application's database (the throwaway one for `sqlite::memory:`); nil on
    /// PostgreSQL. Set by `DatabaseLocation.register`.
    public internal(set) var sqliteFile: String? {
        get { storage[SQLiteFileKey.self] }
        set { storage[SQLiteFileKey.self] = newValue }
    }
}
