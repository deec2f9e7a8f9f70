import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

/// Runs Guichet's migrations, safely when several instances start at once.
public enum GuichetDatabase {
    /// Registers every migration on the application (idempotent per application).
    public static func registerMigrations(on app: Application) {
        app.migrations.add(GuichetMigrations.all)
    }

    /// Brings the schema up to date.
    ///
    /// On PostgreSQL a session-level advisory lock serialises instances that start together, so
    /// two `guichet serve` processes never race to create the same table.
    public static func migrate(_ app: Application) async throws {
        if let postgres = app.db as? any PostgresDatabase {
            try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    _ = try await connection.simpleQuery("SELECT pg_advisory_lock(\(migrationLockKey))").get()
                    do {
                        try await app.autoMigrate()
                    } catch {
                        _ = try? await connection.simpleQuery("SELECT pg_advisory_unlock(\(migrationLockKey))").get()
                        throw error
                    }
                    _ = try await connection.simpleQuery("SELECT pg_advisory_unlock(\(migrationLockKey))").get()
                }
            }.get()
        } else {
            try await app.autoMigrate()
        }
    }

    /// Answers whether the database responds, for `/health`.
    public static func ping(_ database: any Database) async -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        do {
            _ = try await sql.raw("SELECT 1").all()
            return true
        } catch {
            return false
        }
    }

    /// An arbitrary constant identifying Guichet's migration lock among advisory locks.
    static let migrationLockKey: Int64 = 0x4775_6963_6865_74
}
