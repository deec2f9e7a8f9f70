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
}
