import Foundation
import Testing

@testable import GuichetCore

/// The same person must be recognised whatever way they typed their number or address (DOMAIN.md §1: one
/// history across channels).
@Suite("Contacts: customer identities and merges")
struct ContactsIdentityTests {
    @Test(
        "Every way a French landline is written gives the same E.164 number",
        arguments: [
            "01 23 45 67 89", "0123456789", "01.23.45.67.89", "01-23-45-67-89", "+33 1 23 45 67 89", "+33123456789",
            "0033 1 23 45 67 89", "0033123456789", "+33 (0)1 23 45 67 89", " 01 23 45 67 89 ",
        ])
    func landline(raw: String) {
        #expect(CustomerIdentity.normalisedPhone(raw) == .phone("+33123456789"))
    }

    @Test("The country code in brackets, as printed on some business cards, is still +33")
    func bracketedCountryCode() {
        #expect(CustomerIdentity.normalisedPhone("(+33) 1 23 45 67 89") == .phone("+33123456789"))
    }

    @Test("Mobiles and non-geographic numbers too")
    func mobile() {
        #expect(CustomerIdentity.normalisedPhone("06 12 34 56 78") == .phone("+33612345678"))
        #expect(CustomerIdentity.normalisedPhone("+33 7 81 23 45 67") == .phone("+33781234567"))
        #expect(CustomerIdentity.normalisedPhone("09 70 80 90 10") == .phone("+33970809010"))
    }

    @Test(
        "What cannot be a phone number is refused rather than stored as a bogus identity",
        arguments: [
            "", "+", "12 34", "1 23 45 67 89", "01 23 45 67", "01 23 45 67 89 00", "appelez-moi", "01 23 45 67 8x",
        ])
    func notAPhone(raw: String) {
        #expect(CustomerIdentity.normalisedPhone(raw) == nil)
    }

    @Test("A number from Réunion keeps its +262 prefix, so the caller's line and the typed number match")
    func overseas() {
        // Caller ID from the network is already international; the customer types the national form.
        #expect(CustomerIdentity.normalisedPhone("0692 12 34 56") == .phone("+262692123456"))
        #expect(CustomerIdentity.normalisedPhone("+262 692 12 34 56") == .phone("+262692123456"))
        // One number per family: fixed line and mobile of each department, and mainland numbers unchanged.
        for (national, international) in [
            ("0590 12 34 56", "+590590123456"), ("0690 12 34 56", "+590690123456"),
            ("0594 12 34 56", "+594594123456"), ("0694 12 34 56", "+594694123456"),
            ("0596 12 34 56", "+596596123456"), ("0697 12 34 56", "+596697123456"),
            ("0262 12 34 56", "+262262123456"), ("0639 12 34 56", "+262639123456"),
            ("0508 12 34 56", "+508508123456"), ("06 12 34 56 78", "+33612345678"),
            ("05 90 12 34 56", "+590590123456"), ("01 23 45 67 89", "+33123456789"),
        ] {
            #expect(CustomerIdentity.normalisedPhone(national) == .phone(international), "\(national)")
        }
    }

    @Test("Emails are trimmed and lowercased; what is not an address is refused")
    func emails() {
        #expect(CustomerIdentity.normalisedEmail(" Léa.Dupont@Example.FR\n") == .email("léa.dupont@example.fr"))
        for bad in ["lea", "lea@", "@example.fr", "lea@example", "lea dupont@example.fr", "a@b@c.fr"] {
            #expect(CustomerIdentity.normalisedEmail(bad) == nil, "\(bad)")
        }
    }

    @Test("Social handles: per network, '@' and case ignored — the same handle on two networks is two identities")
    func social() {
        let x = CustomerIdentity.normalisedSocial(network: "X", handle: "@LeaDupont")
        #expect(x == .social(network: "x", handle: "leadupont"))
        #expect(CustomerIdentity.normalisedSocial(network: "x", handle: "leadupont") == x)
        #expect(CustomerIdentity.normalisedSocial(network: "instagram", handle: "leadupont") != x)
        #expect(CustomerIdentity.normalisedSocial(network: "", handle: "lea") == nil)
        #expect(CustomerIdentity.normalisedSocial(network: "x", handle: "@") == nil)
        #expect(CustomerIdentity.normalisedSocial(network: "x", handle: "lea dupont") == nil)
    }

    @Test("Identities survive a JSON round trip unchanged (they are stored)")
    func codable() throws {
        let identities: [CustomerIdentity] = [
            .phone("+33123456789"), .email("lea@example.fr"), .social(network: "x", handle: "lea"),
        ]
        let decoded = try JSONDecoder().decode(
            [CustomerIdentity].self, from: JSONEncoder().encode(identities))
        #expect(decoded == identities)
    }

    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("Merging: the older record is kept whichever side it is passed on; shared identities are not moved")
    func mergePlan() throws {
        let phone = CustomerIdentity.phone("+33123456789")
        let email = CustomerIdentity.email("lea@example.fr")
        let handle = CustomerIdentity.social(network: "x", handle: "lea")
        let older = (id: "cust-1", createdAt: t0, identities: Set([phone, email]), contacts: ["call-1"])
        let newer = (
            id: "cust-2", createdAt: t0.addingTimeInterval(3_600), identities: Set([email, handle]),
            contacts: ["mail-1", "tweet-1"]
        )
        let at = t0.addingTimeInterval(7_200)
        let plan = try CustomerMerge.plan(newer, older, by: "agent-7", at: at, reason: "même adresse e-mail")
        #expect(plan.kept == "cust-1")
        #expect(plan.absorbed == "cust-2")
        #expect(plan.movedIdentities == [handle], "the email was already on the kept record")
        #expect(plan.movedContacts == ["mail-1", "tweet-1"])
        // The audit record: who, when, why.
        #expect(plan.mergedBy == "agent-7")
        #expect(plan.at == at)
        #expect(plan.reason == "même adresse e-mail")
        #expect(try CustomerMerge.plan(older, newer, by: "agent-7", at: at, reason: "même adresse e-mail") == plan)
    }

    @Test("Two records created the same second: the smaller identifier is kept, so the plan is deterministic")
    func mergeTie() throws {
        let a = (id: "cust-a", createdAt: t0, identities: Set<CustomerIdentity>(), contacts: [String]())
        let b = (id: "cust-b", createdAt: t0, identities: Set<CustomerIdentity>(), contacts: [String]())
        #expect(try CustomerMerge.plan(b, a, by: "x", at: t0, reason: "").kept == "cust-a")
    }

    @Test("A record cannot absorb itself")
    func selfMerge() {
        let a = (id: "cust-a", createdAt: t0, identities: Set<CustomerIdentity>(), contacts: [String]())
        #expect(throws: ValidationFailure(pointer: "/customers", "a customer cannot absorb itself")) {
            try CustomerMerge.plan(a, a, by: "x", at: t0, reason: "")
        }
    }
}
