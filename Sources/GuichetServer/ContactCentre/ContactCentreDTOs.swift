import Foundation
import GuichetCore
import GuichetStore
import Vapor

extension ContactRecord: Content {}
extension ContactEventRecord: Content {}
extension MessageRecord: Content {}
extension QueueRecord: Content {}
extension AgentRecord: Content {}
extension EntryPointRecord: Content {}
extension AssignmentRecord: Content {}
extension LiveQueues: Content {}
extension ContactLogSummary: Content {}
extension CustomerMergeRecord: Content {}
extension RejectedInbound: Content {}

enum ContactSchemas {
    static let contact = Schema.object(
        [
            "id": Schema.uuid, "customerID": Schema.nullable(Schema.uuid),
            "medium": Schema.enumeration(Medium.allCases.map(\.rawValue)), "entryPoint": Schema.nullable(Schema.string),
            "externalRef": Schema.nullable(Schema.string), "subject": Schema.string,
            "motif": Schema.nullable(Schema.string), "queue": Schema.string, "priority": Schema.integer,
            "state": Schema.string, "agentID": Schema.nullable(Schema.uuid), "routeReason": Schema.string,
            "createdAt": Schema.dateTime, "enqueuedAt": Schema.dateTime,
        ], required: ["id", "medium", "subject", "queue", "priority", "state", "createdAt"])
    static let queue = Schema.object(
        [
            "code": Schema.string, "name": Schema.string, "overflowAfter": Schema.nullable(Schema.number),
            "overflowQueue": Schema.nullable(Schema.string),
        ], required: ["code", "name"])
    static let agent = Schema.object(
        [
            "id": Schema.uuid, "code": Schema.string, "name": Schema.string, "userID": Schema.nullable(Schema.uuid),
            "skills": ["type": "object", "additionalProperties": Schema.integer],
            "queues": Schema.array(Schema.string),
            "capacity": ["type": "object", "additionalProperties": Schema.integer],
            "state": Schema.enumeration(["available", "wrap_up", "away"]),
            "load": ["type": "object", "additionalProperties": Schema.integer],
        ], required: ["id", "code", "name", "skills", "queues", "capacity", "state"])
    static let entryPoint = Schema.object(
        [
            "id": Schema.uuid, "medium": Schema.enumeration(Medium.allCases.map(\.rawValue)),
            "address": Schema.string, "label": Schema.string,
        ], required: ["id", "medium", "address", "label"])
    static let assignment = Schema.object(
        [
            "contactID": Schema.uuid, "agentID": Schema.uuid, "agentCode": Schema.string, "queue": Schema.string,
            "waited": Schema.number,
        ], required: ["contactID", "agentID", "agentCode", "queue", "waited"])
    static let anyObject: JSONValue = ["type": "object"]
}

/// A customer identity as JSON: `{"kind": "phone", "value": "+33…"}`; social values are "network:handle".
struct IdentityDTO: Content, Equatable {
    var kind: String
    var value: String

    init(_ identity: CustomerIdentity) {
        (kind, value) = identity.stored
    }
}

struct CustomerDTO: Content {
    var id: UUID
    var displayName: String?
    var attributes: [String: String]
    var identities: [IdentityDTO]
    var createdAt: Date

    init(_ record: CustomerRecord) {
        id = record.id
        displayName = record.displayName
        attributes = record.attributes
        identities = record.identities.map(IdentityDTO.init)
        createdAt = record.createdAt
    }
}

struct CustomerHistoryDTO: Content {
    var customer: CustomerDTO
    var journey: JourneyView
    var contacts: [HistoryEntry]
    var merges: [CustomerMergeRecord]
}

extension JourneyView: Content {}
extension HistoryEntry: Content {}

/// `POST /contacts`: a contact from any channel an integration handles itself.
struct ContactInput: Content {
    var medium: Medium
    var entryPoint: String?
    var externalRef: String?
    var subject: String?
    var text: String?
    var ivrChoice: String?
    var customer: CustomerInput?

    struct CustomerInput: Content {
        var name: String?
        var phone: String?
        var email: String?
        var social: SocialHandle?
        var attributes: [String: String]?
    }

