import Foundation
import GuichetStore
import Testing

@Suite("Random identifiers")
struct RandomUUIDTests {
    @Test("UUID.random() makes version 4 identifiers, all different, across buffer refills and threads")
    func versionFourAndUnique() async throws {
        let made = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2_500).map { _ in UUID.random() } } }
            var all: [UUID] = []
            for await part in group { all += part }
            return all
        }
        #expect(Set(made).count == 10_000)
        for id in made.prefix(500) {
            let text = id.uuidString
            #expect(Array(text)[14] == "4", "version nibble of \(text)")
            #expect("89AB".contains(Array(text)[19]), "variant of \(text)")
        }
    }

    @Test("UUID.rowID(at:) makes version 7 ids: the millisecond first, so later ids sort after, and all different")
    func versionSevenOrdered() async throws {
        let start = Date(timeIntervalSince1970: 1_796_000_000.123)
        let made = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2_500).map { _ in UUID.rowID(at: start) } } }
            var all: [UUID] = []
            for await part in group { all += part }
            return all
        }
        #expect(Set(made).count == 10_000)
        for id in made.prefix(500) {
            let text = id.uuidString
            #expect(Array(text)[14] == "7", "version nibble of \(text)")
            #expect("89AB".contains(Array(text)[19]), "variant of \(text)")
            // 1,796,000,000,123 ms is 0x01A2_29F1_287B.
            #expect(text.hasPrefix("01A229F1-287B-"), "timestamp of \(text)")
        }
        var previous = UUID.rowID(at: start)
        for step in 1...200 {
            let next = UUID.rowID(at: start.addingTimeInterval(Double(step) * 0.002))
            #expect(previous.uuidString < next.uuidString)
            #expect(
                withUnsafeBytes(of: previous.uuid, Array.init).lexicographicallyPrecedes(
                    withUnsafeBytes(of: next.uuid, Array.init)))
            previous = next
        }
        #expect(UUID.rowID(at: Date(timeIntervalSince1970: -5)).uuidString.hasPrefix("00000000-0000-7"))
    }
}
