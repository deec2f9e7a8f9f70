-- wrk script: POST /api/v1/orgs/ORG/contacts with a distinct French e-mail contact per request
-- (distinct customer address each time, so every request creates a customer, its identity, the contact,
-- its `created`/`queued` events and its first message, then runs the ACD).
-- usage: wrk ... -s intake.lua URL -- TOKEN ORG RUNTAG [IDS_PREFIX] [refused]
-- With `refused` (IDS_PREFIX may then be ""), each body also carries an empty `externalRef`, which the API refuses
-- with a 422 once it has authenticated the request and decoded the whole body: the same request's cost without the
-- database (run.sh's floor).
-- Prints one "RESULT k=v ..." line in the same shape as the peer's api_post.lua (latencies in ms),
-- plus the number of 201s that came back with an assignment. With IDS_PREFIX, each thread writes the
-- contact id of every 201 to IDS_PREFIX.<thread> (one per line) so the run can be checked in the database.
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token, org, tag, idsPrefix = args[1], args[2] or "bench", args[3] or "run", args[4]
  if idsPrefix == "" then idsPrefix = nil end
  refused = args[5] == "refused"
  n, ok, bad, assigned = 0, 0, 0, 0
  codes = {}
  path = "/api/v1/orgs/" .. org .. "/contacts"
  hdrs = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  if idsPrefix then ids = io.open(idsPrefix .. "." .. tid, "w"); ids:setvbuf("line") end
end

local subjects = {
  "Commande %d-%d non re\\u00e7ue",
  "Erreur de facture n\\u00b0%d-%d",
  "Colis ab\\u00eem\\u00e9, commande %d-%d",
  "Question sur mon abonnement %d-%d",
  "Je souhaite r\\u00e9silier (dossier %d-%d)",
}

function request()
  n = n + 1
  local subject = string.format(subjects[(n % #subjects) + 1], tid, n)
  local body = string.format(
    '{"medium":"email","subject":"%s %s","text":"Bonjour,\\nma commande n\\u00b0%d-%d n\\u2019est toujours pas arriv\\u00e9e. '
    .. 'Pouvez-vous v\\u00e9rifier le suivi ? Merci d\\u2019avance.\\nCordialement,\\nC\\u00e9line",%s"customer":'
    .. '{"email":"client%d.%d.%s@exemple.fr","name":"Client\\u00e8le %d-%d"}}',
    tag, subject, tid, n, refused and '"externalRef":"",' or "", tid, n, tag, tid, n)
  return wrk.format("POST", path, hdrs, body)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status == 201 then
    ok = ok + 1
    -- an unassigned contact comes back without the key (nil is omitted), not with "assignment":null
    if string.find(body, '"assignment":{', 1, true) then assigned = assigned + 1 end
    if ids then
      local id = string.match(body, '"contact":{.-"id":"([0-9A-Fa-f%-]+)"')
      if id then ids:write(id, "\n") end
    end
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local tok, tbad, tassigned = 0, 0, 0
  local all = {}
  for _, t in ipairs(threads) do
    tok = tok + t:get("ok"); tbad = tbad + t:get("bad"); tassigned = tassigned + t:get("assigned")
    for code, count in pairs(t:get("codes")) do all[code] = (all[code] or 0) + count end
  end
  local parts = {}
  for code, count in pairs(all) do table.insert(parts, code .. ":" .. count) end
  table.sort(parts)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT completed=%d ok201=%d non201=%d assigned=%d sock_errors=%d duration_s=%.2f rps=%.1f ok_rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.1f mean_ms=%.2f codes=%s\n",
    summary.requests, tok, tbad, tassigned, e.connect + e.read + e.write + e.timeout, secs,
    summary.requests / secs, tok / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, table.concat(parts, ",")))
end
