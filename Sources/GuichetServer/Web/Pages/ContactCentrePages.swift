import Foundation
import GuichetCore
import GuichetStore

/// Phrases of the contact-centre pages.
enum CCStrings {
    static let liveTitle = Localized(fr: "Files d’attente en direct", en: "Live queues")
    static let liveIntro = Localized(
        fr: "Mis à jour en direct ; sans JavaScript, rechargez la page.",
        en: "Updated live; without JavaScript, reload the page.")
    static let queue = Localized(fr: "File", en: "Queue")
    static let waiting = Localized(fr: "En attente", en: "Waiting")
    static let longestWait = Localized(fr: "Attente la plus longue", en: "Longest wait")
    static let inProgress = Localized(fr: "En cours", en: "In progress")
    static let agents = Localized(fr: "Conseillers", en: "Agents")
    static let agent = Localized(fr: "Conseiller", en: "Agent")
    static let state = Localized(fr: "État", en: "State")
    static let load = Localized(fr: "Contacts en main", en: "Contacts in hand")
    static let recent = Localized(fr: "Derniers contacts", en: "Latest contacts")
    static let customer = Localized(fr: "Client", en: "Customer")
    static let channel = Localized(fr: "Canal", en: "Channel")
    static let motif = Localized(fr: "Motif", en: "Reason")
    static let created = Localized(fr: "Arrivé", en: "Arrived")
    static let customers = Localized(fr: "Clients", en: "Customers")
    static let search = Localized(fr: "Rechercher", en: "Search")
    static let searchLabel = Localized(fr: "Nom, téléphone, e-mail ou pseudo", en: "Name, phone, email or handle")
    static let identities = Localized(fr: "Identités", en: "Identities")
    static let journey = Localized(fr: "Parcours", en: "Journey")
    static let journeyText = Localized(
        fr: "%@ contacts, par %@ points d’entrée ; %@ avec mise en attente ou transfert.",
        en: "%@ contacts, through %@ entry points; %@ with a hold or a transfer.")
    static let timeline = Localized(fr: "Historique, tous canaux", en: "History, every channel")
    static let merges = Localized(fr: "Fusions", en: "Merges")
    static let noCustomer = Localized(fr: "Aucun client trouvé.", en: "No customer found.")
    static let contactCentre = Localized(fr: "Centre de contacts", en: "Contact centre")

    static func stateName(_ state: String) -> Localized {
        switch state {
        case "available": return Localized(fr: "disponible", en: "available")
        case "busy": return Localized(fr: "occupé", en: "busy")
        case "wrap_up": return Localized(fr: "post-appel", en: "wrap-up")
        case "away": return Localized(fr: "absent", en: "away")
        case "queued": return Localized(fr: "en attente", en: "waiting")
        case "offered": return Localized(fr: "proposé", en: "offered")
        case "in_progress": return Localized(fr: "en cours", en: "in progress")
        case "on_hold": return Localized(fr: "en garde", en: "on hold")
        case "resolved": return Localized(fr: "résolu", en: "resolved")
        case "abandoned": return Localized(fr: "abandonné", en: "abandoned")
        default: return Localized(fr: state, en: state)
        }
    }

    static func mediumName(_ medium: Medium) -> Localized {
        switch medium {
        case .voice: return Localized(fr: "téléphone", en: "phone")
        case .email: return Localized(fr: "e-mail", en: "email")
        case .chat: return Localized(fr: "chat", en: "chat")
        case .social: return Localized(fr: "réseau social", en: "social network")
        case .form: return Localized(fr: "formulaire", en: "web form")
        }
    }
}

