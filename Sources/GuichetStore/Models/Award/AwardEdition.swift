import Fluent
import Foundation
import GuichetCore

/// One edition of an award (or a brand's rehearsal of the protocol on itself), owned by the
/// organisation that runs it. Its definition, frozen scorecards, plan and published results are
/// stored as JSON documents of the core's types: they are read and written whole.
public final class AwardEditionRecord: Model, @unchecked Sendable {
    public static let schema = "award_editions"

    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    @Parent(key: "organisation_id") public var organisation: Organisation
    /// The edition's identifier in its definition (e.g. "escda-2018"); unique per organisation.
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "state") public var state: EditionState
    /// `EditionDefinition` as JSON: settings, categories, companies, scenarios, shoppers.
    @Field(key: "definition_json") public var definitionJSON: String
    /// `FrozenScorecards` as JSON, fixed when fieldwork starts.
    @OptionalField(key: "scorecards_json") public var scorecardsJSON: String?
    /// The seed the plan was drawn with.
    @OptionalField(key: "plan_seed") public var planSeed: Int64?
    /// `EditionResults` as JSON, fixed at publication.
    @OptionalField(key: "results_json") public var resultsJSON: String?
    @OptionalField(key: "published_at") public var publishedAt: Date?

    public init() {}

    public init(organisationID: UUID, code: String, name: String, definitionJSON: String) {
        self.$organisation.id = organisationID
        self.code = code
        self.name = name
        self.state = .draft
        self.definitionJSON = definitionJSON
    }
}

extension AwardEditionRecord: OrganisationOwned {
    public static func owned(by organisationID: UUID, on database: any Database) -> QueryBuilder<AwardEditionRecord> {
        query(on: database).filter(\.$organisation.$id == organisationID)
    }
}

/// A company taking part in an edition, and the Guichet organisation (brand) that may read its report.
public final class AwardParticipantRecord: Model, @unchecked Sendable {
    public static let schema = "award_participants"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "edition_id") public var edition: AwardEditionRecord
    /// The company's identifier in the edition definition.
    @Field(key: "company_code") public var companyCode: String
    @Field(key: "company_name") public var companyName: String
    @Field(key: "category_code") public var categoryCode: String
    @OptionalParent(key: "brand_organisation_id") public var brand: Organisation?

    public init() {}

    public init(editionID: UUID, companyCode: String, companyName: String, categoryCode: String, brandID: UUID?) {
        self.$edition.id = editionID
        self.companyCode = companyCode
        self.companyName = companyName
        self.categoryCode = categoryCode
        self.$brand.id = brandID
    }
}

/// One planned mystery test, with the shopper (a Guichet user) it is assigned to.
public final class AwardTestRecord: Model, @unchecked Sendable {
    public static let schema = "award_tests"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "edition_id") public var edition: AwardEditionRecord
    @Field(key: "code") public var code: String
    @Field(key: "company_code") public var companyCode: String
    @Field(key: "channel") public var channel: String
    @Field(key: "scheduled_at") public var scheduledAt: Date
    @OptionalField(key: "shopper_code") public var shopperCode: String?
    @OptionalParent(key: "shopper_user_id") public var shopper: User?
    /// `MysteryTest` as JSON.
    @Field(key: "test_json") public var testJSON: String

    public init() {}

    public init(
        editionID: UUID, code: String, companyCode: String, channel: String, scheduledAt: Date, shopperCode: String?,
        shopperUserID: UUID?, testJSON: String
    ) {
        self.$edition.id = editionID
        self.code = code
        self.companyCode = companyCode
        self.channel = channel
        self.scheduledAt = scheduledAt
        self.shopperCode = shopperCode
        self.$shopper.id = shopperUserID
        self.testJSON = testJSON
    }
}

/// The evaluation of one test: one per test, resubmission replaces it and is audited.
public final class AwardEvaluationRecord: Model, @unchecked Sendable {
    public static let schema = "award_evaluations"

    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    @Parent(key: "edition_id") public var edition: AwardEditionRecord
    @Field(key: "test_code") public var testCode: String
    @OptionalParent(key: "submitted_by") public var submittedBy: User?
    /// `Evaluation` as JSON.
    @Field(key: "evaluation_json") public var evaluationJSON: String

    public init() {}

    public init(editionID: UUID, testCode: String, submittedBy: UUID?, evaluationJSON: String) {
        self.$edition.id = editionID
        self.testCode = testCode
        self.$submittedBy.id = submittedBy
        self.evaluationJSON = evaluationJSON
    }
}

/// Who changed an evaluation after its first submission, when, and from what to what.
public final class AwardEvaluationAuditRecord: Model, @unchecked Sendable {
    public static let schema = "award_evaluation_audits"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "evaluation_id") public var evaluation: AwardEvaluationRecord
    @OptionalParent(key: "edited_by") public var editedBy: User?
    @Field(key: "edited_at") public var editedAt: Date
    @Field(key: "before_json") public var beforeJSON: String
    @Field(key: "after_json") public var afterJSON: String

    public init() {}

    public init(evaluationID: UUID, editedBy: UUID?, editedAt: Date, beforeJSON: String, afterJSON: String) {
        self.$evaluation.id = evaluationID
        self.$editedBy.id = editedBy
        self.editedAt = editedAt
        self.beforeJSON = beforeJSON
        self.afterJSON = afterJSON
    }
}
