import Foundation
import GuichetStore
import Logging

/// Everything Guichet can be told at start-up, from command-line flags and the environment.
///
/// Flags win over environment variables, which win over defaults. Loading checks every value and
/// reports all the bad ones at once, so an operator fixes them in one go.
public struct GuichetConfiguration: Sendable {
    public var hostname = "127.0.0.1"
    public var port = 8080
    public var database = DatabaseLocation.defaultLocation
    /// Largest request body accepted, in bytes (`413 Payload Too Large` above).
    public var maxBodyBytes = 1_048_576
    /// How long a browser session lasts without signing in again.
    public var sessionLifetime: TimeInterval = 12 * 3600
    /// Mark cookies `Secure` (set when Guichet is served over HTTPS).
    public var secureCookies = false
    /// Failed sign-ins allowed per email within `loginWindow` before it is locked for the rest of it.
    public var loginMaxFailures = 5
    public var loginWindow: TimeInterval = 15 * 60
    /// bcrypt cost for new passwords (each +1 doubles the work).
    public var passwordCost = 12
    public var logLevel = Logger.Level.info
    /// Load the demo organisations, people and data.
    public var demo = false
    /// Where the inbound mail listener accepts SMTP or LMTP from the MTA (nil: no listener).
    public var mailListen: (host: String, port: Int)?
    public var mailProtocol = "lmtp"
    /// The SMTP relay replies are sent through (nil: email replies are refused with a reason).
    public var mailRelay: (host: String, port: Int)?
    public var mailRelayUser: String?
    public var mailRelayPassword: String?
    /// The name this server gives itself in SMTP and Message-IDs.
    public var mailHostname = "guichet.localhost"

    public init() {}

    /// One configurable value: its environment variable, and how to apply a textual value.
    struct Setting: Sendable {
        let variable: String
        let help: String
        let apply: @Sendable (inout GuichetConfiguration, String) -> String?
    }

