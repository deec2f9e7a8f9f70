import Foundation
import Testing

@testable import GuichetCore

@Suite("Customer identities")
struct CustomerIdentityTests {
    @Test(
        "French numbers in every usual spelling become one E.164 number",
        arguments: [
            "01 23 45 67 89", "01.23.45.67.89", "+33 1 23 45 67 89", "0033123456789", "+33 (0)1 23 45 67 89",
        ])
    func frenchPhone(raw: String) {
        #expect(CustomerIdentity.normalisedPhone(raw) == .phone("+33123456789"))
    }

    @Test("What cannot be a phone number is refused")
    func badPhone() {
        #expect(CustomerIdentity.normalisedPhone("12 34") == nil)
        #expect(CustomerIdentity.normalisedPhone("call me") == nil)
        #expect(CustomerIdentity.normalisedPhone("+1 212 555 0100") == .phone("+12125550100"))
    }

    @Test("Emails and social handles are normalised")
    func others() {
        #expect(CustomerIdentity.normalisedEmail("  Lea@Example.FR ") == .email("lea@example.fr"))
        #expect(CustomerIdentity.normalisedEmail("nope") == nil)
        #expect(
            CustomerIdentity.normalisedSocial(network: "X", handle: "@LeaDupont")
                == .social(network: "x", handle: "leadupont"))
    }

    @Test("A merge keeps the older record and moves only what it lacks")
    func merge() throws {
        let t0 = Date(timeIntervalSince1970: 0)
        let phone = CustomerIdentity.normalisedPhone("0123456789")!
        let email = CustomerIdentity.normalisedEmail("lea@example.fr")!
        let plan = try CustomerMerge.plan(
            ("new", t0.addingTimeInterval(100), [phone, email], ["c3"]),
            ("old", t0, [phone], ["c1", "c2"]), by: "agent-7", at: t0.addingTimeInterval(200),
            reason: "même cliente au téléphone et par e-mail")
        #expect(plan.kept == "old")
        #expect(plan.absorbed == "new")
        #expect(plan.movedIdentities == [email])
        #expect(plan.movedContacts == ["c3"])
        #expect(throws: ValidationFailure.self) {
            try CustomerMerge.plan(("a", t0, [], []), ("a", t0, [], []), by: "x", at: t0, reason: "")
        }
    }
}