enum LiveQueuesPage {
    static func render(
        organisation: OrganisationSummary, live: LiveQueues, recent: [ContactRecord], context: PageContext
    ) -> Markup {
        Layout.page(context, title: context.t(CCStrings.liveTitle)) {
            element("h1") { context.t(CCStrings.liveTitle) + " — \(organisation.name)" }
            element("p", .class("muted"), .id("live-status")) { context.t(CCStrings.liveIntro) }
            element("p") {
                element("a", .href("/orgs/\(organisation.slug)/customers")) { context.t(CCStrings.customers) }
            }
            element(
                "div", .id("live"), .data("socket", "/orgs/\(organisation.slug)/live/socket"),
                .data("lang", context.language.rawValue)
            ) {
                queues(live, context)
                agents(live, context)
            }
            element("section", .class("card")) {
                element("h2") { context.t(CCStrings.recent) }
                element("table", .id("recent-contacts")) {
                    Layout.tableHead(
                        context,
                        [
                            CCStrings.created, CCStrings.channel, CCStrings.motif, CCStrings.queue, CCStrings.state,
                            CCStrings.customer,
                        ])
                    element("tbody") {
                        for contact in recent {
                            element("tr") {
                                element("td") { Layout.date(contact.createdAt, context.language) }
                                element("td") { context.t(CCStrings.mediumName(contact.medium)) }
                                element("td") { contact.motif ?? "—" }
                                element("td") { contact.queue }
                                element("td") { context.t(CCStrings.stateName(contact.state.rawValue)) }
                                element("td") {
                                    if let customer = contact.customerID {
                                        element("a", .href("/orgs/\(organisation.slug)/customers/\(customer)")) {
                                            context.t(CCStrings.customer)
                                        }
                                    } else {
                                        "—"
                                    }
                                }
                            }
                        }
                    }
                }
            }
            element("script", .init("src", "/static/live.js"), .init("defer", "")) { "" }
        }
    }

    static func seconds(_ value: Double?) -> String {
        guard let value else { return "—" }
        let total = Int(value.rounded())
        return total < 60 ? "\(total) s" : "\(total / 60) min \(total % 60) s"
    }

    static func queues(_ live: LiveQueues, _ context: PageContext) -> Markup {
        element("section", .class("card")) {
            element("h2") { context.t(CCStrings.queue) }
            element("table", .id("live-queues")) {
                Layout.tableHead(
                    context, [CCStrings.queue, CCStrings.waiting, CCStrings.longestWait, CCStrings.inProgress])
                element("tbody") {
                    for queue in live.queues {
                        element("tr", .data("queue", queue.code)) {
                            element("th", .init("scope", "row")) { queue.name }
                            element("td", .data("field", "waiting")) { "\(queue.waiting)" }
                            element(
                                "td", .data("field", "longestWait"), .class((queue.longestWait ?? 0) > 30 ? "late" : "")
                            ) {
                                seconds(queue.longestWait)
                            }
                            element("td", .data("field", "inProgress")) { "\(queue.inProgress)" }
                        }
                    }
                }
            }
        }
    }

    static func agents(_ live: LiveQueues, _ context: PageContext) -> Markup {
        element("section", .class("card")) {
            element("h2") { context.t(CCStrings.agents) }
            element("div", .class("live-grid"), .id("agent-states")) {
                for state in ["available", "busy", "wrap_up", "away"] {
                    element("div", .data("state", state)) {
                        element("div", .class("metric")) { "\(live.agents[state] ?? 0)" }
                        context.t(CCStrings.stateName(state))
                    }
                }
            }
            element("table", .id("live-agents")) {
                Layout.tableHead(context, [CCStrings.agent, CCStrings.state, CCStrings.load])
                element("tbody") {
                    for agent in live.agentList {
                        let busy = agent.load.values.reduce(0, +) > 0
                        element("tr", .data("agent", agent.code)) {
                            element("th", .init("scope", "row")) { agent.name }
                            element("td", .data("field", "state")) {
                                context.t(
                                    CCStrings.stateName(
                                        agent.state == .available && busy ? "busy" : agent.state.rawValue))
                            }
                            element("td", .data("field", "load")) {
                                agent.load.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                                    "\($0.value) \(context.t(CCStrings.mediumName($0.key)))"
                                }
                                .joined(separator: ", ")
                            }
                        }
                    }
                }
            }
        }
    }
}

