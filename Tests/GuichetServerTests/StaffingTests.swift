import Foundation
import GuichetCore
@testable import GuichetServer
import Testing
import Vapor
import VaporTesting

/// The reference forecast of docs/STAFFING.md as an API body.
private let referenceForecast = """
    {"volume": {"perWeek": 6000},
     "openingHours": [{"days": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
                       "open": "08:30", "close": "19:30"}],
     "intervalMinutes": 30, "peakDays": [{"name": "Peak day", "calls": 2000}], "averageHandlingTime": 240}
    """

private func problems(_ response: TestingHTTPResponse) throws -> [String] {
    struct Body: Decodable {
        struct Problem: Decodable { var pointer: String }
        var errors: [Problem]?
    }
    return try JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView)).errors?.map(\.pointer) ?? []
}

@Suite("Staffing API")
struct StaffingAPITests {
    @Test("Erlang C: the metrics of a staffing and the agents needed are the core's")
    func erlangC() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "agent-a@test.fr"))
            // The reference operation's normal half-hour: 45.45 calls, 90.9 calls/h.
            let perHour = 1000.0 / 11
            let response = try await api.send(
                .POST, "/api/v1/staffing/erlang-c",
                json: #"{"callsPerHour": \#(perHour), "averageHandlingTime": 240, "agents": 9}"#)
            #expect(response.status == .ok)
            let body = try response.content.decode(ErlangResultDTO.self)
            let core = try #require(
                try ErlangC(arrivalRate: perHour / 3600, averageHandlingTime: 240, agents: 9).outcome.metrics)
            #expect(body.agents == 9)
            #expect(body.agentsNeeded == nil)
            #expect(abs(body.probabilityOfWaiting - core.probabilityOfWaiting) < 1e-12)
            #expect(abs(body.serviceLevel - (try core.serviceLevel(within: 30))) < 1e-12)
            #expect(abs(body.serviceLevel - 0.857868) < 1e-6, "docs/STAFFING.md: 85.8 %")
            #expect(abs(body.averageSpeedOfAnswer - core.averageSpeedOfAnswer) < 1e-12)

            let needed = try await api.send(
                .POST, "/api/v1/staffing/erlang-c",
                json: #"{"callsPerHour": \#(perHour * 2), "averageHandlingTime": 240,"#
                    + #" "target": {"maxProbabilityWaitExceeds": {"seconds": 30, "probability": 0.05}}}"#)
            #expect(needed.status == .ok)
            let neededBody = try needed.content.decode(ErlangResultDTO.self)
            #expect(neededBody.agentsNeeded == 18, "docs/STAFFING.md: 18 on the peak day")
            #expect(neededBody.agents == 18)
            #expect(neededBody.targetMet == true)
            #expect(neededBody.probabilityWaitExceeds <= 0.05)
        }
    }

    @Test("Erlang A: abandonment, mean wait and agents needed are the core's")
    func erlangA() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "agent-a@test.fr"))
            let perHour = 2000.0 / 11
            let response = try await api.send(
                .POST, "/api/v1/staffing/erlang-a",
                json: #"{"callsPerHour": \#(perHour), "averageHandlingTime": 240, "averagePatience": 180, "agents": 16}"#)
            #expect(response.status == .ok)
            let body = try response.content.decode(ErlangResultDTO.self)
            let core = try ErlangA(
                arrivalRate: perHour / 3600, averageHandlingTime: 240, averagePatience: 180, agents: 16
            ).metrics
            #expect(body.model == "erlangA")
            #expect(abs((body.probabilityOfAbandonment ?? -1) - core.probabilityOfAbandonment) < 1e-12)
            #expect(abs((body.meanWait ?? -1) - core.meanWait) < 1e-12)
            #expect(abs(body.serviceLevel - (try core.serviceLevel(within: 30))) < 1e-12)
            #expect(abs(body.probabilityOfferedWaitExceeds60s - (try core.probabilityOfferedWaitExceeds(60))) < 1e-12)

            let needed = try await api.send(
                .POST, "/api/v1/staffing/erlang-a",
                json: #"{"callsPerHour": \#(perHour), "averageHandlingTime": 240, "averagePatience": 180}"#)
            let expected = try ErlangA.agentsNeeded(
                arrivalRate: perHour / 3600, averageHandlingTime: 240, averagePatience: 180,
                target: .serviceLevel(fraction: 0.8, within: 30))
            #expect(try needed.content.decode(ErlangResultDTO.self).agentsNeeded == expected)
        }
    }

    @Test("Plan: the reference case gives 9 (13) agents, 16 (23) on the peak day, 24.5 FTE")
    func plan() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "supervisor-a@test.fr"))
            let response = try await api.send(
                .POST, "/api/v1/staffing/plan", json: #"{"forecast": \#(referenceForecast), "policy": {"shrinkage": 0.3}}"#)
            #expect(response.status == .ok)
            let plan = try response.content.decode(PlanDTO.self)
            #expect(plan.model == "erlangC")
            #expect(plan.days.count == 7)
            let monday = try #require(plan.days.first)
            #expect(monday.intervals.count == 22)
            #expect(monday.intervals.first?.start == "08:30")
            #expect(monday.intervals.allSatisfy { $0.agents == 9 && $0.scheduledAgents == 13 })
            let peak = try #require(plan.days.last)
            #expect(peak.isPeakDay && peak.name == "Peak day")
            #expect(peak.intervals.allSatisfy { $0.agents == 16 && $0.scheduledAgents == 23 })
            #expect(abs(plan.weeklyFTE - 858.0 / 35) < 1e-12)
            // docs/STAFFING.md: P(wait > 60 s) = 8.3 % on the peak day, 11.6 of 140 test calls, 1.16 points.
            #expect(abs(peak.award.zeroProbability.mean - 0.083) < 0.001)
            #expect(abs(peak.award.expectedMarkLoss - 1.16) < 0.01)
        }
    }

    @Test("Simulate: seeded and bounded; the simulated service level is close to Erlang's")
    func simulate() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "agent-a@test.fr"))
            let body = #"{"forecast": \#(referenceForecast), "replications": 100, "seed": 7, "days": ["Peak day"]}"#
            let response = try await api.send(.POST, "/api/v1/staffing/simulate", json: body)
            #expect(response.status == .ok)
            let simulation = try response.content.decode(SimulationDTO.self)
            let day = try #require(simulation.days.first)
            #expect(simulation.days.count == 1 && day.name == "Peak day")
            #expect(day.intervals.count == 22 && day.usedFastPath)
            let sl = try #require(day.overall.serviceLevel)
            let expected = try #require(day.expectedServiceLevel)
            // Each interval starts empty in the simulation (the analytic model assumes steady state), so the
            // simulated day is a little better; within a few points.
            #expect(abs(sl.mean - expected) < 0.03, "simulated \(sl.mean) vs Erlang C \(expected)")
            #expect(sl.lower < sl.mean && sl.mean < sl.upper)
            #expect(day.award.zeroProbability.mean > 0 && day.award.zeroProbability.mean < 0.2)
            let again = try await api.send(.POST, "/api/v1/staffing/simulate", json: body)
            #expect(try again.content.decode(SimulationDTO.self) == simulation, "same seed, same answer")

            let fewer = try await api.send(
                .POST, "/api/v1/staffing/simulate",
                json: #"{"forecast": \#(referenceForecast), "replications": 50, "days": ["Peak day"], "agentDelta": -2}"#)
            let understaffed = try #require(try fewer.content.decode(SimulationDTO.self).days.first)
            #expect(understaffed.intervals.allSatisfy { $0.agents == 14 })
            #expect(understaffed.award.expectedMarkLoss > day.award.expectedMarkLoss, "staffing less costs points")
        }
    }

    @Test(
        "Bad input answers 4xx with a pointer to the field, never 500 or NaN",
        arguments: [
            ("erlang-c", #"{"callsPerHour": -5, "averageHandlingTime": 240, "agents": 3}"#, 422, "/callsPerHour"),
            ("erlang-c", #"{"callsPerHour": 1e12, "averageHandlingTime": 240}"#, 422, "/callsPerHour"),
            ("erlang-c", #"{"callsPerHour": 100, "averageHandlingTime": 0, "agents": 3}"#, 422, "/averageHandlingTime"),
            ("erlang-c", #"{"callsPerHour": 100, "averageHandlingTime": 240, "agents": 0}"#, 422, "/agents"),
            ("erlang-c", #"{"callsPerHour": 3600, "averageHandlingTime": 60, "agents": 10}"#, 422, "/agents"),
            ("erlang-c", #"{"callsPerHour": 100, "averageHandlingTime": 240, "target": {"serviceLevel": {"fraction": 1.2, "within": 30}}}"#,
             422, "/target/serviceLevel/fraction"),
            ("erlang-c", #"{"callsPerHour": 100, "averageHandlingTime": 240, "target": {}}"#, 422, "/target"),
            ("erlang-c", #"{"callsPerHour": "many", "averageHandlingTime": 240}"#, 422, "/callsPerHour"),
            ("erlang-c", #"{"averageHandlingTime": 240}"#, 422, "/callsPerHour"),
            ("erlang-c", #"{"callsPerHour": 100, "#, 400, ""),
            ("erlang-a", #"{"callsPerHour": 100, "averageHandlingTime": 240}"#, 422, "/averagePatience"),
            ("erlang-a", #"{"callsPerHour": 100, "averageHandlingTime": 240, "averagePatience": -1}"#, 422,
             "/averagePatience"),
            ("plan", #"{"forecast": {"volume": {"perWeek": 100}, "openingHours": [{"days": ["monday"], "open": "25:99", "close": "19:00"}], "averageHandlingTime": 240}}"#,
             422, "/forecast/openingHours/0/open"),
            ("plan", #"{"forecast": {"volume": {"perWeek": 100}, "openingHours": [{"days": ["moonday"], "open": "08:00", "close": "09:00"}], "averageHandlingTime": 240}}"#,
             422, "/forecast/openingHours/0/days/0"),
            ("plan", #"{"forecast": {"volume": {"perWeek": 100}, "openingHours": [{"days": ["monday"], "open": "08:00", "close": "09:00"}], "intradayWeights": [1, 2, 3], "averageHandlingTime": 240}}"#,
             422, "/forecast/intradayWeights"),
            ("plan", #"{"forecast": \#(referenceForecast), "policy": {"shrinkage": 1}}"#, 422, "/policy/shrinkage"),
            ("simulate", #"{"forecast": \#(referenceForecast), "replications": 100000}"#, 422, "/replications"),
            // 32,000 calls a week and 1,000 replications: 32 M simulated calls, above the API's 20 M.
            ("simulate",
             #"{"forecast": \#(referenceForecast.replacingOccurrences(of: "6000", with: "30000")), "replications": 1000}"#,
             422, "/replications"),
            ("simulate", #"{"forecast": \#(referenceForecast), "days": ["Sunday"]}"#, 422, "/days/0"),
        ])
    func badInput(path: String, json: String, status: Int, pointer: String) async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let api = APIClient(app: app, token: try await Fixtures.token(app, "agent-a@test.fr"))
            let response = try await api.send(.POST, "/api/v1/staffing/\(path)", json: json)
            #expect(Int(response.status.code) == status, "\(response.body.string)")
            #expect(response.headers.contentType == ProblemDetails.mediaType)
            if !pointer.isEmpty { #expect(try problems(response).contains(pointer), "\(response.body.string)") }
            #expect(!response.body.string.lowercased().contains("nan"))
        }
    }

    @Test("Without a token every staffing endpoint answers 401")
    func unauthenticated() async throws {
        try await withTestApp { app in
            let anonymous = APIClient(app: app, token: nil)
            for path in ["erlang-c", "erlang-a", "plan", "simulate"] {
                let response = try await anonymous.send(.POST, "/api/v1/staffing/\(path)", json: "{}")
                #expect(response.status == .unauthorized, "\(path)")
            }
        }
    }
}

@Suite("Staffing page")
struct StaffingPageTests {
    @Test("The page shows the reference case: agents per interval, the SVG chart and the award exposure, in French")
    func french() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let browser = Browser(app)
            try await browser.signIn("supervisor-a@test.fr")
            let page = try await browser.get("/staffing")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Effectifs et simulation"))
            #expect(html.contains("<a href=\"/staffing\">Effectifs</a>"), "a link in the navigation")
            #expect(html.contains("name=\"_csrf\""))
            #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(html.contains("id=\"chart-lundi\"") || html.contains("id=\"chart-monday\""))
            #expect(html.contains("class=\"expected\"") && html.contains("class=\"simulated\""))
            #expect(html.contains("id=\"days-table\""))
            #expect(html.contains("<td class=\"agents\">9</td>"), "9 agents per half-hour on a normal day")
            #expect(html.contains("<td class=\"agents\">16</td>"), "16 on the peak day")
            #expect(html.contains("24,5 ETP"))
            #expect(html.contains("Exposition au prix"))
            #expect(html.contains("Jour de pic"))
        }
    }

    @Test("The page is in English for an English browser, and a valid form is computed (Erlang A with a patience)")
    func englishAndPost() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let browser = Browser(app, acceptLanguage: "en-GB,en;q=0.9")
            try await browser.signIn("agent-a@test.fr")
            let page = try await browser.get("/staffing")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Staffing and simulation"))
            #expect(page.body.string.contains("24.5 FTE"))
            var fields = Self.form
            fields["averagePatience"] = "180"
            let posted = try await browser.post("/staffing", fields)
            #expect(posted.status == .ok)
            #expect(posted.body.string.contains("Model: Erlang A"))
            #expect(posted.body.string.contains("<svg"))
        }
    }

    @Test("A bad value re-renders the form with a message next to the field and answers 422")
    func badValue() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let browser = Browser(app, acceptLanguage: "en")
            try await browser.signIn("agent-a@test.fr")
            try await browser.get("/staffing")
            var fields = Self.form
            fields["targetPercent"] = "120"
            fields["weeklyCalls"] = "lots"
            let response = try await browser.post("/staffing", fields)
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains("role=\"alert\""))
            #expect(html.contains("id=\"targetPercent-error\""))
            #expect(html.contains("id=\"weeklyCalls-error\">enter a number"))
            #expect(html.contains("value=\"lots\""), "the value is shown back as typed")
            #expect(!html.contains("staffing-results"))
        }
    }

    @Test("Without a session the page redirects to sign-in; without a CSRF token the form is refused")
    func access() async throws {
        try await withTestApp { app in
            try await Fixtures.seedTenants(app)
            let anonymous = Browser(app)
            #expect(try await anonymous.get("/staffing").status == .seeOther)
            let browser = Browser(app)
            try await browser.signIn("agent-a@test.fr")
            let forged = try await browser.post("/staffing", Self.form, csrf: "forged")
            #expect(forged.status == .forbidden)
        }
    }

    @Test("Chart text is escaped")
    func chartEscapes() {
        let svg = StaffingChart.render(
            id: "c", title: "<script>alert(1)</script>", description: "a & b",
            points: [.init(label: "<b>", agents: 3, expected: 0.8, simulated: nil)], target: 0.8,
            labels: .init(agents: "A", expected: "E", simulated: "S", target: "T")
        ).html
        #expect(!svg.contains("<script>") && svg.contains("&lt;script&gt;"))
        #expect(!svg.contains("<b>") && svg.contains("a &amp; b"))
    }

    static let form: [String: String] = [
        "weeklyCalls": "6000", "daysOpen": "6", "opens": "08:30", "closes": "19:30", "intervalMinutes": "30",
        "averageHandlingTime": "240", "averagePatience": "", "peakDayCalls": "2000", "targetPercent": "80",
        "targetSeconds": "30", "shrinkagePercent": "30",
    ]
}

@Suite("Staffing command line (library side)")
struct StaffingCommandLineTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    @Test("examples/forecast-reference.json is the reference operation")
    func exampleForecast() throws {
        let path = Self.examples.appendingPathComponent("forecast-reference.json").path
        let dto = try StaffingService.decodeFile(ForecastDTO.self, path: path)
        #expect(dto == ForecastDTO.reference)
        var problems = Problems()
        #expect(dto.forecast(at: "/forecast", into: &problems) == Forecast.reference)
        let plan = try StaffingService.plan(PlanRequest(forecast: dto, policy: PolicyDTO(shrinkage: 0.3)))
        let table = StaffingTables.plan(plan)
        #expect(table.contains("Monday, Tuesday, Wednesday, Thursday, Friday, Saturday"), "identical days printed once")
        #expect(table.contains("24.5 FTE"))
    }

    @Test("A malformed file is named with the path of the bad field")
    func malformedFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-bad-\(UUID()).json").path
        try Data(#"{"volume": {"perWeek": 10}, "openingHours": [{"days": ["monday"], "open": 8}], "averageHandlingTime": 1}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: StaffingInputError.self) {
            try StaffingService.decodeFile(ForecastDTO.self, path: path)
        }
        #expect(error.description.contains(path))
        #expect(error.description.contains("/openingHours/0/open"))
        #expect(throws: StaffingInputError.self) { try StaffingService.decodeFile(ForecastDTO.self, path: "/no/such.json") }
    }

    @Test("Refusals are worded with the flags the user typed")
    func messages() throws {
        let unstable = #expect(throws: ValidationFailure.self) {
            try StaffingService.erlangC(ErlangRequest(callsPerHour: 600, averageHandlingTime: 240, agents: 30))
        }
        let message = StaffingCommandLine.message(for: try #require(unstable))
        #expect(message.hasPrefix("--agents: unstable"))
        #expect(message.contains("at least 41"))

        let fraction = #expect(throws: ValidationFailure.self) {
            try StaffingService.erlangC(ErlangRequest(
                callsPerHour: 100, averageHandlingTime: 240,
                target: try StaffingCommandLine.target(
                    serviceLevel: 80, averageSpeedOfAnswer: nil, maxWaitProbability: nil, within: 30)))
        }
        #expect(StaffingCommandLine.message(for: try #require(fraction)).hasPrefix("--target-sl: expected a fraction"))
        #expect(throws: ValidationFailure.self) {
            try StaffingCommandLine.target(serviceLevel: 0.8, averageSpeedOfAnswer: 20, maxWaitProbability: nil, within: 30)
        }
        let forecast = ValidationFailure(pointer: "/forecast/openingHours/0/open", "bad time")
        #expect(StaffingCommandLine.message(for: forecast, file: "f.json") == "f.json at /openingHours/0/open: bad time")
    }

    @Test("Tables: Erlang answers and simulations read as documented")
    func tables() throws {
        let result = try StaffingService.erlangC(ErlangRequest(callsPerHour: 1000.0 / 11, averageHandlingTime: 240))
        #expect(result.agents == 9)
        let table = StaffingTables.erlang(result)
        #expect(table.contains("9 (the fewest meeting 80 % answered within 30 s)"))
        #expect(table.contains("85.8 %"))
        let simulation = try StaffingService.simulate(
            SimulateRequest(forecast: .reference, replications: 10, days: ["Monday"]), limits: .commandLine)
        let text = StaffingTables.simulation(simulation)
        #expect(text.contains("Monday"))
        #expect(text.contains("award: P(zero)"))
        #expect(!text.lowercased().contains("nan"))
    }
}
