-- :Helix show / list / switch / stats / log / delete: reading sessions and
-- moving between them.
local complete = require("helix_lsp.completion")
local config = require("helix_lsp.config")
local format = require("helix_lsp.format")
local lifecycle = require("helix_lsp.verbs.lifecycle")
local lsp = require("helix_lsp.lsp")
local rpc = require("helix_lsp.rpc")

local M = {}

local function menu()
  return require("helix_lsp.menu")
end

-- The project of the current buffer's server (the root folder's name).
local function current_project()
  if config.options.project then
    return config.options.project
  end
  local client = lsp.current_client()
  local dir = client and lsp.root_of(client.id)
  return dir and vim.fn.fnamemodify(dir, ":t") or nil
end

--- Details of a session (nil: the current one).
function M.show(ref)
  rpc.run("helix.session.get", ref and { session = ref } or {}, function(s)
    if type(s) ~= "table" then
      vim.notify("Helix: no session in this project; :Helix create {name} makes one", vim.log.levels.INFO)
      return
    end
    vim.notify(table.concat(format.details(s), "\n"), vim.log.levels.INFO)
  end)
end

function M.delete(ref)
  rpc.run("helix.session.delete", { session = ref }, function(result)
    local id = type(result) == "table" and result.deleted or nil
    if ref ~= id then
      rpc.info(string.format("deleted '%s' (%s)", ref, tostring(id)))
    else
      rpc.info("deleted " .. tostring(id))
    end
  end)
end

-- List filters: bare statuses and modes, "#tag", key=value; any other word
-- is a tag.
function M.parse_filters(words)
  local params, statuses, modes = {}, {}, {}
  for _, w in ipairs(words) do
    local k, v = w:match("^(%w+)=(.*)$")
    if k == "status" or (not k and vim.tbl_contains(format.STATUSES, w)) then
      table.insert(statuses, v or w)
    elseif k == "mode" or (not k and vim.tbl_contains(format.MODES, w)) then
      table.insert(modes, v or w)
    elseif k == "tag" or k == "project" or k == "query" then
      params[k] = v
    elseif k == "limit" then
      params.limit = tonumber(v) or v
    else
      params.tag = w:match("^#(.+)$") or w
    end
  end
  params.status = #statuses > 1 and statuses or statuses[1]
  params.mode = #modes > 1 and modes or modes[1]
  return params
end

function M.list(words)
  rpc.run("helix.session.list", M.parse_filters(words), function(result)
    local sessions = type(result) == "table" and result.sessions or {}
    menu().pick_session(sessions, string.format("Sessions (%d of %s)", #sessions, tostring(result and result.total)),
      menu().session)
  end)
end

-- Makes `s` the project's active session: starts or resumes it (the server
-- says whether it may), or only goes to its place when it is active already.
local function switch_to(s)
  if format.allows(s, "start") then
    lifecycle.transition("start", s.id)
  elseif s.status == "active" then
    local client = lsp.current_client()
    rpc.info(string.format("'%s' is active%s", tostring(s.name), lifecycle.arrive(s, client, true)))
  else
    lifecycle.transition("resume", s.id)
  end
end

function M.switch(ref)
  if ref then
    rpc.run("helix.session.get", { session = ref }, function(s)
      if type(s) == "table" then
        switch_to(s)
      else
        rpc.error("no session is named " .. ref)
      end
    end)
    return
  end
  rpc.run("helix.session.list", { limit = 200, project = current_project() }, function(result)
    local choices = {}
    for _, s in ipairs(type(result) == "table" and result.sessions or {}) do
      if format.allows(s, "start") or format.allows(s, "resume") then
        table.insert(choices, s)
      end
    end
    menu().pick_session(choices, "Switch to session", switch_to)
  end)
end

function M.log(all)
  rpc.run("helix.session.list", { limit = 100, project = not all and current_project() or nil }, function(result)
    local sessions = type(result) == "table" and result.sessions or {}
    local lines = {}
    for _, s in ipairs(sessions) do
      table.insert(lines, format.one_line(s))
    end
    require("helix_lsp.ui").scratch("log", #lines > 0 and lines or { "(no sessions)" }, function(row)
      if sessions[row] then
        menu().session(sessions[row])
      end
    end)
  end)
end

local function session_names(n)
  return n == 1 and complete.names() or {}
end

M.verbs = {
  { name = "show", args = { "[session]" }, rest = true, about = "details of a session",
    complete = session_names, run = function(a)
      M.show(a[1])
    end },
  { name = "list", args = { "[filter]..." }, many = true,
    about = "pick from sessions (filters: paused, testing, #tag, project=X, query=TEXT, limit=N)",
    complete = function()
      return complete.filters()
    end, run = function(a)
      M.list(a)
    end },
  { name = "switch", args = { "[session]" }, rest = true, about = "make another session of the project the active one",
    complete = function(n)
      return n == 1 and complete.switchable() or {}
    end, run = function(a)
      M.switch(a[1])
    end },
  { name = "stats", args = { "[project]" }, rest = true, about = "counts and active time",
    complete = function(n)
      return n == 1 and complete.projects() or {}
    end, run = function(a)
      rpc.run("helix.session.stats", { project = a[1] }, function(st)
        vim.notify(table.concat(format.stats_lines(type(st) == "table" and st or {}), "\n"), vim.log.levels.INFO)
      end)
    end },
  { name = "log", args = { "[all]" }, about = "the project's sessions in a window (all: every project's)",
    complete = function(n)
      return n == 1 and { "all" } or {}
    end, run = function(a)
      if a[1] and a[1] ~= "all" then
        return false
      end
      M.log(a[1] == "all")
    end },
  { name = "delete", args = { "{session}" }, rest = true, about = "delete a session for good",
    complete = session_names, run = function(a)
      M.delete(a[1])
    end },
}

return M
