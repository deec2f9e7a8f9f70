import Foundation

/// The general engine: several queues, agent groups with skills and priorities, time-varying arrivals and
/// staffing, any handling and patience distributions. A classic event list (a binary heap of times with
/// packed event codes in preallocated arrays).
///
/// Routing: an arriving call goes to an idle agent of the group that ranks its queue highest (ties: the group
/// listed first). A freed agent takes the oldest call of the first non-empty queue in its skill list.
/// A caller who hangs up stays in the FIFO as a "ghost" until an agent reaches it; the time it would have been
/// taken is its offered wait V, which is what a mystery shopper who never hangs up would have waited.
struct MultiQueueEngine {
    let scenario: SimulationScenario
    let starts: [Double]
    let ends: [Double]
    let handling: [Sampler]
    let patience: [Sampler?]
    /// For each queue, the groups that answer it, best rank first.
    let routes: [[Int]]
    /// For each group, the queue indices it answers in priority order.
    let skills: [[Int]]
    let ringLimit: Double
    let takeInChargeLimit: Double

    init(scenario: SimulationScenario, ringLimit: Double, takeInChargeLimit: Double) {
        self.scenario = scenario
        var acc = 0.0
        var s: [Double] = []
        var e: [Double] = []
        for length in scenario.intervalLengths {
            s.append(acc)
            acc += length
            e.append(acc)
        }
        starts = s
        ends = e
        handling = scenario.queues.map(\.handlingTime.sampler)
        patience = scenario.queues.map { $0.patience?.sampler }
        let index = Dictionary(uniqueKeysWithValues: scenario.queues.enumerated().map { ($1.name, $0) })
        skills = scenario.agentGroups.map { $0.skills.compactMap { index[$0] } }
        routes = scenario.queues.indices.map { q in
            scenario.agentGroups.indices
                .compactMap { g -> (Int, Int)? in
                    guard let rank = scenario.agentGroups[g].skills.firstIndex(of: scenario.queues[q].name) else {
                        return nil
                    }
                    return (rank, g)
                }
                .sorted { $0 < $1 }
                .map(\.1)
        }
        self.ringLimit = ringLimit
        self.takeInChargeLimit = takeInChargeLimit
    }

    private enum Kind: Int {
        case arrival = 0, completion = 1, abandonment = 2, staffing = 3
    }

    /// Mutable state of one replication.
    private struct State {
        var times: [Double] = []
        var codes: [Int] = []
        // Calls.
        var arrival: [Double] = []
        var queueOf: [Int32] = []
        var intervalOf: [Int32] = []
        var waiting: [Bool] = []
        var patienceOf: [Double] = []
        // FIFO per queue: call ids and the index of the head.
        var fifo: [[Int32]]
        var head: [Int]
        // Agents per group.
        var idle: [Int]
        var busy: [Int]
        var leaving: [Int]
        var tallies: [Double]
        var busyTime: [Double]

        mutating func push(_ time: Double, _ code: Int) {
            times.append(time)
            codes.append(code)
            var i = times.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if times[parent] <= time { break }
                times[i] = times[parent]
                codes[i] = codes[parent]
                i = parent
            }
            times[i] = time
            codes[i] = code
        }

