import Foundation
import GuichetCore
import Testing

@Suite("JSON written by hand")
struct JSONTextTests {
    private struct Sample: Codable, Equatable {
        var text: String
        var optional: String?
        var number: Int
        var ratio: Double
        var id: UUID
        var at: Date
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    private static func written(_ sample: Sample) -> [UInt8] {
        var json = JSONText()
        json.object {
            $0.field("text", sample.text)
            $0.field("optional", sample.optional)
            $0.field("number", sample.number)
            $0.field("ratio", sample.ratio)
            $0.field("id", sample.id)
            $0.field("at", sample.at)
        }
        return json.bytes
    }

    @Test("Dates are written as JSONEncoder writes them with ISO 8601: UTC, to the second")
    func datesAsFoundationWritesThem() throws {
        var random = SeededGenerator(seed: 7)
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: 0.999),
            Date(timeIntervalSince1970: 951_782_400), Date(timeIntervalSince1970: 1_798_761_599.5),
            Date(timeIntervalSince1970: -2_208_988_800), Date(timeIntervalSince1970: 4_102_444_800),
        ]
        dates += (0..<2_000).map { _ in Date(timeIntervalSince1970: Double.random(in: -3e9...5e9, using: &random)) }
        for date in dates {
            #expect(JSONText.canWrite(date))
            var json = JSONText()
            json.object { $0.field("at", date) }
            let expected = try Self.encoder().encode(["at": date])
            #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
        #expect(!JSONText.canWrite(Date(timeIntervalSince1970: 253_402_300_800)))
        #expect(!JSONText.canWrite(Date(timeIntervalSince1970: -62_135_596_801)))
    }

    @Test("Strings with quotes, backslashes, control characters and accents decode back to themselves")
    func stringsEscaped() throws {
        let texts = [
            "", "plain", "guillemets « » et \"doubles\"", "anti\\slash", "ligne\nsuivante\r\tet\u{0}nul\u{1F}",
            "Résiliation d’abonnement — 10 €", "emoji 📦✅", "/chemin/", "\u{7F}\u{2028}",
        ]
        for (index, text) in texts.enumerated() {
            let sample = Sample(
                text: text, optional: index.isMultiple(of: 2) ? nil : text, number: index - 4,
                ratio: Double(index) / 3, id: UUID(), at: Date(timeIntervalSince1970: 1_765_000_000 + Double(index)))
            let decoded = try Self.decoder().decode(Sample.self, from: Data(Self.written(sample)))
            #expect(decoded == sample)
            let viaFoundation = try JSONSerialization.jsonObject(with: Data(Self.written(sample))) as? NSDictionary
            let viaEncoder = try JSONSerialization.jsonObject(with: Self.encoder().encode(sample)) as? NSDictionary
            #expect(viaFoundation == viaEncoder, "same fields and values as JSONEncoder for \(text.debugDescription)")
        }
    }

    @Test("Numbers keep their value, arrays and nested objects their shape")
    func numbersAndArrays() throws {
        var json = JSONText()
        json.object {
            $0.field("small", 0.000_012_5)
            $0.field("whole", 42.0)
            $0.field("large", 1.5e300)
            $0.field("negative", -7)
            $0.key("list")
            $0.array([1, 2]) { json, value in json.object { $0.field("n", value) } }
            $0.key("none")
            $0.array([Int]()) { _, _ in }
        }
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        #expect(object["small"] as? Double == 0.000_012_5)
        #expect(object["whole"] as? Double == 42)
        #expect(object["large"] as? Double == 1.5e300)
        #expect(object["negative"] as? Int == -7)
        #expect((object["list"] as? [[String: Int]])?.map { $0["n"] } == [1, 2])
        #expect((object["none"] as? [Any])?.isEmpty == true)
    }
}
