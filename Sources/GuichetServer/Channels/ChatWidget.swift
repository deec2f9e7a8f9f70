/// The embeddable chat widget, served at `/chat/widget.js`. A brand adds one line to its pages:
/// `<script src="https://guichet.example/chat/widget.js" data-org="maison-lumiere" data-widget="site" defer></script>`
/// Plain JavaScript, no dependency; the conversation survives a page change (its token is kept in
/// sessionStorage) and text is always inserted as text, never as HTML.
enum ChatWidget {
    static let script = #"""
        (function () {
          "use strict";
          var tag = document.currentScript;
          if (!tag) { return; }
          var org = tag.getAttribute("data-org"), widget = tag.getAttribute("data-widget");
          var lang = (tag.getAttribute("data-lang") || document.documentElement.lang || "fr").slice(0, 2);
          var t = lang === "en"
            ? { open: "Chat with us", title: "Customer service", name: "Name", email: "Email (optional)",
                first: "Your question", send: "Send", closed: "The conversation is closed. Thank you!",
                error: "Connection lost, retrying…", ref: "Reference" }
            : { open: "Discuter avec nous", title: "Service client", name: "Nom", email: "E-mail (facultatif)",
                first: "Votre question", send: "Envoyer", closed: "La conversation est terminée. Merci !",
                error: "Connexion perdue, nouvelle tentative…", ref: "Référence" };
          var base = new URL(tag.src, location.href);
          var url = (base.protocol === "https:" ? "wss://" : "ws://") + base.host +
            "/api/v1/channels/chat/" + encodeURIComponent(org) + "/" + encodeURIComponent(widget);
          var key = "guichet-chat-" + org + "-" + widget;
          function el(name, attrs, text) {
            var node = document.createElement(name);
            for (var k in attrs) { node.setAttribute(k, attrs[k]); }
            if (text) { node.textContent = text; }
            return node;
          }
          var box = el("section", { "aria-label": t.title, "id": "guichet-chat",
            "style": "position:fixed;right:1rem;bottom:1rem;width:20rem;max-width:90vw;font:14px system-ui,sans-serif;" +
              "background:#fff;border:1px solid #ccd;border-radius:8px;box-shadow:0 2px 12px rgba(0,0,0,.2);z-index:99999" });
          var toggle = el("button", { "type": "button", "aria-expanded": "false",
            "style": "width:100%;padding:.6rem;border:0;border-radius:8px;background:#0b5cad;color:#fff;font:inherit" }, t.open);
          var panel = el("div", { "hidden": "" });
          var log = el("ol", { "aria-live": "polite", "style": "list-style:none;margin:0;padding:.5rem;max-height:16rem;overflow:auto" });
          var status = el("p", { "role": "status", "style": "margin:.25rem .5rem;color:#5b6473" });
          var form = el("form", { "style": "display:flex;flex-direction:column;gap:.3rem;padding:.5rem" });
          var name = el("input", { "type": "text", "placeholder": t.name, "aria-label": t.name, "maxlength": "200" });
          var email = el("input", { "type": "email", "placeholder": t.email, "aria-label": t.email, "maxlength": "200" });
          var text = el("textarea", { "rows": "2", "placeholder": t.first, "aria-label": t.first, "maxlength": "4000", "required": "" });
          form.appendChild(name); form.appendChild(email); form.appendChild(text);
          form.appendChild(el("button", { "type": "submit" }, t.send));
          panel.appendChild(log); panel.appendChild(status); panel.appendChild(form);
          box.appendChild(toggle); box.appendChild(panel);
          document.body.appendChild(box);
          toggle.addEventListener("click", function () {
            var open = panel.hasAttribute("hidden");
            if (open) { panel.removeAttribute("hidden"); } else { panel.setAttribute("hidden", ""); }
            toggle.setAttribute("aria-expanded", String(open));
          });
          var socket = null, started = false, retry = 500;
          function line(from, body) {
            var item = el("li", { "style": "margin:.25rem 0;text-align:" + (from === "agent" ? "left" : "right") });
            item.appendChild(el("span", { "style": "display:inline-block;padding:.3rem .5rem;border-radius:6px;background:" +
              (from === "agent" ? "#eef2f7" : "#dbe9fb") }, body));
            log.appendChild(item);
            log.scrollTop = log.scrollHeight;
          }
          function connect() {
            socket = new WebSocket(url);
            socket.onopen = function () {
              retry = 500; status.textContent = "";
              var token = sessionStorage.getItem(key);
              if (token) { socket.send(JSON.stringify({ type: "resume", token: token })); }
            };
            socket.onmessage = function (event) {
              var frame = JSON.parse(event.data);
              if (frame.type === "started") {
                started = true; sessionStorage.setItem(key, frame.token);
                name.hidden = true; email.hidden = true; text.placeholder = "";
                status.textContent = t.ref + " " + frame.reference;
              } else if (frame.type === "message") {
                line(frame.from, frame.text);
              } else if (frame.type === "closed") {
                status.textContent = t.closed; sessionStorage.removeItem(key);
              } else if (frame.type === "error") {
                status.textContent = frame.detail;
                if (frame.detail === "unknown conversation") { sessionStorage.removeItem(key); }
              }
            };
            socket.onclose = function () {
              status.textContent = t.error;
              setTimeout(connect, retry); retry = Math.min(retry * 2, 10000);
            };
          }
          form.addEventListener("submit", function (event) {
            event.preventDefault();
            var body = text.value.trim();
            if (!body || !socket || socket.readyState !== 1) { return; }
            if (started) {
              socket.send(JSON.stringify({ type: "message", text: body }));
            } else {
              socket.send(JSON.stringify({ type: "start", name: name.value, email: email.value, text: body }));
            }
            line("customer", body);
            text.value = "";
          });
          connect();
        })();
        """#
}
