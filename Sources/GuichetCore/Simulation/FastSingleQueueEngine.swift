import Foundation

/// The single-queue FIFO fast path (G/G/c+G with time-varying arrivals and staffing).
///
/// It never builds an event list. In FIFO order a caller's offered wait only depends on when agents become free
/// after everyone ahead has been served or has hung up, so calls are processed in arrival order against a binary
/// min-heap of the c agents' next free times (the Kiefer–Wolfowitz workload vector): the caller is answered at
/// max(arrival, earliest free time) unless their patience runs out first, in which case they leave without
/// touching any agent. O(log c) per call, no allocation in the loop.
///
/// Staffing changes are applied once every caller who starts before the change has been placed (start times are
/// non-decreasing in FIFO): extra agents join free at the boundary; when the count drops, the agents who become
/// free first leave (an idle agent leaves at once, a busy one after the call).
struct FastSingleQueueEngine {
    let lengths: [Double]
    let starts: [Double]
    let ends: [Double]
    let rates: [Double]
    let agents: [Int]
    let handling: Sampler
    let patience: Sampler?
    let threshold: Double
    let ringLimit: Double
    let takeInChargeLimit: Double
    let warmUp: Double

    init(scenario: SimulationScenario, ringLimit: Double, takeInChargeLimit: Double) {
        lengths = scenario.intervalLengths
        var acc = 0.0
        var s: [Double] = []
        var e: [Double] = []
        for length in lengths {
            s.append(acc)
            acc += length
            e.append(acc)
        }
        starts = s
        ends = e
        rates = scenario.queues[0].arrivalRates
        agents = scenario.agentGroups[0].agents
        handling = scenario.queues[0].handlingTime.sampler
        patience = scenario.queues[0].patience?.sampler
        threshold = scenario.serviceLevelThreshold
        self.ringLimit = ringLimit
        self.takeInChargeLimit = takeInChargeLimit
        warmUp = scenario.warmUp
    }

    func run(_ rng: inout SeededGenerator) -> ReplicationCounts {
        let n = lengths.count
        var tallies = [Double](repeating: 0, count: n * Tally.count)
        var busy = [Double](repeating: 0, count: n)
        let capacity = max(1, agents.max() ?? 1)
        let heap = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
        defer { heap.deallocate() }
        var size = agents[0]
        for k in 0..<size { heap[k] = 0 }
        var nextStaffing = 1
        var calls = 0
        let hasPatience = patience != nil
        let patienceSampler = patience ?? handling

        tallies.withUnsafeMutableBufferPointer { tally in
            busy.withUnsafeMutableBufferPointer { busy in
                for interval in 0..<n {
                    let rate = rates[interval]
                    guard rate > 0 else { continue }
                    let meanGap = 1 / rate
                    let end = ends[interval]
                    var t = starts[interval]
                    let base = interval * Tally.count
                    while true {
                        // Poisson arrivals: restarting the clock at each interval is exact (memoryless).
                        t += meanGap * Ziggurat.exponential(&rng)
                        if t >= end { break }
                        calls += 1
                        var top = size > 0 ? heap[0] : .infinity
                        while nextStaffing < n, starts[nextStaffing] <= max(t, top) {
                            let change = agents[nextStaffing] - agents[nextStaffing - 1]
                            let at = starts[nextStaffing]
                            if change > 0 {
                                for _ in 0..<change {
                                    heap[size] = at
                                    Self.siftUp(heap, size)
                                    size += 1
                                }
                            } else if change < 0 {
                                for _ in 0..<(-change) {
                                    size -= 1
                                    heap[0] = heap[size]
                                    Self.siftDown(heap, size, heap[0])
                                }
                            }
                            nextStaffing += 1
                            top = size > 0 ? heap[0] : .infinity
                        }
                        let offeredWait = max(t, top) - t
                        let limit = hasPatience ? patienceSampler.draw(&rng) : .infinity
                        let counted = t >= warmUp
                        if offeredWait > limit || offeredWait == .infinity {
                            // Hung up (or nobody will ever answer): no agent is touched.
                            if counted {
                                tally[base + Tally.offered] += 1
                                if offeredWait > limit {
                                    tally[base + Tally.abandoned] += 1
                                    tally[base + Tally.waitSum] += limit
                                    if limit > threshold { tally[base + Tally.waitExceeds] += 1 }
                                } else {
                                    tally[base + Tally.unanswered] += 1
                                }
                                if offeredWait > ringLimit { tally[base + Tally.offeredWaitExceedsRing] += 1 }
                                if offeredWait > takeInChargeLimit {
                                    tally[base + Tally.offeredWaitExceedsTakeInCharge] += 1
                                }
                            }
                            continue
                        }
                        let start = t + offeredWait
                        let duration = handling.draw(&rng)
                        let done = start + duration
                        heap[0] = done
                        Self.siftDown(heap, size, done)
                        if counted {
                            tally[base + Tally.offered] += 1
                            tally[base + Tally.answered] += 1
                            tally[base + Tally.waitSum] += offeredWait
                            tally[base + Tally.answeredWaitSum] += offeredWait
                            if offeredWait <= threshold {
                                tally[base + Tally.answeredWithin] += 1
                            } else {
                                tally[base + Tally.waitExceeds] += 1
                            }
                            if offeredWait > ringLimit {
                                tally[base + Tally.offeredWaitExceedsRing] += 1
                                tally[base + Tally.answeredAfterRing] += 1
                            }
                            if offeredWait > takeInChargeLimit {
                                tally[base + Tally.offeredWaitExceedsTakeInCharge] += 1
                            }
                        }
                        Self.addBusy(busy, ends: ends, interval: interval, from: max(start, warmUp), to: done)
                    }
                }
            }
        }
        return ReplicationCounts(tallies: tallies, busy: busy, calls: calls)
    }

    /// Adds the busy time [from, to) to the intervals it overlaps (usually one).
    @inline(__always)
    static func addBusy(
        _ busy: UnsafeMutableBufferPointer<Double>, ends: [Double], interval: Int, from: Double, to: Double
    ) {
        var k = interval
        var from = from
        while k < busy.count, from < to {
            if from >= ends[k] { k += 1; continue }
            let upTo = min(to, ends[k])
            busy[k] += upTo - from
            from = upTo
            k += 1
        }
    }

    @inline(__always)
    static func siftDown(_ heap: UnsafeMutablePointer<Double>, _ size: Int, _ value: Double) {
        var i = 0
        while true {
            let left = 2 * i + 1
            if left >= size { break }
            var child = left
            let right = left + 1
            if right < size, heap[right] < heap[left] { child = right }
            if heap[child] >= value { break }
            heap[i] = heap[child]
            i = child
        }
        heap[i] = value
    }

    @inline(__always)
    static func siftUp(_ heap: UnsafeMutablePointer<Double>, _ index: Int) {
        var i = index
        let value = heap[i]
        while i > 0 {
            let parent = (i - 1) / 2
            if heap[parent] <= value { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = value
    }
}
