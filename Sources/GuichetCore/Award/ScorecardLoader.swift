import Foundation

/// Reads the scorecard file format `guichet.scorecard/1` (documented in docs/AWARD.md).
///
/// The file is first decoded loosely (every field optional) so that validation can name the
/// file and the criterion of each problem instead of surfacing a bare `DecodingError`.
public enum ScorecardLoader {
    public static let format = "guichet.scorecard/1"

    /// Parses and validates one file's bytes; `file` only names the file in error messages.
    public static func parse(_ data: Data, file: String) throws -> Scorecard {
        let raw: RawScorecard
        do {
            raw = try JSONDecoder().decode(RawScorecard.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ScorecardLoadError(problems: [
                .init(file: file, message: "not valid JSON: \(context.debugDescription)")
            ])
        } catch {
            throw ScorecardLoadError(problems: [.init(file: file, message: "unexpected structure: \(describe(error))")])
        }
        var problems: [ScorecardProblem] = []
        func fail(_ criterion: String?, _ message: String) {
            problems.append(.init(file: file, criterion: criterion, message: message))
        }
        if raw.format != format { fail(nil, "\"format\" must be \"\(format)\", found \(quoted(raw.format))") }
        if (raw.id ?? "").isEmpty { fail(nil, "\"id\" is missing") }
        if (raw.version ?? "").isEmpty { fail(nil, "\"version\" is missing") }
        let channel = raw.channel.flatMap(Channel.init(rawValue:))
        if channel == nil {
            let allowed = Channel.allCases.map(\.rawValue).joined(separator: ", ")
            fail(nil, "\"channel\" must be one of \(allowed), found \(quoted(raw.channel))")
        }
        let title = LocalizedLabel(fr: raw.title?.fr ?? raw.id ?? "", en: raw.title?.en ?? raw.id ?? "")
        let rawCriteria = raw.criteria ?? []
        if rawCriteria.isEmpty { fail(nil, "\"criteria\" is missing or empty") }

        var criteria: [Criterion] = []
        var seen: Set<String> = []
        for (index, rc) in rawCriteria.enumerated() {
            let name = rc.id ?? "#\(index + 1)"
            let problemsBefore = problems.count
            guard let id = rc.id, !id.isEmpty else {
                fail(name, "\"id\" is missing")
                continue
            }
            if id.unicodeScalars.contains(where: {
                !($0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_"))
            }) {
                fail(id, "id may only hold letters, digits and \"_\" (it is a CSV column name)")
            }
            if !seen.insert(id).inserted { fail(id, "duplicate criterion id") }
            if (rc.label?.fr ?? "").isEmpty || (rc.label?.en ?? "").isEmpty {
                fail(id, "\"label\" needs both \"fr\" and \"en\"")
            }
            let family = rc.family.flatMap(CriterionFamily.init(rawValue:))
            if family == nil {
                let allowed = CriterionFamily.allCases.map(\.rawValue).joined(separator: ", ")
                fail(id, "\"family\" must be one of \(allowed), found \(quoted(rc.family))")
            }
            let scale = validateScale(rc.scale) { fail(id, $0) }
            if let scale, let declared = rc.maxPoints, abs(declared - scale.max) > 1e-9 {
                fail(id, "\"maxPoints\" is \(fmt(declared)) but the scale tops out at \(fmt(scale.max))")
            }
            if rc.maxPoints == nil { fail(id, "\"maxPoints\" is missing") }
            var critical: CriticalRule?
            switch rc.critical {
            case nil, .flag(false): critical = nil
            case .flag(true): critical = CriticalRule(zeroWhenAtMost: 0)
            case .rule(let threshold):
                critical = CriticalRule(zeroWhenAtMost: threshold)
                if let scale, threshold >= scale.max || threshold < 0 {
                    fail(id, "\"critical.zeroWhenAtMost\" \(fmt(threshold)) must lie in [0, \(fmt(scale.max))[")
                }
            }
            guard problems.count == problemsBefore, let family, let scale else { continue }
            criteria.append(
                Criterion(
                    id: id, label: LocalizedLabel(fr: rc.label!.fr!, en: rc.label!.en!), family: family, scale: scale,
                    notApplicableAllowed: rc.notApplicableAllowed ?? false, critical: critical))
        }
        if let declared = raw.totalPoints, problems.isEmpty {
            let sum = criteria.reduce(0) { $0 + $1.maxPoints }
            if abs(sum - declared) > 1e-9 {
                fail(nil, "\"totalPoints\" is \(fmt(declared)) but the criteria add up to \(fmt(sum))")
            }
        }
        guard problems.isEmpty, let channel else { throw ScorecardLoadError(problems: problems) }
        return Scorecard(id: raw.id!, version: raw.version!, channel: channel, title: title, criteria: criteria)
    }

    private static func validateScale(_ raw: RawScale?, fail: (String) -> Void) -> Scale? {
        guard let raw else {
            fail("\"scale\" is missing (e.g. {\"max\": 2} or {\"points\": [0, 2, 4]})")
            return nil
        }
        if let points = raw.points {
            guard !points.isEmpty, points.allSatisfy({ $0 >= 0 }),
                zip(points, points.dropFirst()).allSatisfy({ $0 < $1 }),
                points.last! > 0
            else {
                fail("\"scale.points\" must be increasing, non-negative and end above 0")
                return nil
            }
            return Scale(points: points)
        }
        guard let max = raw.max, max > 0 else {
            fail("\"scale\" needs \"points\" or a positive \"max\"")
            return nil
        }
        let step = raw.step ?? 1
        let steps = max / step
        guard step > 0, abs(steps - steps.rounded()) < 1e-9 else {
            fail("\"scale.step\" \(fmt(step)) must divide \"scale.max\" \(fmt(max))")
            return nil
        }
        return Scale.upTo(max, step: step)
    }

    private static func quoted(_ text: String?) -> String { text.map { "\"\($0)\"" } ?? "nothing" }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private struct RawScorecard: Decodable {
        var format: String?
        var id: String?
        var version: String?
        var channel: String?
        var title: RawLabel?
        var totalPoints: Double?
        var criteria: [RawCriterion]?
    }

    private struct RawLabel: Decodable {
        var fr: String?
        var en: String?
    }

    private struct RawScale: Decodable {
        var max: Double?
        var step: Double?
        var points: [Double]?
    }

    private enum RawCritical: Decodable {
        case flag(Bool)
        case rule(Double)

        private struct Rule: Decodable { var zeroWhenAtMost: Double }

        init(from decoder: Decoder) throws {
            if let flag = try? decoder.singleValueContainer().decode(Bool.self) {
                self = .flag(flag)
            } else {
                self = .rule(try Rule(from: decoder).zeroWhenAtMost)
            }
        }
    }

    private struct RawCriterion: Decodable {
        var id: String?
        var label: RawLabel?
        var family: String?
        var scale: RawScale?
        var maxPoints: Double?
        var notApplicableAllowed: Bool?
        var critical: RawCritical?
    }
}

/// Formats a number without a trailing ".0" (2 → "2", 2.5 → "2.5").
func fmt(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

/// SHA-256 (FIPS 180-4), so content hashes need nothing beyond Foundation.
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    static func hex(of message: [UInt8]) -> String {
        var h: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        var bytes = message
        let bitLength = UInt64(message.count) &* 8
        bytes.append(0x80)
        while bytes.count % 64 != 56 { bytes.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: bytes.count, by: 64) {
            for i in 0..<16 {
                let b = chunk + i * 4
                w[i] =
                    UInt32(bytes[b]) << 24 | UInt32(bytes[b + 1]) << 16 | UInt32(bytes[b + 2]) << 8
                    | UInt32(bytes[b + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            h[0] &+= a
            h[1] &+= b
            h[2] &+= c
            h[3] &+= d
            h[4] &+= e
            h[5] &+= f
            h[6] &+= g
            h[7] &+= hh
        }
        return h.map { String(format: "%08x", $0) }.joined()
    }
}
