import Foundation
import Testing

@testable import GuichetCore

@Suite("Scorecard")
struct AwardScorecardTests {
    @Test("bundled cards follow the protocol's sizes: phone 32 points in 10–15 criteria")
    func bundledSizes() throws {
        let set = try ScorecardSet.bundled()
        #expect(Set(set.cards.keys) == Set(Channel.allCases))
        let phone = try #require(set[.phone])
        #expect((10...15).contains(phone.criteria.count))
        #expect(phone.totalPoints == 32)
        #expect(Set(phone.criteria.map(\.family)) == [.availability, .relational, .answer])
        #expect(set[.email]!.criteria.count == 14)
        #expect(set[.email]!.criterion("writing_quality") != nil)
        #expect(set[.web]!.criteria.count == 13)
        for id in ["readability", "search_engine", "site_identification", "functionality"] {
            #expect(set[.web]!.criterion(id) != nil, "web card lacks \(id)")
        }
        #expect(set[.social]!.criteria.count == 16)
        #expect(set[.chat]!.criteria.count > 0)
    }

    private func load(_ json: String, name: String = "bad.json") throws -> ScorecardSet {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try json.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return try ScorecardSet.load(directory: dir)
    }

    private func problems(_ json: String) -> [String] {
        do {
            _ = try load(json)
            return []
        } catch let error as ScorecardLoadError {
            return error.problems.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    private func card(_ criteria: String, total: Int = 2) -> String {
        """
        {"format": "guichet.scorecard/1", "id": "t", "version": "1", "channel": "phone", "totalPoints": \(total),
         "criteria": [\(criteria)]}
        """
    }

    @Test("loader errors name the file and the criterion")
    func loaderErrors() {
        let badScale = card(
            #"{"id": "hold", "label": {"fr": "a", "en": "b"}, "family": "availability", "scale": {"max": 2}, "maxPoints": 3}"#
        )
        #expect(problems(badScale) == ["bad.json: criterion 'hold': \"maxPoints\" is 3 but the scale tops out at 2"])
        let badFamily = card(
            #"{"id": "x", "label": {"fr": "a", "en": "b"}, "family": "vibes", "scale": {"max": 2}, "maxPoints": 2}"#)
        #expect(problems(badFamily).first?.hasPrefix("bad.json: criterion 'x': \"family\" must be one of") == true)
        let badTotal = card(
            #"{"id": "x", "label": {"fr": "a", "en": "b"}, "family": "answer", "scale": {"points": [0, 2, 4]}, "maxPoints": 4}"#,
            total: 32)
        #expect(problems(badTotal) == ["bad.json: \"totalPoints\" is 32 but the criteria add up to 4"])
        let noLabel = card(#"{"id": "x", "family": "answer", "scale": {"max": 2}, "maxPoints": 2}"#)
        #expect(problems(noLabel) == ["bad.json: criterion 'x': \"label\" needs both \"fr\" and \"en\""])
        #expect(problems("{nope").first?.hasPrefix("bad.json: not valid JSON") == true)
        let badCritical = card(
            #"{"id": "x", "label": {"fr": "a", "en": "b"}, "family": "answer", "scale": {"max": 2}, "maxPoints": 2, "critical": {"zeroWhenAtMost": 2}}"#
        )
        #expect(problems(badCritical).first?.contains("criterion 'x': \"critical.zeroWhenAtMost\" 2") == true)
    }

    @Test("a valid file loads, critical thresholds and steps included")
    func validFile() throws {
        let json = card(
            #"{"id": "x", "label": {"fr": "a", "en": "b"}, "family": "answer", "scale": {"max": 2, "step": 0.5}, "maxPoints": 2, "notApplicableAllowed": true, "critical": {"zeroWhenAtMost": 0.5}}"#
        )
        let set = try load(json)
        let criterion = try #require(set[.phone]?.criterion("x"))
        #expect(criterion.scale.points == [0, 0.5, 1, 1.5, 2])
        #expect(criterion.critical == CriticalRule(zeroWhenAtMost: 0.5))
        #expect(criterion.notApplicableAllowed)
    }

    @Test("freezing pins versions; an edited card is detected")
    func frozen() throws {
        let set = try ScorecardSet.bundled()
        let frozen = set.freeze(editionID: "escda-2018")
        #expect(frozen.pins.count == 5)
        #expect(frozen.differences(from: set).isEmpty)
        #expect(frozen == set.freeze(editionID: "escda-2018"))
        var edited = set
        edited.cards[.phone]!.criteria[0].label.fr = "Décroché"
        #expect(
            frozen.differences(from: edited) == ["phone: escda-phone@2018.1 was edited after the edition was frozen"])
        #expect(frozen.contentHash.count == 64)
    }

    @Test("SHA-256 matches the standard test vectors")
    func sha256() {
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
