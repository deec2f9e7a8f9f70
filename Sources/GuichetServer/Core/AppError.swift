import GuichetCore
import Vapor

/// An error that knows its HTTP meaning. The error middleware renders it as problem details under
/// `/api` and as an HTML page for browsers.
public struct AppError: Error, Sendable {
    public var status: HTTPResponseStatus
    /// Short, stable summary of the kind of problem ("Validation failed").
    public var title: String
    /// What went wrong in this case, for the caller.
    public var detail: String
    public var problems: [FieldProblem]
    public var headers: HTTPHeaders

    public init(
        _ status: HTTPResponseStatus, title: String? = nil, detail: String, problems: [FieldProblem] = [],
        headers: HTTPHeaders = [:]
    ) {
        self.status = status
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.problems = problems
        self.headers = headers
    }

    public static func notFound(_ what: String) -> AppError {
        AppError(.notFound, detail: "\(what) not found")
    }

    public static func forbidden(_ detail: String) -> AppError {
        AppError(.forbidden, detail: detail)
    }

    public static func unauthorized(_ detail: String) -> AppError {
        AppError(.unauthorized, detail: detail, headers: ["WWW-Authenticate": "Bearer realm=\"guichet\""])
    }

    public static func validation(_ failure: ValidationFailure) -> AppError {
        AppError(
            .unprocessableEntity, title: "Validation failed", detail: failure.description,
            problems: failure.problems)
    }
}

/// RFC 9457 problem details: the body of every error response under `/api`.
public struct ProblemDetails: Content, Sendable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// The path of the request that failed.
    public var instance: String
    /// Each invalid field, when the problem is with the input.
    public var errors: [FieldProblem]?
    /// The request's identifier, also in the server's log, for support.
    public var requestId: String?

    public static let mediaType = HTTPMediaType(type: "application", subType: "problem+json")
}