        mutating func pop() -> (Double, Int)? {
            guard let firstTime = times.first else { return nil }
            let firstCode = codes[0]
            let lastTime = times.removeLast()
            let lastCode = codes.removeLast()
            let size = times.count
            if size > 0 {
                var i = 0
                while true {
                    let left = 2 * i + 1
                    if left >= size { break }
                    var child = left
                    if left + 1 < size, times[left + 1] < times[left] { child = left + 1 }
                    if times[child] >= lastTime { break }
                    times[i] = times[child]
                    codes[i] = codes[child]
                    i = child
                }
                times[i] = lastTime
                codes[i] = lastCode
            }
            return (firstTime, firstCode)
        }
    }

    func run(_ rng: inout SeededGenerator) -> ReplicationCounts {
        let n = scenario.intervalLengths.count
        let queueCount = scenario.queues.count
        let groups = scenario.agentGroups
        let threshold = scenario.serviceLevelThreshold
        let warmUp = scenario.warmUp
        var state = State(
            fifo: Array(repeating: [], count: queueCount), head: Array(repeating: 0, count: queueCount),
            idle: groups.map { $0.agents[0] }, busy: Array(repeating: 0, count: groups.count),
            leaving: Array(repeating: 0, count: groups.count),
            tallies: Array(repeating: 0, count: queueCount * n * Tally.count),
            busyTime: Array(repeating: 0, count: n))
        let expected = scenario.queues.reduce(0.0) { sum, q in
            sum + zip(q.arrivalRates, scenario.intervalLengths).reduce(0.0) { $0 + $1.0 * $1.1 }
        }
        let reserve = Int(expected * 1.1) + 16
        state.arrival.reserveCapacity(reserve)
        state.queueOf.reserveCapacity(reserve)
        state.intervalOf.reserveCapacity(reserve)
        state.waiting.reserveCapacity(reserve)
        state.patienceOf.reserveCapacity(reserve)
        state.times.reserveCapacity(1024)
        state.codes.reserveCapacity(1024)
        for q in 0..<queueCount { state.fifo[q].reserveCapacity(256) }

        func code(_ kind: Kind, _ id: Int) -> Int { id << 2 | kind.rawValue }

        /// The first arrival of queue q at or after time t in interval k (skipping intervals without calls).
        func scheduleArrival(_ q: Int, from t: Double, interval k: Int) {
            var k = k
            var t = t
            while k < n {
                let rate = scenario.queues[q].arrivalRates[k]
                if rate > 0 {
                    let next = t + Ziggurat.exponential(&rng) / rate
                    if next < ends[k] {
                        state.push(next, code(.arrival, q))
                        return
                    }
                }
                k += 1
                if k < n { t = starts[k] }
            }
        }

        func tallyIndex(_ call: Int) -> Int {
            (Int(state.queueOf[call]) * n + Int(state.intervalOf[call])) * Tally.count
        }

        func recordOfferedWait(_ call: Int, _ v: Double) {
            guard state.arrival[call] >= warmUp else { return }
            let base = tallyIndex(call)
            if v > ringLimit { state.tallies[base + Tally.offeredWaitExceedsRing] += 1 }
            if v > takeInChargeLimit { state.tallies[base + Tally.offeredWaitExceedsTakeInCharge] += 1 }
        }

        func serve(_ call: Int, group g: Int, at now: Double) {
            state.busy[g] += 1
            state.waiting[call] = false
            let q = Int(state.queueOf[call])
            let duration = handling[q].draw(&rng)
            state.push(now + duration, code(.completion, g))
            let wait = now - state.arrival[call]
            recordOfferedWait(call, wait)
            guard state.arrival[call] >= warmUp else { return }
            let base = tallyIndex(call)
            state.tallies[base + Tally.answered] += 1
            state.tallies[base + Tally.waitSum] += wait
            state.tallies[base + Tally.answeredWaitSum] += wait
            if wait <= threshold {
                state.tallies[base + Tally.answeredWithin] += 1
            } else {
                state.tallies[base + Tally.waitExceeds] += 1
            }
            if wait > ringLimit { state.tallies[base + Tally.answeredAfterRing] += 1 }
            let interval = Int(state.intervalOf[call])
            state.busyTime.withUnsafeMutableBufferPointer { busy in
                FastSingleQueueEngine.addBusy(busy, ends: ends, interval: interval, from: max(now, warmUp),
                                              to: now + duration)
            }
        }

        /// An agent of group g is free at `now`: take the oldest real caller of its best non-empty queue.
        func dispatch(group g: Int, at now: Double) -> Bool {
            for q in skills[g] {
                while state.head[q] < state.fifo[q].count {
                    let call = Int(state.fifo[q][state.head[q]])
                    state.head[q] += 1
                    if state.waiting[call] {
                        serve(call, group: g, at: now)
                        return true
                    }
                    // A ghost: this is when the caller would have been taken.
                    recordOfferedWait(call, now - state.arrival[call])
                }
                // Drop the consumed prefix now and then, so the FIFO does not grow all day.
                if state.head[q] > 4096, state.head[q] * 2 > state.fifo[q].count {
                    state.fifo[q].removeFirst(state.head[q])
                    state.head[q] = 0
                }
            }
            return false
        }

        for q in 0..<queueCount { scheduleArrival(q, from: 0, interval: 0) }
        for k in 1..<max(1, n) { state.push(starts[k], code(.staffing, k)) }
        var currentInterval = 0
        var calls = 0

        while let (now, packed) = state.pop() {
            let id = packed >> 2
            switch Kind(rawValue: packed & 3)! {
            case .arrival:
                let q = id
                while currentInterval + 1 < n, now >= starts[currentInterval + 1] { currentInterval += 1 }
                let call = state.arrival.count
                calls += 1
                state.arrival.append(now)
                state.queueOf.append(Int32(q))
                state.intervalOf.append(Int32(currentInterval))
                state.waiting.append(true)
                let tau = patience[q]?.draw(&rng) ?? .infinity
                state.patienceOf.append(tau)
                if now >= warmUp { state.tallies[tallyIndex(call) + Tally.offered] += 1 }
                scheduleArrival(q, from: now, interval: currentInterval)
                if let g = routes[q].first(where: { state.idle[$0] > 0 }) {
                    state.idle[g] -= 1
                    serve(call, group: g, at: now)
                } else {
                    state.fifo[q].append(Int32(call))
                    if tau.isFinite { state.push(now + tau, code(.abandonment, call)) }
                }
            case .completion:
                let g = id
                state.busy[g] -= 1
                if state.leaving[g] > 0 {
                    state.leaving[g] -= 1
                } else if !dispatch(group: g, at: now) {
                    state.idle[g] += 1
                }
            case .abandonment:
                let call = id
                guard state.waiting[call] else { break }
                state.waiting[call] = false
                if state.arrival[call] >= warmUp {
                    let base = tallyIndex(call)
                    let tau = state.patienceOf[call]
                    state.tallies[base + Tally.abandoned] += 1
                    state.tallies[base + Tally.waitSum] += tau
                    if tau > threshold { state.tallies[base + Tally.waitExceeds] += 1 }
                }
            case .staffing:
                let k = id
                for g in groups.indices {
                    let present = state.idle[g] + state.busy[g] - state.leaving[g]
                    var change = groups[g].agents[k] - present
                    if change > 0 {
                        let stay = min(state.leaving[g], change)
                        state.leaving[g] -= stay
                        change -= stay
                        for _ in 0..<change where !dispatch(group: g, at: now) { state.idle[g] += 1 }
                    } else if change < 0 {
                        let goHome = min(state.idle[g], -change)
                        state.idle[g] -= goHome
                        state.leaving[g] += -change - goHome
                    }
                }
            }
        }
        // Whoever is still queued was never reached by an agent: infinitely patient callers go unanswered, and
        // every one of them had an offered wait beyond any limit.
        for q in 0..<queueCount {
            for position in state.head[q]..<state.fifo[q].count {
                let call = Int(state.fifo[q][position])
                recordOfferedWait(call, .infinity)
                if state.waiting[call], state.arrival[call] >= warmUp {
                    state.tallies[tallyIndex(call) + Tally.unanswered] += 1
                }
            }
        }
        return ReplicationCounts(tallies: state.tallies, busy: state.busyTime, calls: calls)
    }
}