enum CustomerPages {
    static func search(
        organisation: OrganisationSummary, query: String, customers: [CustomerRecord], context: PageContext
    )
        -> Markup
    {
        Layout.page(context, title: context.t(CCStrings.customers)) {
            element("h1") { context.t(CCStrings.customers) }
            element("form", .method("get"), .class("card")) {
                element("label", .for("q")) { context.t(CCStrings.searchLabel) }
                element("input", .type("text"), .id("q"), .name("q"), .value(query))
                element("button", .type("submit"), .class("primary")) { context.t(CCStrings.search) }
            }
            if !query.isEmpty && customers.isEmpty {
                element("p") { context.t(CCStrings.noCustomer) }
            }
            element("ul", .id("customer-results")) {
                for customer in customers {
                    element("li") {
                        element("a", .href("/orgs/\(organisation.slug)/customers/\(customer.id)")) {
                            customer.displayName ?? customer.identities.first?.description ?? customer.id.uuidString
                        }
                        " — " + customer.identities.map(\.description).joined(separator: ", ")
                    }
                }
            }
        }
    }

    static func customer(
        organisation: OrganisationSummary, customer: CustomerRecord, journey: JourneyView, history: [HistoryEntry],
        merges: [CustomerMergeRecord], context: PageContext
    ) -> Markup {
        let title = customer.displayName ?? customer.identities.first?.description ?? context.t(CCStrings.customer)
        return Layout.page(context, title: title) {
            element("h1") { title }
            element("section", .class("card")) {
                element("h2") { context.t(CCStrings.identities) }
                element("ul", .id("identities")) {
                    for identity in customer.identities { element("li") { identity.description } }
                }
                if !customer.attributes.isEmpty {
                    element("p") {
                        customer.attributes.sorted { $0.key < $1.key }.map { "\($0.key) : \($0.value)" }.joined(
                            separator: " · ")
                    }
                }
            }
            element("section", .class("card"), .id("journey")) {
                element("h2") { context.t(CCStrings.journey) }
                element("p") {
                    String(
                        format: context.t(CCStrings.journeyText).replacingOccurrences(of: "%@", with: "%@"),
                        "\(journey.contacts)", "\(journey.entryPointsTouched)", "\(journey.contactsWithHoldOrTransfer)")
                }
            }
            element("section", .class("card")) {
                element("h2") { context.t(CCStrings.timeline) }
                element("ol", .class("timeline"), .id("timeline")) {
                    for entry in history { contactItem(entry, context) }
                }
            }
            if !merges.isEmpty {
                element("section", .class("card")) {
                    element("h2") { context.t(CCStrings.merges) }
                    element("ul", .id("merges")) {
                        for merge in merges {
                            element("li") {
                                Layout.date(merge.at, context.language) + " — \(merge.mergedBy) : \(merge.reason) ("
                                    + merge.movedIdentities.joined(separator: ", ") + ")"
                            }
                        }
                    }
                }
            }
        }
    }

