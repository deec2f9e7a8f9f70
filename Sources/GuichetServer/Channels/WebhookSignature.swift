import Crypto
import Foundation

/// Signatures of inbound social-network webhooks: `X-Guichet-Signature: t=<unix seconds>,v1=<hex HMAC>`,
/// where the HMAC-SHA256, keyed with the account's shared secret, covers `"<t>.<raw body>"`.
///
/// Signing the timestamp with the body lets a replay window refuse an old delivery sent again; the
/// comparison runs in constant time.
public struct WebhookSignature: Sendable {
    public static let header = "X-Guichet-Signature"

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case missing
        case malformed
        case outsideWindow(seconds: Int)
        case mismatch

        public var description: String {
            switch self {
            case .missing: return "no \(WebhookSignature.header) header"
            case .malformed: return "\(WebhookSignature.header) must be t=<unix seconds>,v1=<hex HMAC-SHA256>"
            case .outsideWindow(let seconds): return "signature timestamp more than \(seconds) s away from now"
            case .mismatch: return "signature does not match the body"
            }
        }
    }

    public var secret: String
    /// How far the signed timestamp may be from now, either way.
    public var window: TimeInterval = 300

    public init(secret: String, window: TimeInterval = 300) {
        self.secret = secret
        self.window = window
    }

    /// The header value for `body` signed at `time` (what a sender — or a test — puts in the request).
    public func sign(_ body: Data, at time: Date) -> String {
        let timestamp = Int(time.timeIntervalSince1970)
        return "t=\(timestamp),v1=\(hex(mac(timestamp: timestamp, body: body)))"
    }

    /// Checks a delivery; throws the reason it must be refused.
    public func verify(_ headerValue: String?, body: Data, now: Date) throws(Failure) {
        guard let headerValue, !headerValue.isEmpty else { throw .missing }
        var timestamp: Int?
        var signatures: [String] = []
        for part in headerValue.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { throw .malformed }
            switch pair[0] {
            case "t": timestamp = Int(pair[1])
            case "v1": signatures.append(pair[1].lowercased())
            default: continue  // future schemes are ignored, not refused
            }
        }
        guard let timestamp, !signatures.isEmpty else { throw .malformed }
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= window else {
            throw .outsideWindow(seconds: Int(window))
        }
        let expected = hex(mac(timestamp: timestamp, body: body))
        guard signatures.contains(where: { constantTimeEquals($0, expected) }) else { throw .mismatch }
    }

    private func mac(timestamp: Int, body: Data) -> HashedAuthenticationCode<SHA256> {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        return HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
    }

    private func hex(_ code: HashedAuthenticationCode<SHA256>) -> String {
        code.map { String(format: "%02x", $0) }.joined()
    }

    private func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
