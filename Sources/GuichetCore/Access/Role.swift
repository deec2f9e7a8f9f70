/// What a person may do inside one organisation. A user holds roles per organisation.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Manages the organisation, its people and its settings.
    case admin
    /// Runs a team: queues, agents, quality follow-up.
    case supervisor
    /// Handles contacts (conseiller client).
    case agent
    /// Reviews evaluations and quality.
    case evaluator
    /// Client mystère: performs mystery-shopper tests.
    case shopper
    /// Reads dashboards and reports, changes nothing.
    case viewer

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The kind of an organisation using Guichet.
public enum OrganisationKind: String, Codable, Sendable, CaseIterable {
    /// A brand (marque) serving its own customers.
    case brand
    /// An outsourcer (prestataire) running customer service for one or more brands.
    case provider
    /// An award organiser (organisateur), such as the one running "Élu Service Client de l'Année".
    case organiser
}

/// Who may call a route. Every route in Guichet declares one of these.
public enum Access: Sendable, Equatable, CustomStringConvertible {
    /// Anyone, without signing in (login page, health, OpenAPI document).
    case everyone
    /// Any signed-in user, whatever their roles.
    case signedIn
    /// A signed-in user holding at least one of these roles in the organisation the route addresses.
    case roles(Set<Role>)

    /// Whether a caller holding `held` roles in the addressed organisation may pass.
    /// `signedIn` tells whether the caller is authenticated at all.
    public func allows(signedIn: Bool, held: Set<Role>) -> Bool {
        switch self {
        case .everyone: return true
        case .signedIn: return signedIn
        case .roles(let required): return signedIn && !required.isDisjoint(with: held)
        }
    }

    public var description: String {
        switch self {
        case .everyone: return "everyone"
        case .signedIn: return "signed-in"
        case .roles(let roles): return roles.sorted().map(\.rawValue).joined(separator: ",")
        }
    }
}