    private static func contactItem(_ entry: HistoryEntry, _ context: PageContext) -> Markup {
        let contact = entry.contact
        return element("li", .data("contact", contact.id.uuidString)) {
            element("p") {
                element("span", .class("badge")) { context.t(CCStrings.mediumName(contact.medium)) }
                " " + contact.subject + " "
                element("span", .class("when")) {
                    Layout.date(contact.createdAt, context.language) + " · " + (contact.entryPoint ?? "—") + " · "
                        + (contact.motif ?? "—") + " · " + context.t(CCStrings.stateName(contact.state.rawValue))
                }
            }
            element("details") {
                element("summary") { "\(entry.events.count) événements / events, \(entry.messages.count) messages" }
                element("ul") {
                    for event in entry.events {
                        element("li") {
                            "\(event.kind.rawValue) — " + Layout.date(event.at, context.language)
                                + (event.actor.map { " — \($0)" } ?? "") + (event.queue.map { " — \($0)" } ?? "")
                                + (event.reason.map { " — \($0)" } ?? "")
                        }
                    }
                }
                for message in entry.messages {
                    element("blockquote") {
                        element("p", .class("when")) {
                            (message.direction == .inbound ? "← " : "→ ") + message.author + " · "
                                + Layout.date(message.at, context.language)
                                + (message.delivery.map { " · \($0)" } ?? "")
                        }
                        element("p") { String(message.body.prefix(2000)) }
                        if !message.attachments.isEmpty {
                            element("p") {
                                "📎 "
                                    + message.attachments.map { "\($0.filename ?? "?") (\($0.size) o)" }.joined(
                                        separator: ", ")
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/static/live.js`: keeps the live-queues page current from its WebSocket. Text only, never HTML.
enum LiveScript {
    static let source = #"""
        (function () {
          "use strict";
          var root = document.getElementById("live");
          if (!root || !window.WebSocket) { return; }
          var fr = root.getAttribute("data-lang") !== "en";
          var names = fr ? { available: "disponible", busy: "occupé", wrap_up: "post-appel", away: "absent" }
                         : { available: "available", busy: "busy", wrap_up: "wrap-up", away: "away" };
          var media = fr ? { voice: "téléphone", email: "e-mail", chat: "chat", social: "réseau social", form: "formulaire" }
                         : { voice: "phone", email: "email", chat: "chat", social: "social network", form: "web form" };
          var status = document.getElementById("live-status");
          function seconds(value) {
            if (value === null || value === undefined) { return "—"; }
            var total = Math.round(value);
            return total < 60 ? total + " s" : Math.floor(total / 60) + " min " + (total % 60) + " s";
          }
          function set(row, field, text) {
            var cell = row && row.querySelector('[data-field="' + field + '"]');
            if (cell) { cell.textContent = text; }
            return cell;
          }
          function apply(live) {
            live.queues.forEach(function (queue) {
              var row = root.querySelector('tr[data-queue="' + CSS.escape(queue.code) + '"]');
              set(row, "waiting", String(queue.waiting));
              var cell = set(row, "longestWait", seconds(queue.longestWait));
              if (cell) { cell.className = (queue.longestWait || 0) > 30 ? "late" : ""; }
              set(row, "inProgress", String(queue.inProgress));
            });
            Object.keys(names).forEach(function (state) {
              var box = root.querySelector('[data-state="' + state + '"] .metric');
              if (box) { box.textContent = String(live.agents[state] || 0); }
            });
            live.agentList.forEach(function (agent) {
              var row = root.querySelector('tr[data-agent="' + CSS.escape(agent.code) + '"]');
              var held = Object.keys(agent.load || {}).reduce(function (n, k) { return n + agent.load[k]; }, 0);
              var state = agent.state === "available" && held > 0 ? "busy" : agent.state;
              set(row, "state", names[state] || state);
              set(row, "load", Object.keys(agent.load || {}).sort().map(function (k) {
                return agent.load[k] + " " + (media[k] || k);
              }).join(", "));
            });
          }
          var retry = 500;
          function connect() {
            var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.getAttribute("data-socket");
            var socket = new WebSocket(url);
            socket.onopen = function () { retry = 500; root.setAttribute("data-connected", "true"); };
            socket.onmessage = function (event) { apply(JSON.parse(event.data)); root.setAttribute("data-updates",
              String(Number(root.getAttribute("data-updates") || "0") + 1)); };
            socket.onclose = function () {
              root.setAttribute("data-connected", "false");
              if (status) { status.textContent = fr ? "Connexion perdue, nouvelle tentative…" : "Connection lost, retrying…"; }
              setTimeout(connect, retry); retry = Math.min(retry * 2, 10000);
            };
          }
          connect();
        })();
        """#
}
