import Foundation

/// Decides which contact an inbound email belongs to, whatever order a conversation's messages arrive in.
public struct MailThreading: Sendable {
    /// How long after a conversation's last message a reply with the same subject (and sender) still joins
    /// it when no header links them.
    public var subjectWindow: TimeInterval = 14 * 24 * 3600

    public init() {}

    /// What is known of earlier mail, from the store.
    public struct Known: Sendable {
        /// Message-ID → contact.
        public var messages: [String: String]
        /// Message-IDs cited (In-Reply-To/References) by stored messages → the contact that cited them: how a
        /// parent arriving after its reply finds the reply's contact, and a second reply to it the first one's.
        public var citedBy: [String: String]
        /// Recent conversations for the subject fallback.
        public var conversations: [Conversation]

        public init(
            messages: [String: String] = [:], citedBy: [String: String] = [:], conversations: [Conversation] = []
        ) {
            self.messages = messages
            self.citedBy = citedBy
            self.conversations = conversations
        }
    }

    public struct Conversation: Sendable, Hashable {
        public var contactID: String
        public var customerEmail: String
        public var subject: String
        public var lastMessageAt: Date

        public init(contactID: String, customerEmail: String, subject: String, lastMessageAt: Date) {
            self.contactID = contactID
            self.customerEmail = customerEmail.lowercased()
            self.subject = MailThreading.normalisedSubject(subject)
            self.lastMessageAt = lastMessageAt
        }
    }

    public enum Decision: Sendable, Hashable {
        case existing(contactID: String, because: String)
        case new
    }

    public func contact(for message: MailMessage, known: Known, now: Date) -> Decision {
        for id in message.inReplyTo {
            if let contact = known.messages[id] { return .existing(contactID: contact, because: "In-Reply-To <\(id)>") }
        }
        for id in message.references.reversed() {
            if let contact = known.messages[id] { return .existing(contactID: contact, because: "References <\(id)>") }
        }
        if let id = message.messageID, let contact = known.citedBy[id] {
            return .existing(contactID: contact, because: "already cited by a reply in that contact")
        }
        // A sibling: it cites a message that is not here yet but that another reply, already in a contact,
        // cites too (two answers to one mail, both arriving before it).
        for id in message.inReplyTo + message.references.reversed() {
            if let contact = known.citedBy[id] {
                return .existing(contactID: contact, because: "cites <\(id)> like a message of that contact")
            }
        }
        let subject = Self.normalisedSubject(message.subject)
        guard !subject.isEmpty, let sender = message.from.first?.email else { return .new }
        let candidates = known.conversations.filter {
            $0.subject == subject && $0.customerEmail == sender
                && now.timeIntervalSince($0.lastMessageAt) <= subjectWindow
        }
        if let latest = candidates.max(by: { $0.lastMessageAt < $1.lastMessageAt }) {
            return .existing(contactID: latest.contactID, because: "same subject from the same sender")
        }
        return .new
    }

    /// "RE: TR: Fwd: AW:  Ma facture" → "ma facture": reply and forward prefixes, in French, English and
    /// German, however many, with or without a space before the colon.
    public static func normalisedSubject(_ subject: String) -> String {
        var text = subject.trimmingCharacters(in: .whitespaces)
        let pattern = #"^(?i)(re|tr|fw|fwd|aw|wg|réf|ref)\s*(\[\d+\])?\s*:\s*"#
        while let range = text.range(of: pattern, options: .regularExpression) {
            text.removeSubrange(range)
        }
        return text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
