import Foundation

/// Lets work run only while no other work holds any of its keys; work with disjoint keys runs at once.
///
/// Inbound mail uses it so that two messages of one conversation (sharing a Message-ID, cited or own, or
/// the sender) are threaded one after the other, as if they had arrived in sequence, while unrelated mail
/// is taken in parallel (and written in the same transactions). Keys are taken all together, so two holders
/// can never wait for each other.
actor KeyedLocks {
    private var held: Set<String> = []
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(holding keys: Set<String>, _ work: @Sendable () async throws -> T) async throws -> T {
        while !held.isDisjoint(with: keys) {
            await withCheckedContinuation { waiting.append($0) }
        }
        held.formUnion(keys)
        defer {
            held.subtract(keys)
            // Everyone waiting looks again; those whose keys are now free go on.
            let woken = waiting
            waiting = []
            for continuation in woken { continuation.resume() }
        }
        return try await work()
    }
}
