import Foundation
import GuichetCore
import GuichetStore
import Vapor

/// An edition as listed by the API.
struct EditionDTO: Content, DocumentedSchema {
    var id: UUID
    var code: String
    var name: String
    var state: EditionState
    var organisation: UUID
    /// "owner" or "participant": how the caller stands towards it.
    var standing: String
    var publishedAt: Date?

    init(_ record: AwardEditionRecord, standing: String) throws {
        id = try record.requireID()
        code = record.code
        name = record.name
        state = record.state
        organisation = record.$organisation.id
        self.standing = standing
        publishedAt = record.publishedAt
    }

    static var schema: JSONValue {
        Schema.object(
            [
                "id": Schema.uuid, "code": Schema.string, "name": Schema.string,
                "state": Schema.enumeration(EditionState.allCases.map(\.rawValue)), "organisation": Schema.uuid,
                "standing": Schema.enumeration(["owner", "participant"]),
                "publishedAt": Schema.nullable(Schema.dateTime),
            ], required: ["id", "code", "name", "state", "organisation", "standing"])
    }
}

/// A planned test as the API shows it.
struct PlannedTestDTO: Content, DocumentedSchema {
    var id: String
    var companyID: String
    var categoryID: String
    var channel: GuichetCore.Channel
    var scenarioID: String
    var kind: ScenarioKind
    var device: Device?
    var scheduledAt: Date
    var localTime: String
    var shopperID: String?
    var evaluated: Bool

    init(_ test: MysteryTest, evaluated: Bool) {
        id = test.id
        companyID = test.companyID
        categoryID = test.categoryID
        channel = test.channel
        scenarioID = test.scenarioID
        kind = test.kind
        device = test.device
        scheduledAt = test.scheduledAt
        localTime = "\(test.date) \(test.localTime)"
        shopperID = test.shopperID
        self.evaluated = evaluated
    }

    static var schema: JSONValue {
        Schema.object(
            [
                "id": Schema.string, "companyID": Schema.string, "categoryID": Schema.string,
                "channel": Schema.enumeration(GuichetCore.Channel.allCases.map(\.rawValue)),
                "scenarioID": Schema.string,
                "kind": Schema.enumeration(ScenarioKind.allCases.map(\.rawValue)),
                "device": Schema.nullable(Schema.string), "scheduledAt": Schema.dateTime, "localTime": Schema.string,
                "shopperID": Schema.nullable(Schema.string), "evaluated": Schema.boolean,
            ], required: ["id", "companyID", "categoryID", "channel", "scenarioID", "kind", "scheduledAt", "evaluated"])
    }
}

/// A stored evaluation, with its mark and history.
struct EvaluationDTO: Content, DocumentedSchema {
    var testID: String
    var evaluation: Evaluation
    var mark: TestMark?
    var submittedAt: Date?
    var updatedAt: Date?
    /// How many times it was changed after its first submission.
    var edits: Int

    static var schema: JSONValue {
        Schema.object(
            [
                "testID": Schema.string, "evaluation": ["type": "object"], "mark": ["type": "object"],
                "submittedAt": Schema.nullable(Schema.dateTime), "updatedAt": Schema.nullable(Schema.dateTime),
                "edits": Schema.integer,
            ], required: ["testID", "evaluation", "edits"])
    }
}

extension EvaluationInput: DocumentedSchema {
    static var schema: JSONValue {
        Schema.object(
            [
                "startedAt": Schema.dateTime, "endedAt": Schema.dateTime,
                "ringingSeconds": ["type": "number", "minimum": 0],
                "takeInChargeSeconds": ["type": "number", "minimum": 0], "saturationMessage": Schema.boolean,
                "scores": [
                    "type": "object", "description": "criterion id → points, or \"NA\"",
                    "additionalProperties": ["oneOf": [Schema.number, Schema.enumeration(["NA"])]],
                ],
                "verbatim": Schema.string,
            ], required: ["scores"])
    }
}

/// Results of an edition as the caller may see them: categories always (the published ranking), and
/// reports for the companies the caller may read.
struct ResultsDTO: Content, DocumentedSchema {
    var edition: EditionDTO
    var categories: [CategoryResult]
    var reports: [CompanyReport]
    /// True when these are live results computed before publication (organiser only).
    var provisional: Bool

    static var schema: JSONValue {
        Schema.object(
            [
                "edition": EditionDTO.schema, "categories": Schema.array(["type": "object"]),
                "reports": Schema.array(["type": "object"]), "provisional": Schema.boolean,
            ], required: ["edition", "categories", "reports", "provisional"])
    }
}

struct AdvanceRequest: Content, DocumentedSchema {
    /// Seed of the plan when fieldwork starts (default: derived from the edition's id).
    var seed: UInt64?

    static var schema: JSONValue { Schema.object(["seed": Schema.integer], required: []) }
}

extension EditionDefinition: DocumentedSchema {
    static var schema: JSONValue {
        [
            "type": "object", "description": "Edition definition: see docs/AWARD.md",
            "required": ["edition", "categories", "companies", "scenarios", "shoppers"],
        ]
    }
}

extension CategoryResult {
    /// What a participant may see of its category: ranks, names and marks as published, no intervals
    /// beyond its own and nothing about competitors' tests.
    func publishedRanking(revealingIntervalsOf own: Set<String>) -> CategoryResult {
        var copy = self
        // Competitors outside the ranking (ineligible) are not published at all.
        copy.entries = entries.compactMap { entry in
            var entry = entry
            if own.contains(entry.companyID) { return entry }
            guard entry.rank != nil else { return nil }
            entry.interval = nil
            entry.ineligibleReason = nil
            return entry
        }
        return copy
    }
}

/// What an evaluations import did.
struct ImportResultDTO: Content, DocumentedSchema {
    var created: Int
    var changed: Int
    var unchanged: Int

    static var schema: JSONValue {
        Schema.object(
            ["created": Schema.integer, "changed": Schema.integer, "unchanged": Schema.integer],
            required: ["created", "changed", "unchanged"])
    }
}