    struct SocialHandle: Content {
        var network: String
        var handle: String
    }

    static let schema = Schema.object(
        [
            "medium": Schema.enumeration(Medium.allCases.map(\.rawValue)), "entryPoint": Schema.string,
            "externalRef": Schema.string, "subject": Schema.string, "text": Schema.string, "ivrChoice": Schema.string,
            "customer": Schema.object(
                [
                    "name": Schema.string, "phone": Schema.string, "email": Schema.string,
                    "social": Schema.object(
                        ["network": Schema.string, "handle": Schema.string], required: ["network", "handle"]),
                    "attributes": ["type": "object", "additionalProperties": Schema.string],
                ], required: []),
        ], required: ["medium"])
}

struct IntakeDTO: Content {
    var contact: ContactRecord
    var assignment: AssignmentRecord?

    /// The 201 every intake answers, written by hand (`JSONText`): the same JSON as its `Encodable` conformance,
    /// checked by tests. Nil when a value needs `JSONEncoder`'s judgement (a wait that is not a finite number, a date
    /// outside years 1 to 9999); the caller then encodes as usual.
    func json() -> [UInt8]? {
        guard JSONText.canWrite(contact.createdAt), JSONText.canWrite(contact.enqueuedAt),
            JSONText.canWrite(contact.updatedAt), assignment?.waited.isFinite ?? true
        else { return nil }
        var text = JSONText()
        text.object { dto in
            dto.key("contact")
            dto.object { contact.write(to: &$0) }
            if let assignment {
                dto.key("assignment")
                dto.object { assignment.write(to: &$0) }
            }
        }
        return text.bytes
    }
}

extension ContactRecord {
    fileprivate func write(to json: inout JSONText) {
        json.field("id", id)
        json.field("customerID", customerID)
        json.field("medium", medium.rawValue)
        json.field("entryPoint", entryPoint)
        json.field("externalRef", externalRef)
        json.field("subject", subject)
        json.field("motif", motif)
        json.field("motifRule", motifRule)
        json.field("routeRule", routeRule)
        json.field("routeReason", routeReason)
        json.field("queue", queue)
        json.field("priority", priority)
        json.key("skills")
        json.array(skills) { json, skill in
            json.object {
                $0.field("skill", skill.skill)
                $0.field("minimumLevel", skill.minimumLevel)
            }
        }
        json.field("state", state.rawValue)
        json.field("agentID", agentID)
        json.field("createdAt", createdAt)
        json.field("enqueuedAt", enqueuedAt)
        json.field("updatedAt", updatedAt)
    }
}

extension AssignmentRecord {
    fileprivate func write(to json: inout JSONText) {
        json.field("contactID", contactID)
        json.field("agentID", agentID)
        json.field("agentCode", agentCode)
        json.field("queue", queue)
        json.field("waited", waited)
    }
}

struct ContactDetailDTO: Content {
    var contact: ContactRecord
    var events: [ContactEventRecord]
    var messages: [MessageRecord]
}

struct EventInput: Content {
    var kind: ContactEventKind
    var reason: String?
    var queue: String?
    static let schema = Schema.object(
        [
            "kind": Schema.enumeration(ContactEventKind.allCases.map(\.rawValue)), "reason": Schema.string,
            "queue": Schema.string,
        ], required: ["kind"])
}

struct MotifInput: Content {
    var motif: String
    var reason: String?
}

struct AgentInput: Content {
    var name: String
    var userEmail: String?
    var skills: [String: Int]?
    var queues: [String]?
    var capacity: [Medium: Int]?
}

struct AgentStateInput: Content {
    var state: AgentState
}

struct EntryPointInput: Content {
    var medium: Medium
    var address: String
    var label: String
    var outboundURL: String?
}

/// A new entry point; a social account's signing secret is shown here once.
struct EntryPointCreatedDTO: Content {
    var entryPoint: EntryPointRecord
    var secret: String?
}

struct MergeInput: Content {
    var first: UUID
    var second: UUID
    var reason: String
}

struct RoutingDTO: Content {
    var version: Int
    var configuration: RoutingConfiguration
    var updatedBy: String
    var updatedAt: Date
}

extension RoutingConfiguration: Content {}
