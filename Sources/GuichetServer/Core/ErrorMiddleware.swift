import GuichetCore
import Vapor

/// Turns every error into a response a caller can act on: problem details (JSON) for the API and
/// JSON clients, an HTML page for browsers. 4xx says what was wrong and where; 5xx is logged with
/// the request id and never shows internals.
struct GuichetErrorMiddleware: AsyncMiddleware {
    let renderPage: @Sendable (Request, HTTPResponseStatus, String) -> Response

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return response(for: error, request: request)
        }
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

    /// Explains a decoding failure with a JSON Pointer to the offending field.
    static func describe(_ error: DecodingError) -> AppError {
        func pointer(_ path: [any CodingKey]) -> String {
            "/" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return AppError(.badRequest, title: "Malformed body", detail: "the body is not valid JSON")
        case .dataCorrupted(let context):
            return AppError(
                .unprocessableEntity, title: "Validation failed", detail: "invalid value",
                problems: [.init(pointer: pointer(context.codingPath), detail: "invalid value")])
        case .keyNotFound(let key, let context):
            let where_ = pointer(context.codingPath + [key])
            return AppError(
                .unprocessableEntity, title: "Validation failed", detail: "missing field \(where_)",
                problems: [.init(pointer: where_, detail: "required")])
        case .typeMismatch(let type, let context):
            let where_ = pointer(context.codingPath)
            return AppError(
                .unprocessableEntity, title: "Validation failed", detail: "wrong type at \(where_)",
                problems: [.init(pointer: where_, detail: "expected \(Self.jsonTypeName(type))")])
        case .valueNotFound(let type, let context):
            let where_ = pointer(context.codingPath)
            return AppError(
                .unprocessableEntity, title: "Validation failed", detail: "null at \(where_)",
                problems: [.init(pointer: where_, detail: "expected \(Self.jsonTypeName(type)), got null")])
        @unknown default:
            return AppError(.badRequest, detail: "the body could not be read")
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a value of type \(name)"
        }
    }
}
