import Foundation
import GuichetCore
import Vapor

/// `/staffing` in a browser: GET shows the form with the reference operation already computed, POST computes the
/// submitted forecast (422 with the form and its messages when a value cannot be used). No JavaScript needed.
struct StaffingWebController {
    /// Small enough that the page answers well under a second, large enough for a useful interval.
    static let replications = 20
    static let seed: UInt64 = 1

    func register(_ web: any RoutesBuilder) {
        web.endpoint(.GET, "staffing", access: .signedIn, audience: .web, use: show)
        web.endpoint(.POST, "staffing", access: .signedIn, audience: .web, use: compute)
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        try await respond(request, form: .reference)
    }

    @Sendable func compute(_ request: Request) async throws -> Response {
        try await respond(request, form: request.content.decode(StaffingForm.self))
    }

    private func respond(_ request: Request, form: StaffingForm) async throws -> Response {
        let language = request.language
        // Planning and 20 replications take milliseconds, but they are CPU work: keep them off the event loop.
        let model = try await request.application.threadPool.runIfActive {
            Self.model(form: form, language: language)
        }
        let page = StaffingPage.render(model, try await PageContext(request: request))
        return HTMLResponse(markup: page, status: model.problems.isEmpty ? .ok : .unprocessableEntity).response()
    }

    /// The page's data for a submitted form: the plan and a small simulation of the days shown, or the problems.
    static func model(form: StaffingForm, language: Language) -> StaffingPage.Model {
        var model = StaffingPage.Model(form: form)
        switch form.request(language) {
        case let .failure(problems):
            model.problems = problems.problems
        case let .success(request):
            do {
                let plan = try StaffingService.plan(request)
                // A flat week has identical days: show the first normal day and every peak day.
                let shown = (plan.days.first { !$0.isPeakDay }.map { [$0.name] } ?? [])
                    + plan.days.filter(\.isPeakDay).map(\.name)
                let simulation = try StaffingService.simulate(
                    SimulateRequest(
                        forecast: request.forecast, policy: request.policy, replications: replications, seed: seed,
                        days: shown),
                    limits: .api, parallel: false)
                model.result = .init(
                    plan: plan, simulation: simulation, fteHoursPerWeek: request.policy?.fteHoursPerWeek ?? 35,
                    targetFraction: request.policy?.target?.serviceLevel?.fraction ?? 0.8)
            } catch let failure as ValidationFailure {
                model.problems = failure.problems.map {
                    StaffingForm.Problem(field: StaffingForm.field(for: $0.pointer), message: $0.detail)
                }
            } catch {
                model.problems = [StaffingForm.Problem(field: "weeklyCalls", message: "\(error)")]
            }
        }
        return model
    }
}
