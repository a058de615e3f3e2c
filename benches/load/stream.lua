-- wrk script: a mixed, Entra-shaped provisioning stream.
--   50% GET /Users?filter=userName eq "user<k>@example.com"   (Entra's lookup before create)
--   20% GET /Users?filter=externalId eq "ext-<k>"
--   15% PATCH /Users/{id}   replace name.givenName
--   10% PATCH /Groups/{id}  add a member, or remove one through members[value eq "..."]
--    5% POST /Users          a new user
-- USERS: how many seeded users to look up; USER_IDS / GROUP_IDS: files of ids (one a line).
local users = tonumber(os.getenv("USERS") or "100000")
local base = os.getenv("BASE_PATH") or ""
local run = os.getenv("RUN") or tostring(os.time())
local next_tid = 1

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

local function lines(path)
  local out = {}
  for line in io.lines(path) do
    if #line > 0 then table.insert(out, line) end
  end
  return out
end

function init(args)
  math.randomseed(os.time() + tid * 7919)
  user_ids = lines(os.getenv("USER_IDS"))
  group_ids = lines(os.getenv("GROUP_IDS"))
  created = 0
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Content-Type"] = "application/scim+json",
  }
end

local PATCH_OP = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":['

function request()
  local r = math.random(100)
  if r <= 50 then
    local k = math.random(0, users - 1)
    return wrk.format("GET", base .. "/Users?filter=userName+eq+%22user" .. k .. "%40example.com%22", headers)
  elseif r <= 70 then
    local k = math.random(0, users - 1)
    return wrk.format("GET", base .. "/Users?filter=externalId+eq+%22ext-" .. k .. "%22", headers)
  elseif r <= 85 then
    local id = user_ids[math.random(#user_ids)]
    local body = PATCH_OP .. '{"op":"replace","path":"name.givenName","value":"G' .. math.random(1000000) .. '"}]}'
    return wrk.format("PATCH", base .. "/Users/" .. id, headers, body)
  elseif r <= 95 then
    local gid = group_ids[math.random(#group_ids)]
    local uid = user_ids[math.random(#user_ids)]
    local body
    if math.random(2) == 1 then
      body = PATCH_OP .. '{"op":"add","path":"members","value":[{"value":"' .. uid .. '"}]}]}'
    else
      body = PATCH_OP .. '{"op":"remove","path":"members[value eq \\"' .. uid .. '\\"]"}]}'
    end
    return wrk.format("PATCH", base .. "/Groups/" .. gid, headers, body)
  else
    created = created + 1
    local body = string.format(
      '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new-%s-%d-%d@example.com",' ..
      '"externalId":"new-%s-%d-%d","active":true}', run, tid, created, run, tid, created)
    return wrk.format("POST", base .. "/Users", headers, body)
  end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
