/// A fragment of HTML that is safe to send: text is escaped on the way in, never on the way out.
///
/// Pages are built in Swift with `element(...)` and the `@MarkupBuilder` result builder; SVG charts
/// use the same type. The only way to emit unescaped text is `Markup.trusted`, for literals in code.
public struct Markup: Sendable, CustomStringConvertible {
    public private(set) var html: String

    private init(html: String) { self.html = html }

    public static let empty = Markup(html: "")

    /// Text, escaped.
    public static func text(_ value: String) -> Markup { Markup(html: escape(value)) }

    /// HTML written by us in source code (never user input).
    public static func trusted(_ html: StaticString) -> Markup { Markup(html: "\(html)") }

    /// HTML produced by our own renderers (e.g. SVG charts), which escape their own text.
    static func rendered(_ html: String) -> Markup { Markup(html: html) }

    public static func + (lhs: Markup, rhs: Markup) -> Markup { Markup(html: lhs.html + rhs.html) }

    public var description: String { html }

    /// Escapes the five characters that matter in text and in quoted attribute values.
    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// An HTML attribute; `nil` values are left out, `""` gives a boolean attribute.
public struct Attribute: Sendable {
    let name: String
    let value: String?

    public init(_ name: String, _ value: String?) {
        self.name = name
        self.value = value
    }

    public static func `class`(_ value: String) -> Attribute { .init("class", value) }
    public static func id(_ value: String) -> Attribute { .init("id", value) }
    public static func href(_ value: String) -> Attribute { .init("href", value) }
    public static func name(_ value: String) -> Attribute { .init("name", value) }
    public static func type(_ value: String) -> Attribute { .init("type", value) }
    public static func value(_ value: String) -> Attribute { .init("value", value) }
    public static func `for`(_ value: String) -> Attribute { .init("for", value) }
    public static func action(_ value: String) -> Attribute { .init("action", value) }
    public static func method(_ value: String) -> Attribute { .init("method", value) }
    public static func lang(_ value: String) -> Attribute { .init("lang", value) }
    public static func role(_ value: String) -> Attribute { .init("role", value) }
    public static func aria(_ name: String, _ value: String) -> Attribute { .init("aria-\(name)", value) }
    public static func data(_ name: String, _ value: String) -> Attribute { .init("data-\(name)", value) }
    public static func autocomplete(_ value: String) -> Attribute { .init("autocomplete", value) }
    public static var required: Attribute { .init("required", "") }
    public static var selected: Attribute { .init("selected", "") }
    public static func when(_ condition: Bool, _ attribute: Attribute) -> Attribute {
        condition ? attribute : .init(attribute.name, nil)
    }
}

private let voidElements: Set<String> = ["area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"]

/// `<name attributes…>content</name>`; void elements ignore content.
public func element(
    _ name: String, _ attributes: Attribute..., @MarkupBuilder content: () -> Markup = { .empty }
)
    -> Markup
{
    element(name, attributes: attributes, content: content())
}

public func element(_ name: String, attributes: [Attribute], content: Markup) -> Markup {
    var open = "<" + name
    for attribute in attributes {
        guard let value = attribute.value else { continue }
        open +=
            value.isEmpty && (attribute.name == "required" || attribute.name == "selected")
            ? " \(attribute.name)"
            : " \(attribute.name)=\"\(Markup.escape(value))\""
    }
    open += ">"
    if voidElements.contains(name) { return .rendered(open) }
    return .rendered(open + content.html + "</\(name)>")
}

@resultBuilder
public enum MarkupBuilder {
    public static func buildBlock(_ parts: Markup...) -> Markup {
        .rendered(parts.map(\.html).joined())
    }
    public static func buildExpression(_ markup: Markup) -> Markup { markup }
    public static func buildExpression(_ text: String) -> Markup { .text(text) }
    public static func buildOptional(_ markup: Markup?) -> Markup { markup ?? .empty }
    public static func buildEither(first: Markup) -> Markup { first }
    public static func buildEither(second: Markup) -> Markup { second }
    public static func buildArray(_ parts: [Markup]) -> Markup { .rendered(parts.map(\.html).joined()) }
}
