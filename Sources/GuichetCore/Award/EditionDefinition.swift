import Foundation

/// Where an edition stands. Moves only forward: draft → fieldwork → closed → published.
public enum EditionState: String, Codable, Sendable, CaseIterable {
    /// Being prepared: definition editable, no plan yet.
    case draft
    /// Terrain: the plan is drawn and the scorecards frozen; shoppers record evaluations.
    case fieldwork
    /// Clôturée: no more evaluations; the organiser checks the results.
    case closed
    /// Publiée: results fixed; each company sees its report and its category's aggregates.
    case published

    /// The state that follows this one, if any.
    public var next: EditionState? {
        switch self {
        case .draft: return .fieldwork
        case .fieldwork: return .closed
        case .closed: return .published
        case .published: return nil
        }
    }

    /// Whether evaluations may be recorded or edited.
    public var acceptsEvaluations: Bool { self == .fieldwork }
}

/// Everything an organiser decides before fieldwork: the edition, its categories, the companies
/// taking part, the scenarios and the shoppers. One JSON document (format in docs/AWARD.md), read
/// by `guichet award plan` and imported by the server.
public struct EditionDefinition: Codable, Sendable, Hashable {
    public var edition: Edition
    public var categories: [Category]
    public var companies: [Company]
    public var scenarios: [Scenario]
    public var shoppers: [Shopper]
    /// Optional: for each company, the email or identifier of the brand that may read its report.
    public var brands: [String: String]?

    public init(
        edition: Edition, categories: [Category], companies: [Company], scenarios: [Scenario],
        shoppers: [Shopper], brands: [String: String]? = nil
    ) {
        self.edition = edition
        self.categories = categories
        self.companies = companies
        self.scenarios = scenarios
        self.shoppers = shoppers
        self.brands = brands
    }

    /// Checks identifiers and references; every problem at once, each with a JSON Pointer.
    public func validate() throws(ValidationFailure) {
        var problems: [FieldProblem] = []
        func unique(_ ids: [String], _ pointer: String) {
            var seen: Set<String> = []
            for (index, id) in ids.enumerated() {
                if id.trimmingCharacters(in: .whitespaces).isEmpty {
                    problems.append(.init(pointer: "\(pointer)/\(index)/id", detail: "an identifier is required"))
                } else if !seen.insert(id).inserted {
                    problems.append(.init(pointer: "\(pointer)/\(index)/id", detail: "duplicate identifier '\(id)'"))
                }
            }
        }
        if edition.id.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(.init(pointer: "/edition/id", detail: "an identifier is required"))
        }
        if edition.settings.weeks < 1 || edition.settings.weeks > 52 {
            problems.append(.init(pointer: "/edition/settings/weeks", detail: "between 1 and 52 weeks"))
        }
        unique(categories.map(\.id), "/categories")
        unique(companies.map(\.id), "/companies")
        unique(scenarios.map(\.id), "/scenarios")
        unique(shoppers.map(\.id), "/shoppers")
        let categoryIDs = Set(categories.map(\.id))
        for (index, company) in companies.enumerated() where !categoryIDs.contains(company.categoryID) {
            problems.append(
                .init(pointer: "/companies/\(index)/categoryID", detail: "unknown category '\(company.categoryID)'"))
        }
        for (index, scenario) in scenarios.enumerated() where !categoryIDs.contains(scenario.categoryID) {
            problems.append(
                .init(pointer: "/scenarios/\(index)/categoryID", detail: "unknown category '\(scenario.categoryID)'"))
        }
        let allowed = edition.settings.scenariosPerCategory
        for (index, category) in categories.enumerated() {
            let count = scenarios.filter { $0.categoryID == category.id }.count
            if !allowed.contains(count) {
                problems.append(
                    .init(
                        pointer: "/categories/\(index)",
                        detail: "\(count) scenarios; the protocol needs \(allowed.lowerBound) to \(allowed.upperBound)")
                )
            }
        }
        if shoppers.isEmpty { problems.append(.init(pointer: "/shoppers", detail: "at least one shopper")) }
        let companyIDs = Set(companies.map(\.id))
        for key in (brands ?? [:]).keys.sorted() where !companyIDs.contains(key) {
            problems.append(.init(pointer: "/brands/\(key)", detail: "unknown company '\(key)'"))
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
    }

    /// Draws the test plan (after validating).
    public func plan(seed: UInt64) throws -> TestPlan {
        try validate()
        return try TestPlanner(edition: edition).plan(
            categories: categories, companies: companies, scenarios: scenarios, shoppers: shoppers, seed: seed)
    }

    /// Reads a definition, turning decoding failures into problems that point at the field.
    public static func decode(_ data: Data) throws -> EditionDefinition {
        do {
            let definition = try AwardJSON.decoder.decode(EditionDefinition.self, from: data)
            try definition.validate()
            return definition
        } catch let error as DecodingError {
            throw ValidationFailure([DecodingProblem.describe(error)])
        }
    }

    public func json() throws -> Data { try AwardJSON.encoder.encode(self) }

    /// The demo edition: one category of four companies, 15 scenarios, 12 shoppers.
    public static func demo() throws -> EditionDefinition {
        let demo = try AwardDemo.make(bootstrap: nil)
        return EditionDefinition(
            edition: demo.edition, categories: demo.categories, companies: demo.companies,
            scenarios: demo.scenarios, shoppers: demo.shoppers)
    }
}

/// Explains a JSON decoding failure with a JSON Pointer to the offending field.
public enum DecodingProblem {
    public static func pointer(_ path: [any CodingKey]) -> String {
        "/" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
    }

    public static func describe(_ error: DecodingError) -> FieldProblem {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return FieldProblem(pointer: "/", detail: "not valid JSON")
        case .dataCorrupted(let context):
            return FieldProblem(pointer: pointer(context.codingPath), detail: context.debugDescription)
        case .keyNotFound(let key, let context):
            return FieldProblem(pointer: pointer(context.codingPath + [key]), detail: "required")
        case .typeMismatch(let type, let context):
            return FieldProblem(pointer: pointer(context.codingPath), detail: "expected \(jsonTypeName(type))")
        case .valueNotFound(let type, let context):
            return FieldProblem(
                pointer: pointer(context.codingPath), detail: "expected \(jsonTypeName(type)), got null")
        @unknown default:
            return FieldProblem(pointer: "/", detail: "unreadable")
        }
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type, is Double.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a value of type \(name)"
        }
    }
}
