import Foundation

/// One way a customer shows up: a phone number, an email address or a social-network handle.
/// Stored normalised, so the same person is recognised whatever the spelling.
public enum CustomerIdentity: Codable, Sendable, Hashable, CustomStringConvertible {
    /// E.164, e.g. "+33123456789".
    case phone(String)
    /// Trimmed and lowercased.
    case email(String)
    /// Network and handle, lowercased, without "@".
    case social(network: String, handle: String)

    /// Normalises a phone number typed the French way ("01 23 45 67 89", "+33 1 23…", "0033…") or any
    /// international "+…" number; nil when it cannot be a phone number.
    public static func normalisedPhone(_ raw: String) -> CustomerIdentity? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        var digits = trimmed.filter(\.isNumber)
        guard trimmed.allSatisfy({ $0.isNumber || " .-()/+".contains($0) }) else { return nil }
        // "+33 …", or "(+33) …" as printed on some business cards.
        if trimmed.drop(while: { $0 == "(" || $0 == " " }).hasPrefix("+") {
            // Already international.
        } else if digits.hasPrefix("00") {
            digits.removeFirst(2)
        } else if digits.count == 10, digits.hasPrefix("0") {
            digits = Self.countryCode(ofNational: digits) + digits.dropFirst()
        } else {
            return nil
        }
        // French numbers written "+33 (0)1 …" carry a national 0 after the country code.
        if digits.hasPrefix("330"), digits.count == 12 { digits = "33" + digits.dropFirst(3) }
        guard (8...15).contains(digits.count) else { return nil }
        return .phone("+" + digits)
    }

    /// The overseas departments and collectivities share France's ten-digit national plan but have their own
    /// country codes (ARCEP numbering plan): "0692 12 34 56", a Réunion mobile, is +262 692 12 34 56.
    static let overseasPrefixes: [(prefix: String, country: String)] = [
        ("0590", "590"), ("0690", "590"), ("0691", "590"),  // Guadeloupe, Saint-Martin, Saint-Barthélemy
        ("0594", "594"), ("0694", "594"),  // Guyane
        ("0596", "596"), ("0696", "596"), ("0697", "596"),  // Martinique
        ("0262", "262"), ("0263", "262"), ("0692", "262"), ("0693", "262"),  // La Réunion
        ("0269", "262"), ("0639", "262"),  // Mayotte
        ("0508", "508"),  // Saint-Pierre-et-Miquelon
    ]

    static func countryCode(ofNational digits: String) -> String {
        overseasPrefixes.first { digits.hasPrefix($0.prefix) }?.country ?? "33"
    }

    public static func normalisedEmail(_ raw: String) -> CustomerIdentity? {
        let value = InputRules.normalisedEmail(raw)
        return InputRules.isPlausibleEmail(value) ? .email(value) : nil
    }

    public static func normalisedSocial(network: String, handle: String) -> CustomerIdentity? {
        let network = network.trimmingCharacters(in: .whitespaces).lowercased()
        var handle = handle.trimmingCharacters(in: .whitespaces).lowercased()
        if handle.hasPrefix("@") { handle.removeFirst() }
        guard !network.isEmpty, !handle.isEmpty, !handle.contains(" ") else { return nil }
        return .social(network: network, handle: handle)
    }

    public var description: String {
        switch self {
        case .phone(let number): return "phone \(number)"
        case .email(let address): return "email \(address)"
        case .social(let network, let handle): return "\(network) @\(handle)"
        }
    }
}

/// Merging two customer records found to be the same person: which identities move to the kept record,
/// and the audit entry to store. Pure: the store applies it in one transaction.
public struct CustomerMerge: Codable, Sendable, Hashable {
    public var kept: String
    public var absorbed: String
    /// Identities of the absorbed record that the kept one did not have.
    public var movedIdentities: [CustomerIdentity]
    /// Contacts of the absorbed record, re-attached to the kept one so its history shows every channel.
    public var movedContacts: [String]
    public var mergedBy: String
    public var at: Date
    public var reason: String

    /// Plans the merge; the older record is kept, so existing links keep working.
    public static func plan(
        _ first: (id: String, createdAt: Date, identities: Set<CustomerIdentity>, contacts: [String]),
        _ second: (id: String, createdAt: Date, identities: Set<CustomerIdentity>, contacts: [String]),
        by actor: String, at now: Date, reason: String
    ) throws(ValidationFailure) -> CustomerMerge {
        guard first.id != second.id else {
            throw ValidationFailure(pointer: "/customers", "a customer cannot absorb itself")
        }
        let (kept, absorbed) =
            (first.createdAt, first.id) <= (second.createdAt, second.id) ? (first, second) : (second, first)
        return CustomerMerge(
            kept: kept.id, absorbed: absorbed.id,
            movedIdentities: absorbed.identities.subtracting(kept.identities).sorted {
                $0.description < $1.description
            },
            movedContacts: absorbed.contacts, mergedBy: actor, at: now, reason: reason)
    }
}
