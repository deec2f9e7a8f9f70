import Foundation
import GuichetCore
import Testing
import Vapor

@testable import GuichetServer
@testable import GuichetStore

@Suite("The intake's 201, written by hand")
struct IntakeResponseTests {
    private static func contact(full: Bool, at seconds: Double) -> ContactRecord {
        let at = Date(timeIntervalSince1970: seconds)
        return ContactRecord(
            id: UUID(), customerID: full ? UUID() : nil, medium: full ? .voice : .email,
            entryPoint: full ? "+33199000002" : nil, externalRef: full ? "call \"1\"\n" : nil,
            subject: "Colis abîmé — commande n°12", motif: full ? "livraison/colis" : nil,
            motifRule: full ? "mots-clés" : nil, routeRule: full ? "règle 2" : nil, routeReason: "motif livraison",
            queue: "general", priority: full ? 3 : 0,
            skills: full ? [SkillRequirement("facturation", minimumLevel: 2), SkillRequirement("fr")] : [],
            state: full ? .offered : .queued, agentID: full ? UUID() : nil, createdAt: at,
            enqueuedAt: at.addingTimeInterval(0.25), updatedAt: at.addingTimeInterval(1.75))
    }

    private static func viaEncoder(_ dto: IntakeDTO) throws -> NSDictionary? {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return try JSONSerialization.jsonObject(with: encoder.encode(dto)) as? NSDictionary
    }

    @Test("Same fields and values as its Encodable conformance, every optional set or none")
    func sameAsEncoder() throws {
        for (index, full) in [true, false, true, false].enumerated() {
            let contact = Self.contact(full: full, at: 1_765_123_456.789 + Double(index) * 86_399.5)
            let assignment =
                index < 2
                ? AssignmentRecord(
                    contactID: contact.id, agentID: UUID(), agentCode: "alice", queue: "general",
                    waited: Double(index) * 12.345)
                : nil
            let dto = IntakeDTO(contact: contact, assignment: assignment)
            let bytes = try #require(dto.json())
            let written = try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary
            #expect(written != nil)
            #expect(written == (try Self.viaEncoder(dto)), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test("A wait that is not a number or a date beyond year 9999 is left to JSONEncoder")
    func leftToEncoder() {
        let contact = Self.contact(full: true, at: 1_765_000_000)
        let nan = AssignmentRecord(contactID: contact.id, agentID: UUID(), agentCode: "a", queue: "q", waited: .nan)
        #expect(IntakeDTO(contact: contact, assignment: nan).json() == nil)
        var far = contact
        far.updatedAt = Date(timeIntervalSince1970: 300_000_000_000)
        #expect(IntakeDTO(contact: far, assignment: nil).json() == nil)
    }

    @Test(
        "Only a JSON media type skips content negotiation",
        arguments: [
            ("application/json", true), ("application/json; charset=utf-8", true), ("Application/JSON", true),
            ("application/json ;charset=utf-8", true), ("application/jsonx", false),
            ("application/json-patch+json", false),
            ("application/x-www-form-urlencoded", false), ("text/plain", false), ("application/jso", false),
            ("", false),
        ])
    func jsonMediaTypes(contentType: String, json: Bool) {
        #expect(Request.isJSON(contentType) == json)
    }
}
