import Fluent
import Foundation
import GuichetStore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Every second, offers waiting contacts whose situation changed with time alone: a contact that has
/// now waited past its queue's overflow delay, or one a failed request left queued. Runs on every
/// instance; the dispatch row lock makes concurrent ticks harmless.
struct DispatchTicker: LifecycleHandler {
    var interval: TimeInterval = 1

    final class Handle: Sendable {
        let task: NIOLockedValueBox<Task<Void, Never>?> = .init(nil)
    }

    let handle = Handle()

    func didBootAsync(_ application: Application) async throws {
        // Listen from the start: account changes on other instances must reach this one's caches even
        // before any live page subscribes.
        application.guichet.changeFeed.start(eventLoop: application.eventLoopGroup.any())
        let interval = interval
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                if Task.isCancelled { break }  // shutting down: the databases may already be gone
                await Self.tick(application)
            }
        }
        handle.task.withLockedValue { $0 = task }
    }

    /// Stops the ticker and waits for a tick in progress, before the databases shut down.
    func shutdownAsync(_ application: Application) async {
        let task = handle.task.withLockedValue { $0 }
        task?.cancel()
        await task?.value
        application.guichet.changeFeed.stop()
    }

    /// One round over the organisations that have contacts waiting.
    static func tick(_ application: Application) async {
        guard let sql = application.db as? any SQLDatabase else { return }
        do {
            let rows = try await sql.raw("SELECT DISTINCT organisation_id FROM contacts WHERE state = 'queued'").all()
            for row in rows {
                let organisation = try row.decode(column: "organisation_id", as: UUID.self)
                let service = ContactCentreService(
                    scope: TenantScope(organisationID: organisation, database: application.db),
                    application: application)
                try await service.dispatch()
            }
        } catch {
            application.logger.warning("dispatch tick: \(String(reflecting: error))")
        }
    }
}
