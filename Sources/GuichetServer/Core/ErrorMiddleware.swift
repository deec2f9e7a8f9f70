import GuichetCore
import GuichetStore
import Vapor

/// Turns every error into a response a caller can act on: problem details (JSON) for the API and
/// JSON clients, an HTML page for browsers. 4xx says what was wrong and where; 5xx is logged with
/// the request id and never shows internals.
///
/// A `Middleware`, not an `AsyncMiddleware`: it has nothing to wait for (see `MetricsMiddleware`).
struct GuichetErrorMiddleware: Middleware {
    let renderPage: @Sendable (Request, HTTPResponseStatus, String) -> Response

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).recover { error in response(for: error, request: request) }
    }

    func response(for error: any Error, request: Request) -> Response {
        let problem = classify(error, request: request)
        if problem.status.code >= 500 {
            request.logger.error("\(request.method) \(request.url.path) failed: \(String(reflecting: error))")
        } else {
            request.logger.debug("\(request.method) \(request.url.path) → \(problem.status.code): \(problem.detail)")
        }
        let response: Response
        if wantsJSON(request) {
            let body = ProblemDetails(
                type: "about:blank", title: problem.title, status: Int(problem.status.code),
                detail: problem.detail, instance: request.url.path,
                errors: problem.problems.isEmpty ? nil : problem.problems,
                requestId: problem.status.code >= 500 ? request.id : nil)
            response = Response(status: problem.status)
            do {
                try response.content.encode(body, as: .json)
            } catch {
                response.body = .init(string: "{\"status\":\(problem.status.code)}")
            }
            response.headers.contentType = ProblemDetails.mediaType
        } else {
            let detail = problem.status.code >= 500 ? request.id : problem.detail
            response = renderPage(request, problem.status, detail)
        }
        for (name, value) in problem.headers where name.lowercased() != "content-type" {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        return response
    }

    private func wantsJSON(_ request: Request) -> Bool {
        if request.url.path.hasPrefix("/api/") || request.url.path == "/health" { return true }
        let accept = request.headers.first(name: .accept) ?? ""
        return accept.contains("json") && !accept.contains("text/html")
    }

    private func classify(_ error: any Error, request: Request) -> AppError {
        switch error {
        case let error as AppError:
            return error
        case let failure as ValidationFailure:
            return .validation(failure)
        case let error as ContactCentreError:
            switch error {
            case .unknownContact, .unknownAgent, .unknownCustomer: return AppError(.notFound, detail: error.description)
            case .unknownQueue: return AppError(.unprocessableEntity, detail: error.description)
            case .invalidTransition, .agentUnavailable, .conflict: return AppError(.conflict, detail: error.description)
            }
        case let error as DecodingError:
            return Self.describe(error)
        case let abort as any AbortError:
            let status = abort.status
            let detail: String
            switch status {
            case .payloadTooLarge:
                detail =
                    "the request body is larger than the limit of \(request.application.guichet.maxBodyBytes) bytes"
            case .notFound:
                detail = "no resource at \(request.url.path)"
            case .unsupportedMediaType:
                detail = "send the body as application/json"
            default:
                detail = status.code >= 500 ? "internal error" : abort.reason
            }
            return AppError(status, detail: detail, headers: abort.headers)
        default:
            return AppError(.internalServerError, title: "Internal Server Error", detail: "internal error")
        }
    }

    /// Explains a decoding failure with a JSON Pointer to the offending field: 400 when the body is not
    /// JSON at all, 422 when a field is missing or of the wrong type.
    static func describe(_ error: DecodingError) -> AppError {
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
            return AppError(.badRequest, title: "Malformed body", detail: "the body is not valid JSON")
        }
        let problem = DecodingProblem.describe(error)
        let detail: String
        switch error {
        case .keyNotFound: detail = "missing field \(problem.pointer)"
        case .typeMismatch, .valueNotFound: detail = "wrong type at \(problem.pointer)"
        default: detail = "invalid value at \(problem.pointer)"
        }
        return AppError(.unprocessableEntity, title: "Validation failed", detail: detail, problems: [problem])
    }
}
