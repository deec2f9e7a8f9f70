import Foundation
import GuichetStore
import Testing

@Suite("Random identifiers")
struct RandomUUIDTests {
    /// Ten thousand ids made on four tasks at once (across the random buffer's refills), the first 500 checked for
    /// their version nibble and RFC variant.
    static func tenThousand(version: Character, _ make: @escaping @Sendable () -> UUID) async -> [UUID] {
        let made = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2_500).map { _ in make() } } }
            var all: [UUID] = []
            for await part in group { all += part }
            return all
        }
        for id in made.prefix(500) {
            let text = id.uuidString
            #expect(Array(text)[14] == version, "version nibble of \(text)")
            #expect("89AB".contains(Array(text)[19]), "variant of \(text)")
        }
        return made
    }

    @Test("UUID.random() makes version 4 identifiers, all different, across buffer refills and threads")
    func versionFourAndUnique() async throws {
        let made = await Self.tenThousand(version: "4") { UUID.random() }
        #expect(Set(made).count == 10_000)
    }

    @Test("UUID.rowID(at:) makes version 7 ids: the millisecond first, so later ids sort after, and all different")
    func versionSevenOrdered() async throws {
        let start = Date(timeIntervalSince1970: 1_796_000_000.123)
        let made = await Self.tenThousand(version: "7") { UUID.rowID(at: start) }
        #expect(Set(made).count == 10_000)
        for id in made.prefix(500) {
            // 1,796,000,000,123 ms is 0x01A2_29F1_287B.
            #expect(id.uuidString.hasPrefix("01A229F1-287B-"), "timestamp of \(id.uuidString)")
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

    @Test("UUID.uppercaseText is exactly Foundation's uuidString (SQLite stores ids as that text)")
    func uppercaseTextIsUUIDString() async throws {
        var ids = await Self.tenThousand(version: "4") { UUID.random() }
        ids += [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))]
        ids += [UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        ids += (0..<100).map { _ in UUID.rowID() } + (0..<100).map { _ in UUID() }
        for id in ids where id.uppercaseText != id.uuidString {
            Issue.record("\(id.uppercaseText) is not \(id.uuidString)")
        }
    }

    @Test("UUID(text:) reads what UUID(uuidString:) reads, in either case, and refuses what it refuses")
    func textParsesAsUUIDString() async throws {
        let ids = await Self.tenThousand(version: "4") { UUID.random() }
        for id in ids {
            #expect(UUID(text: id.uppercaseText) == id)
            #expect(UUID(text: id.uuidString.lowercased()) == id)
        }
        let text = ids[0].uuidString
        var malformed: [String] = ["", "not a uuid", String(text.dropLast()), text + "0"]
        malformed.append(text.replacingOccurrences(of: "-", with: "+"))
        malformed.append(String(text.prefix(8)) + "X" + String(text.dropFirst(9)))
        malformed.append("{" + String(text.dropFirst().dropLast()) + "}")
        malformed.append(String(text.prefix(35)) + "é")
        for bad in malformed {
            #expect(UUID(text: bad) == nil, "\(bad)")
            #expect(UUID(uuidString: bad) == nil, "Foundation refuses \(bad) too")
        }
    }
}
