-- Sessions as text: one-line rows, details, statistics, durations and
-- readable local times (the server sends ISO 8601 UTC).
local M = {}

local function present(v)
  return v ~= nil and v ~= vim.NIL and v ~= ""
end
M.present = present

function M.duration(seconds)
  seconds = tonumber(seconds)
  if not seconds then
    return "-"
  end
  seconds = math.floor(seconds + 0.5)
  local h = math.floor(seconds / 3600)
  local m = math.floor(seconds % 3600 / 60)
  local s = seconds % 60
  if h > 0 then
    return string.format("%dh%02dm", h, m)
  elseif m > 0 then
    return string.format("%dm%02ds", m, s)
  end
  return string.format("%ds", s)
end

--- Seconds since the epoch of an ISO 8601 timestamp ("2026-11-24T18:00:00Z",
--- with optional fraction and offset), or nil.
function M.epoch(iso)
  if type(iso) ~= "string" then
    return nil
  end
  local y, mo, d, h, mi, s, rest = iso:match("^(%d+)-(%d+)-(%d+)[T ](%d+):(%d+):(%d+)(.*)$")
  if not y then
    return nil
  end
  local fields = { year = tonumber(y), month = tonumber(mo), day = tonumber(d), hour = tonumber(h),
    min = tonumber(mi), sec = tonumber(s), isdst = false }
  -- os.time() reads the fields as local time: measure that offset at this
  -- moment and take it back out.
  local as_local = os.time(fields)
  local utc_fields = os.date("!*t", as_local)
  utc_fields.isdst = false
  local t = as_local + (as_local - os.time(utc_fields))
  local sign, oh, om = rest:match("([+-])(%d%d):?(%d%d)$")
  if sign then
    local offset = (tonumber(oh) * 3600 + tonumber(om) * 60) * (sign == "+" and 1 or -1)
    t = t - offset
  end
  return t
end

--- A timestamp as a local time: "today 14:05", "yesterday 09:12" or
--- "2026-11-24 19:00"; "-" when absent, the text itself when unreadable.
function M.when(iso, now)
  if not present(iso) then
    return "-"
  end
  local t = M.epoch(iso)
  if not t then
    return tostring(iso)
  end
  now = now or os.time()
  local day = os.date("%Y-%m-%d", t)
  if day == os.date("%Y-%m-%d", now) then
    return "today " .. os.date("%H:%M", t)
  elseif day == os.date("%Y-%m-%d", now - 86400) then
    return "yesterday " .. os.date("%H:%M", t)
  end
  return os.date("%Y-%m-%d %H:%M", t)
end

--- A local clock time for a short space: "17:42" today, else as when()
--- says it ("yesterday 17:42", "2026-11-24 17:42").
function M.clock(iso, now)
  local t = M.epoch(iso)
  now = now or os.time()
  if t and os.date("%Y-%m-%d", t) == os.date("%Y-%m-%d", now) then
    return os.date("%H:%M", t)
  end
  return M.when(iso, now)
end

--- "'fix login bug'": a session's name as messages quote it.
function M.quoted(s)
  return "'" .. tostring(type(s) == "table" and s.name or "?") .. "'"
end

--- Whether the server lists `action` among the session's actions now.
function M.allows(s, action)
  return type(s) == "table" and type(s.actions) == "table" and vim.tbl_contains(s.actions, action)
end

local function sorted_keys(t)
  local keys = {}
  if type(t) == "table" then
    for k in pairs(t) do
      table.insert(keys, k)
    end
  end
  table.sort(keys)
  return keys
end

local function list(t)
  return type(t) == "table" and t or {}
end

-- One line: "implement-auth  paused  building  api  2h01m  #auth".
function M.one_line(s)
  local tags = {}
  for _, t in ipairs(list(s.tags)) do
    table.insert(tags, "#" .. t)
  end
  return string.format("%-30s %-9s %-11s %-16s %8s  %s", tostring(s.name), tostring(s.status),
    tostring(s.mode), tostring(present(s.project) and s.project or ""), M.duration(s.activeSeconds),
    table.concat(tags, " "))
end

--- The lifecycle actions the server allows now, as :Helix verbs.
function M.next_steps(s)
  local verbs = {}
  for _, action in ipairs(list(s.actions)) do
    table.insert(verbs, ":Helix " .. action)
  end
  return table.concat(verbs, ", ")
end

function M.details(s)
  local lines = {
    string.format("%s  (%s, %s)", tostring(s.name), tostring(s.status), tostring(s.mode)),
    "  id:       " .. tostring(s.id),
    "  project:  " .. tostring(s.project),
  }
  local function add(label, value)
    if present(value) then
      table.insert(lines, string.format("  %-9s %s", label .. ":", tostring(value)))
    end
  end
  add("about", s.description)
  add("tags", table.concat(list(s.tags), ", "))
  add("created", M.when(s.createdAt))
  add("started", present(s.startedAt) and M.when(s.startedAt) or nil)
  add("paused", present(s.lastPausedAt) and M.when(s.lastPausedAt) or nil)
  add("ended", present(s.endedAt) and M.when(s.endedAt) or nil)
  add("failed", s.failureReason)
  add("time", string.format("%s active, %s overall", M.duration(s.activeSeconds), M.duration(s.durationSeconds)))
  add("next", M.next_steps(s))
  for _, field in ipairs({ "metadata", "context" }) do
    local keys = sorted_keys(s[field])
    if #keys > 0 then
      table.insert(lines, "  " .. field .. ":")
      for _, k in ipairs(keys) do
        table.insert(lines, string.format("    %s = %s", k, tostring(s[field][k])))
      end
    end
  end
  return lines
end

-- "k n, k n" for the keys in `order` (or sorted) with a count above zero.
local function counts(t, order)
  local parts = {}
  for _, k in ipairs(order or sorted_keys(t)) do
    local n = type(t) == "table" and tonumber(t[k]) or nil
    if n and n > 0 then
      table.insert(parts, string.format("%s %d", k, n))
    end
  end
  return table.concat(parts, ", ")
end

local STATUS_ORDER = { "idle", "active", "paused", "completed", "failed" }
M.MODES = { "planning", "building", "testing", "refactoring", "debugging", "deployment" }
M.STATUSES = STATUS_ORDER

function M.stats_lines(st)
  local lines = {
    string.format("Sessions: %s", tostring(st.total or 0)),
    string.format("Active time: %s (average %s per started session)", M.duration(st.activeSeconds),
      M.duration(st.averageActiveSeconds)),
  }
  local by_status = counts(st.byStatus, STATUS_ORDER)
  if by_status ~= "" then
    table.insert(lines, "By status: " .. by_status)
  end
  local by_mode = counts(st.byMode, M.MODES)
  if by_mode ~= "" then
    table.insert(lines, "By mode: " .. by_mode)
  end
  local projects = sorted_keys(st.byProject)
  if #projects > 1 then
    table.insert(lines, "By project:")
    for _, p in ipairs(projects) do
      local ps = st.byProject[p]
      if type(ps) == "table" then
        table.insert(lines, string.format("  %s: %s sessions, %s active", p, tostring(ps.total or 0),
          M.duration(ps.activeSeconds)))
      end
    end
  end
  return lines
end

return M
