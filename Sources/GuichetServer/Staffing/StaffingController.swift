import Foundation
import GuichetCore
import Vapor

/// `/api/v1/staffing/…`: Erlang C and A, interval plans and simulation, for any signed-in caller (the maths
/// reads no tenant data). Simulation work is capped by `SimulationLimits.api` so one request cannot hold a core.
/// Also registers the `/staffing` page (`StaffingWebController`), so the route table needs one line.
struct StaffingController {
    func register(_ api: any RoutesBuilder, web: any RoutesBuilder) {
        StaffingWebController().register(web)
        api.endpoint(
            .POST, "staffing", "erlang-c", access: .signedIn, audience: .api,
            doc: .init(
                summary: "Erlang C: metrics for a staffing, or the fewest agents meeting a target", tag: "Staffing",
                request: ErlangRequest.schema(patience: false), response: ErlangResultDTO.schema),
            use: erlangC)
        api.endpoint(
            .POST, "staffing", "erlang-a", access: .signedIn, audience: .api,
            doc: .init(
                summary: "Erlang A (callers hang up): metrics for a staffing, or the fewest agents meeting a target",
                tag: "Staffing", request: ErlangRequest.schema(patience: true), response: ErlangResultDTO.schema),
            use: erlangA)
        api.endpoint(
            .POST, "staffing", "plan", access: .signedIn, audience: .api,
            doc: .init(
                summary: "Agents per interval, FTE per day and week, expected service level and award exposure",
                tag: "Staffing", request: PlanRequest.schema, response: PlanDTO.schema),
            use: plan)
        api.endpoint(
            .POST, "staffing", "simulate", access: .signedIn, audience: .api,
            doc: .init(
                summary: "Simulate a planned forecast (at most \(SimulationLimits.api.maxReplications) replications "
                    + "and \(Int(SimulationLimits.api.maxSimulatedCalls / 1_000_000)) M simulated calls)",
                tag: "Staffing", request: SimulateRequest.schema, response: SimulationDTO.schema),
            use: simulate)
    }

    @Sendable func erlangC(_ request: Request) async throws -> ErlangResultDTO {
        try StaffingService.erlangC(request.decodeJSON(ErlangRequest.self))
    }

    @Sendable func erlangA(_ request: Request) async throws -> ErlangResultDTO {
        try StaffingService.erlangA(request.decodeJSON(ErlangRequest.self))
    }

    @Sendable func plan(_ request: Request) async throws -> PlanDTO {
        try StaffingService.plan(request.decodeJSON(PlanRequest.self))
    }

    @Sendable func simulate(_ request: Request) async throws -> SimulationDTO {
        let body = try request.decodeJSON(SimulateRequest.self)
        // Up to about a second of CPU: on the blocking-work pool, not the event loop, and on one thread so
        // concurrent requests share the cores.
        return try await request.application.threadPool.runIfActive {
            try StaffingService.simulate(body, limits: .api, parallel: false)
        }
    }
}
