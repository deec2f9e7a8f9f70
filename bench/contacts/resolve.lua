-- wrk script: the agents' side, run beside intake.lua so that the run is sustained: it lists the contacts
-- offered to agents (GET …/contacts?state=offered), then records `answered` and `resolved` on each one
-- (POST …/contacts/ID/events). Each `resolved` frees a slot and runs the ACD, which offers the next
-- waiting contact. When nothing is offered it waits POLL_MS before listing again (no busy polling).
-- usage: wrk -tR -cR ... -s resolve.lua URL -- TOKEN ORG R [POLL_MS=20]
-- One connection per thread (-t = -c): a thread's steps must go in order (answered before resolved), and
-- thread k of R only takes the contacts whose id's first hex digit is k modulo R, so no contact is
-- handled twice.
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  token, org = args[1], args[2] or "bench"
  nthreads, pollMs = tonumber(args[3] or "1"), tonumber(args[4] or "20")
  hdrs = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  base = "/api/v1/orgs/" .. org .. "/contacts"
  pending = {}      -- {id, kind} still to send, in order
  seen = {}
  listed, answered, resolved, bad, empty = 0, 0, 0, 0, false
  codes = {}
  last = nil
end

function delay()
  if #pending == 0 and empty then return pollMs end
  return 0
end

function request()
  if #pending > 0 then
    last = table.remove(pending, 1)
    local body = '{"kind":"' .. last.kind .. '"}'
    return wrk.format("POST", base .. "/" .. last.id .. "/events", hdrs, body)
  end
  last = nil
  return wrk.format("GET", base .. "?state=offered&limit=200", hdrs)
end

function response(status, headers, body)
  if last == nil then
    listed = listed + 1
    local found = 0
    for id in string.gmatch(body, '"id":"([0-9A-Fa-f%-]+)"') do
      if not seen[id] and tonumber(string.sub(id, 1, 1), 16) % nthreads == tid then
        seen[id] = true
        found = found + 1
        table.insert(pending, { id = id, kind = "answered" })
      end
    end
    empty = found == 0
    return
  end
  if status ~= 200 then
    bad = bad + 1
    codes[status] = (codes[status] or 0) + 1
    return
  end
  if last.kind == "answered" then
    answered = answered + 1
    -- resolve it next, before the other listed contacts are answered
    table.insert(pending, 1, { id = last.id, kind = "resolved" })
  else
    resolved = resolved + 1
  end
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local l, a, r, b = 0, 0, 0, 0
  local all, parts = {}, {}
  for _, t in ipairs(threads) do
    l = l + t:get("listed"); a = a + t:get("answered"); r = r + t:get("resolved"); b = b + t:get("bad")
    for code, count in pairs(t:get("codes")) do all[code] = (all[code] or 0) + count end
  end
  for code, count in pairs(all) do table.insert(parts, code .. ":" .. count) end
  table.sort(parts)
  io.write(string.format(
    "RESOLVER requests=%d lists=%d answered=%d resolved=%d non200=%d non200_codes=%s resolved_per_s=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, l, a, r, b, table.concat(parts, ","), r / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
