import Foundation
import NIOConcurrencyHelpers

/// API tokens recently checked, with the caller they stand for, kept `lifetime` seconds.
///
/// Without it every API request reads the token, the user and their roles (four statements) before doing
/// its work. A revoked token or a removed role is forgotten at once on the instance where it was changed
/// and, through the change feed (`NOTIFY` on PostgreSQL), on every other one; a change made behind
/// Guichet's back (SQL by hand, the CLI on SQLite) shows within `lifetime` seconds.
final class PrincipalCache: Sendable {
    private struct Entry {
        var principal: Principal
        var checkedAt: Date
    }

    private let entries = NIOLockedValueBox([String: Entry]())
    let lifetime: TimeInterval
    /// Beyond this many distinct tokens the cache starts again empty (bounded memory whatever the callers).
    let capacity: Int

    init(lifetime: TimeInterval = 5, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The caller a token digest stood for, if checked less than `lifetime` seconds ago.
    func principal(forDigest digest: String, now: Date) -> Principal? {
        entries.withLockedValue { entries in
            guard let entry = entries[digest], now >= entry.checkedAt, now.timeIntervalSince(entry.checkedAt) < lifetime
            else { return nil }
            return entry.principal
        }
    }

    func remember(_ principal: Principal, forDigest digest: String, now: Date) {
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[digest] = Entry(principal: principal, checkedAt: now)
        }
    }

    func flush() {
        entries.withLockedValue { $0.removeAll() }
    }
}
