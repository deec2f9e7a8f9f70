import Fluent
import Foundation
import GuichetStore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Every second, offers waiting contacts whose situation changed with time alone: a contact that has
/// now waited past its queue's overflow delay, or one a failed request left queued. Runs on every
/// instance; the dispatch lock makes concurrent ticks harmless.
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

    /// One round over the organisations that have contacts waiting and an available agent with room: without
    /// room no round can offer anything, and a round takes the organisation's dispatch lock, which intake
    /// would wait for.
    static func tick(_ application: Application) async {
        guard let sql = application.db as? any SQLDatabase else { return }
        do {
            for organisation in try await ContactCentreStore.organisationsWithWaitingContacts(sql) {
                let service = ContactCentreService(
                    scope: TenantScope(organisationID: organisation, database: application.db),
                    application: application)
                guard try await service.store.anyAgentHasRoom() else { continue }
                try await service.dispatch()
            }
        } catch {
            application.logger.warning("dispatch tick: \(String(reflecting: error))")
        }
    }
}
