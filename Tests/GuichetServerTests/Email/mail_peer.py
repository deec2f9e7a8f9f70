"""Real mail peers for Guichet's tests: Python's smtplib as the sender, aiosmtpd as the relay sink.

  mail_peer.py send PORT (smtp|lmtp) FROM TO[,TO…] [--subject S] [--body B] [--message-id ID]
                [--in-reply-to ID] [--attach NAME] [--raw FILE]
      prints {"refused": {address: [code, text]}, "error": null|text, "sent": <bytes of the message>}
  mail_peer.py sink LOGFILE [--reject-rcpt ADDRESS]
      starts an aiosmtpd SMTP server on 127.0.0.1, prints its port, appends each message as a JSON line
  mail_peer.py raw PORT FILE
      sends FILE's bytes in one write (pipelining), prints every reply line until the server closes
"""
import json, smtplib, socket, sys, time
from email.message import EmailMessage
from email.utils import make_msgid, formatdate


def option(name, default=None):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def send():
    port, mode, sender, recipients = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].split(",")
    raw = option("--raw")
    if raw:
        data = open(raw, "rb").read()
    else:
        msg = EmailMessage()
        msg["From"] = "Émilie Durand <%s>" % sender
        msg["To"] = recipients[0]
        msg["Subject"] = option("--subject", "Problème de facturation — échéance")
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = option("--message-id") or make_msgid(domain="client.example")
        if option("--in-reply-to"):
            msg["In-Reply-To"] = option("--in-reply-to")
            msg["References"] = option("--in-reply-to")
        msg.set_content(option("--body", "Bonjour,\n.ligne qui commence par un point\nJ'ai été prélevée deux fois ce mois-ci.\nÉmilie"))
        if option("--attach"):
            msg.add_attachment(b"%PDF-1.4 facture\n" * 50, maintype="application", subtype="pdf",
                               filename=option("--attach"))
        data = msg.as_bytes()
    result = {"refused": {}, "error": None, "sent": data.decode("utf-8", "replace")}
    client = smtplib.LMTP("127.0.0.1", port) if mode == "lmtp" else smtplib.SMTP("127.0.0.1", port, timeout=60)
    try:
        refused = client.sendmail(sender, recipients, data)
        result["refused"] = {k: [v[0], v[1].decode()] for k, v in refused.items()}
    except smtplib.SMTPRecipientsRefused as e:
        result["refused"] = {k: [v[0], v[1].decode()] for k, v in e.recipients.items()}
        result["error"] = "all recipients refused"
    except smtplib.SMTPResponseException as e:
        result["error"] = "%d %s" % (e.smtp_code, e.smtp_error.decode())
    finally:
        try:
            client.quit()
        except Exception:
            pass
    print(json.dumps(result))


def sink():
    from aiosmtpd.controller import Controller
    log, reject = sys.argv[2], option("--reject-rcpt")

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == reject:
                return "550 5.1.1 no such user here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            from email import message_from_bytes, policy
            msg = message_from_bytes(envelope.content, policy=policy.default)
            body = msg.get_body(preferencelist=("plain",))
            with open(log, "a") as f:
                f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                    "subject": str(msg["Subject"]), "in_reply_to": msg["In-Reply-To"],
                                    "references": msg["References"], "message_id": msg["Message-ID"],
                                    "body": body.get_content() if body else None}) + "\n")
            return "250 Message accepted"

    # aiosmtpd checks its server by connecting to the port it was given: pick a free one first.
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    while True:
        time.sleep(3600)


def raw():
    port, data = int(sys.argv[2]), open(sys.argv[3], "rb").read()
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    received = b""
    s.settimeout(30)  # generous: CI runs every suite at once on two cores
    while not received.endswith(b"\r\n"):  # the greeting, whole
        received += s.recv(4096)
    received = b""
    s.sendall(data)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
    except (socket.timeout, ConnectionError):
        pass
    print(json.dumps(received.decode("utf-8", "replace").split("\r\n")))


{"send": send, "sink": sink, "raw": raw}[sys.argv[1]]()
