-- :Helix create / start / pause / resume / complete / fail. Which action is
-- legal for which session is the server's business: it refuses the others
-- with one sentence, shown as it comes.
local complete = require("helix_lsp.completion")
local config = require("helix_lsp.config")
local format = require("helix_lsp.format")
local rpc = require("helix_lsp.rpc")

local M = {}

local q = format.quoted

local function paused_note(result)
  local names = {}
  for _, s in ipairs(type(result.paused) == "table" and result.paused or {}) do
    table.insert(names, q(s))
  end
  return #names == 0 and "" or ("; paused " .. table.concat(names, ", "))
end

-- Jumps to an active session's place (when restore_on_resume allows), and
-- tells the server where the cursor now is. Returns " at src/app.py:7" or "".
local function arrive(s, client, restore)
  local place
  if restore and config.options.restore_on_resume then
    place = require("helix_lsp.ui").restore(s, client and client.id)
  end
  require("helix_lsp.cursor").send_now(true)
  return place and (" at " .. place) or ""
end
M.arrive = arrive

local PAST = { start = "started", pause = "paused", resume = "resumed", complete = "completed" }

--- Runs a lifecycle action on a session (an id or name; nil: the server's
--- choice for the current project) and says what happened.
function M.transition(action, ref)
  rpc.run("helix.session." .. action, ref and { session = ref } or {}, function(result, client)
    result = type(result) == "table" and result or {}
    local s = result.session
    local place = ""
    if action == "resume" or action == "start" then
      place = arrive(s, client, action == "resume")
    end
    rpc.info(string.format("%s %s%s%s", PAST[action], q(s), place, paused_note(result)))
  end)
end

--- Fails a session (nil: the current one) with the reason the user gave.
function M.fail(reason, ref)
  local params = { reason = reason }
  if ref then
    params.session = ref
  end
  rpc.run("helix.session.fail", params, function(result)
    local s = type(result) == "table" and result.session or nil
    rpc.info(string.format("failed %s: %s", q(s), tostring(s and s.failureReason or reason)))
  end)
end

--- Creates a session; says how to start it when it is idle.
function M.create(name, mode, project)
  rpc.run("helix.session.create", { name = name, mode = mode, project = project }, function(s)
    local hint = format.allows(s, "start") and "; :Helix start begins it" or ""
    rpc.info(string.format("created %s (%s, project %s)%s", q(s), tostring(s and s.mode),
      tostring(s and s.project), hint))
  end)
end

local verbs = {
  {
    name = "create",
    args = { "{name}", "[mode]", "[project]" },
    about = "create an idle session (mode: building unless given)",
    complete = function(n)
      if n == 2 then
        return complete.modes()
      end
      return n == 3 and complete.projects() or {}
    end,
    run = function(a)
      M.create(a[1], a[2], a[3])
    end,
  },
}

local ABOUT = {
  start = "start an idle session (the newest idle one without a name)",
  pause = "pause the active session",
  resume = "resume a paused session and go back to its place",
  complete = "complete the session",
}
for _, action in ipairs({ "start", "pause", "resume", "complete" }) do
  table.insert(verbs, {
    name = action,
    args = { "[session]" },
    rest = true,
    about = ABOUT[action],
    complete = function(n)
      return n == 1 and complete.names(action) or {}
    end,
    run = function(a)
      M.transition(action, a[1])
    end,
  })
end

table.insert(verbs, {
  name = "fail",
  args = { "{reason}" },
  rest = true,
  about = "mark the current session failed, with the reason",
  run = function(a)
    M.fail(a[1])
  end,
})

M.verbs = verbs
return M
