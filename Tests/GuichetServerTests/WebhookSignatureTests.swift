import Foundation
import Testing

@testable import GuichetServer

@Suite("Social webhook signatures")
struct WebhookSignatureTests {
    let signer = WebhookSignature(secret: "partagé-secret")
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let body = Data(#"{"network":"x","author":"@leadupont","text":"Colis pas reçu"}"#.utf8)

    @Test("A delivery signed with the shared secret within the window passes")
    func valid() throws {
        try signer.verify(signer.sign(body, at: now.addingTimeInterval(-60)), body: body, now: now)
    }

    @Test("Known HMAC-SHA256 value, so another implementation can sign for us")
    func knownVector() {
        // python3 -c "import hmac,hashlib;print(hmac.new(b'key', b'1.body', hashlib.sha256).hexdigest())"
        let header = WebhookSignature(secret: "key").sign(Data("body".utf8), at: Date(timeIntervalSince1970: 1))
        #expect(header == "t=1,v1=91b5374b153842ad05b2c4eab9349b8321b14703165bd3fb8b034dfb8be98ae5")
    }

    @Test(
        "Refusals say why: missing, malformed, tampered, wrong secret, replayed late",
        arguments: [
            ("missing", nil as String?, WebhookSignature.Failure.missing),
            ("malformed", "sha256=abc", .malformed),
            ("no timestamp", "v1=00", .malformed),
        ])
    func refusals(name: String, header: String?, expected: WebhookSignature.Failure) {
        #expect(throws: expected, "\(name)") { try signer.verify(header, body: body, now: now) }
    }

    @Test("Tampering, another secret and an old delivery are refused")
    func tampering() {
        let header = signer.sign(body, at: now)
        #expect(throws: WebhookSignature.Failure.mismatch) {
            try signer.verify(header, body: Data(body.dropLast()), now: now)
        }
        #expect(throws: WebhookSignature.Failure.mismatch) {
            try WebhookSignature(secret: "autre").verify(header, body: body, now: now)
        }
        #expect(throws: WebhookSignature.Failure.outsideWindow(seconds: 300)) {
            try signer.verify(header, body: body, now: now.addingTimeInterval(301))
        }
    }
}