    /// Every setting Guichet reads from the environment, documented in docs/OPERATIONS.md.
    static let settings: [Setting] = [
        Setting(variable: "GUICHET_HOSTNAME", help: "address to listen on") { config, value in
            guard !value.isEmpty, !value.contains(" ") else { return "must be a host name or IP address" }
            config.hostname = value
            return nil
        },
        Setting(variable: "GUICHET_PORT", help: "TCP port") { config, value in
            guard let port = Int(value), (1...65535).contains(port) else { return "must be an integer in 1…65535" }
            config.port = port
            return nil
        },
        Setting(variable: "DATABASE_URL", help: "postgres://… or sqlite:PATH") { config, value in
            do {
                config.database = try DatabaseLocation(parsing: value)
                return nil
            } catch {
                return String(describing: error)
            }
        },
        Setting(variable: "GUICHET_MAX_BODY_BYTES", help: "largest request body") { config, value in
            guard let bytes = Int(value), (1024...(256 * 1_048_576)).contains(bytes) else {
                return "must be an integer between 1024 and 268435456"
            }
            config.maxBodyBytes = bytes
            return nil
        },
        Setting(variable: "GUICHET_SESSION_HOURS", help: "browser session lifetime") { config, value in
            guard let hours = Double(value), hours > 0, hours <= 24 * 30 else {
                return "must be a number of hours in (0, 720]"
            }
            config.sessionLifetime = hours * 3600
            return nil
        },
        Setting(variable: "GUICHET_SECURE_COOKIES", help: "true behind HTTPS") { config, value in
            guard let flag = parseBool(value) else { return "must be true or false" }
            config.secureCookies = flag
            return nil
        },
        Setting(variable: "GUICHET_LOGIN_MAX_FAILURES", help: "failed sign-ins before lock") { config, value in
            guard let count = Int(value), (1...1000).contains(count) else { return "must be an integer in 1…1000" }
            config.loginMaxFailures = count
            return nil
        },
        Setting(variable: "GUICHET_LOGIN_WINDOW_MINUTES", help: "failure counting window") { config, value in
            guard let minutes = Double(value), minutes > 0, minutes <= 24 * 60 else {
                return "must be a number of minutes in (0, 1440]"
            }
            config.loginWindow = minutes * 60
            return nil
        },
        Setting(variable: "GUICHET_BCRYPT_COST", help: "bcrypt cost") { config, value in
            guard let cost = Int(value), (4...31).contains(cost) else { return "must be an integer in 4…31" }
            config.passwordCost = cost
            return nil
        },
        Setting(variable: "LOG_LEVEL", help: "trace, debug, info, notice, warning, error, critical") { config, value in
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                return "must be one of trace, debug, info, notice, warning, error, critical"
            }
            config.logLevel = level
            return nil
        },
        Setting(variable: "GUICHET_DEMO", help: "load demo data") { config, value in
            guard let flag = parseBool(value) else { return "must be true or false" }
            config.demo = flag
            return nil
        },
        hostPort("GUICHET_MAIL_LISTEN", help: "host:port of the inbound mail listener", example: "127.0.0.1:2525") {
            $0.mailListen = $1
        },
        Setting(variable: "GUICHET_MAIL_PROTOCOL", help: "lmtp or smtp") { config, value in
            guard ["lmtp", "smtp"].contains(value.lowercased()) else { return "must be lmtp or smtp" }
            config.mailProtocol = value.lowercased()
            return nil
        },
        hostPort("GUICHET_MAIL_RELAY", help: "host:port of the SMTP relay for replies", example: "127.0.0.1:25") {
            $0.mailRelay = $1
        },
        Setting(variable: "GUICHET_MAIL_RELAY_USER", help: "SMTP relay user (AUTH PLAIN)") { config, value in
            config.mailRelayUser = value.isEmpty ? nil : value
            return nil
        },
        Setting(variable: "GUICHET_MAIL_RELAY_PASSWORD", help: "SMTP relay password") { config, value in
            config.mailRelayPassword = value.isEmpty ? nil : value
            return nil
        },
        Setting(variable: "GUICHET_MAIL_HOSTNAME", help: "name in SMTP greetings and Message-IDs") { config, value in
            guard !value.isEmpty, value.count <= 253, !value.contains(" ") else { return "must be a host name" }
            config.mailHostname = value
            return nil
        },
    ]

    /// An optional `host:port` setting: empty turns it off.
    static func hostPort(
        _ variable: String, help: String, example: String,
        set: @escaping @Sendable (inout GuichetConfiguration, (host: String, port: Int)?) -> Void
    ) -> Setting {
        Setting(variable: variable, help: help) { config, value in
            guard !value.isEmpty else {
                set(&config, nil)
                return nil
            }
            guard let address = parseHostPort(value) else { return "must be host:port, e.g. \(example)" }
            set(&config, address)
            return nil
        }
    }

    static func parseHostPort(_ value: String) -> (host: String, port: Int)? {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        let host = String(value[..<colon])
        guard !host.isEmpty, !host.contains(" ") else { return nil }
        return (host, port)
    }

    /// Builds the configuration from the environment, then from `overrides` (flags, keyed by the same
    /// variable names). Throws `ConfigurationError` listing every invalid value.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [String: String] = [:]
    ) throws(ConfigurationError) -> GuichetConfiguration {
        var config = GuichetConfiguration()
        var problems: [String] = []
        for setting in settings {
            for (source, value) in [
                ("environment", environment[setting.variable]), ("flag", overrides[setting.variable]),
            ] {
                guard let value else { continue }
                if let problem = setting.apply(&config, value.trimmingCharacters(in: .whitespaces)) {
                    problems.append("\(setting.variable)=\(redacted(setting.variable, value)) (\(source)): \(problem)")
                }
            }
        }
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return config
    }

    private static func parseBool(_ value: String) -> Bool? {
        switch value.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: return nil
        }
    }

    private static func redacted(_ variable: String, _ value: String) -> String {
        if variable == "GUICHET_MAIL_RELAY_PASSWORD" { return "****" }
        guard variable == "DATABASE_URL" else { return value }
        return (try? DatabaseLocation(parsing: value))?.description ?? "…"
    }
}

/// Start-up refused: every invalid setting, one per line.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var problems: [String]

    public var description: String {
        "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
