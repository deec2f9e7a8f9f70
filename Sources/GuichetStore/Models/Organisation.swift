import Fluent
import Foundation
import GuichetCore

/// A brand, an outsourcing provider or an award organiser. Every piece of tenant data belongs to one.
public final class Organisation: Model, @unchecked Sendable {
    public static let schema = "organisations"

    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    @Field(key: "name") public var name: String
    /// Stable, URL-safe identifier used by the CLI and in URLs.
    @Field(key: "slug") public var slug: String
    @Field(key: "kind") public var kind: OrganisationKind

    public init() {}

    public init(id: UUID? = nil, name: String, slug: String, kind: OrganisationKind) {
        self.id = id
        self.name = name
        self.slug = slug
        self.kind = kind
    }
}

/// A provider (prestataire) working for a brand: the outsourcing relationship.
public final class ProviderClient: Model, @unchecked Sendable {
    public static let schema = "provider_clients"

    @ID(key: .id) public var id: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    @Parent(key: "provider_id") public var provider: Organisation
    @Parent(key: "brand_id") public var brand: Organisation

    public init() {}

    public init(providerID: UUID, brandID: UUID) {
        self.$provider.id = providerID
        self.$brand.id = brandID
    }
}
