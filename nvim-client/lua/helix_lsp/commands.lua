-- :Helix {verb} [args], its completion and the session pickers.
local config = require("helix_lsp.config")
local hlsp = require("helix_lsp.lsp")
local status = require("helix_lsp.status")
local ui = require("helix_lsp.ui")

local M = {}

local ERROR = vim.log.levels.ERROR
local INFO = vim.log.levels.INFO

M.MODES = { "planning", "building", "testing", "refactoring", "debugging", "deployment" }
M.STATUSES = { "idle", "active", "paused", "completed", "failed" }
M.VERBS = { "create", "start", "pause", "resume", "complete", "fail", "mode", "tag", "untag", "meta",
  "show", "list", "switch", "stats", "log", "delete" }

local function contains(list, x)
  for _, v in ipairs(list) do
    if v == x then
      return true
    end
  end
  return false
end

local function message_of(err)
  if type(err) == "table" then
    if type(err.message) == "string" and err.message ~= "" then
      return err.message
    end
    return vim.inspect(err)
  end
  return tostring(err)
end

function M.error(err)
  if type(err) == "table" and err.shown then
    return
  end
  vim.notify("Helix: " .. message_of(err), ERROR)
end

local function info(msg)
  if config.options.notify_success then
    vim.notify("Helix: " .. msg, INFO)
  end
end

-- Runs a workspace command; on_ok(result, client) on success, the server's
-- sentence at error level otherwise.
local function run(command, params, on_ok)
  hlsp.execute(command, params, function(err, result, client)
    if err then
      M.error(err)
      return
    end
    M.invalidate()
    if on_ok then
      on_ok(result, client)
    end
  end)
end

local function joined(args, from)
  local rest = {}
  for i = from or 1, #args do
    table.insert(rest, args[i])
  end
  return table.concat(rest, " ")
end

local function session_param(args)
  local name = joined(args)
  if name == "" then
    return {}
  end
  return { session = name }
end

local function current_project(client)
  if config.options.project then
    return config.options.project
  end
  local root = client and hlsp.root_of(client.id) or hlsp.root_for_path(vim.fn.getcwd())
  return root and vim.fn.fnamemodify(root, ":t") or nil
end

local function q(s)
  return "'" .. tostring(s and s.name or "?") .. "'"
end

local function paused_note(result)
  local names = {}
  for _, s in ipairs(type(result.paused) == "table" and result.paused or {}) do
    table.insert(names, q(s))
  end
  if #names == 0 then
    return ""
  end
  return "; paused " .. table.concat(names, ", ")
end

-- After a session becomes active: jump to its place, then tell the server
-- where the cursor is.
local function arrived(session, client, restore)
  if restore and config.options.restore_on_resume then
    ui.restore(session, client and client.id)
  end
  require("helix_lsp.cursor").send_now(true)
end

local PAST = { start = "started", pause = "paused", resume = "resumed", complete = "completed" }

local function transition(verb, params, after)
  run("helix.session." .. verb, params, function(result, client)
    local s = type(result) == "table" and result.session or nil
    status.set_current(client and client.id, s)
    info(string.format("%s %s%s", PAST[verb] or verb, q(s), paused_note(result or {})))
    if verb == "resume" or verb == "start" then
      arrived(s, client, verb == "resume")
    end
    if after then
      after(s, client)
    end
  end)
end

M.verbs = {}

function M.verbs.create(args)
  local name = args[1]
  local params = { name = name }
  if args[2] and args[2] ~= "" then
    params.mode = args[2]
  end
  if args[3] and args[3] ~= "" then
    params.project = joined(args, 3)
  end
  if not name then
    params = {}
  end
  run("helix.session.create", params, function(s, client)
    status.set_current(client and client.id, s)
    info(string.format("created %s (%s, project %s)", q(s), tostring(s and s.mode), tostring(s and s.project)))
  end)
end

for _, verb in ipairs({ "start", "pause", "resume", "complete" }) do
  M.verbs[verb] = function(args)
    transition(verb, session_param(args))
  end
end

function M.verbs.fail(args)
  local reason = joined(args)
  local params = {}
  if reason ~= "" then
    params.reason = reason
  end
  run("helix.session.fail", params, function(result, client)
    local s = type(result) == "table" and result.session or nil
    status.set_current(client and client.id, s)
    info(string.format("failed %s: %s", q(s), tostring(s and s.failureReason or reason)))
  end)
end

local function set_mode(mode, session)
  local params = { mode = mode }
  if session then
    params.session = session
  end
  run("helix.session.setMode", params, function(s, client)
    status.set_current(client and client.id, s)
    info(string.format("%s is now in %s mode", q(s), tostring(s and s.mode)))
  end)
end

function M.verbs.mode(args)
  if #args == 0 then
    vim.ui.select(M.MODES, { prompt = "Session mode" }, function(choice)
      if choice then
        set_mode(choice)
      end
    end)
    return
  end
  set_mode(joined(args))
end

local function tag_cmd(command, tag, session, adding)
  local params = {}
  if tag and tag ~= "" then
    params.tag = tag
  end
  if session then
    params.session = session
  end
  run(command, params, function(s, client)
    status.set_current(client and client.id, s)
    if adding then
      info(string.format("tagged %s with %s", q(s), tostring(tag)))
    else
      info(string.format("removed tag %s from %s", tostring(tag), q(s)))
    end
  end)
end

function M.verbs.tag(args)
  tag_cmd("helix.session.addTag", joined(args), nil, true)
end

function M.verbs.untag(args)
  tag_cmd("helix.session.removeTag", joined(args), nil, false)
end

function M.verbs.meta(args)
  local params = {}
  if args[1] then
    params.key = args[1]
    local value = joined(args, 2)
    params.value = value ~= "" and value or vim.NIL
  end
  run("helix.session.setMetadata", params, function(s)
    if params.value == vim.NIL then
      info(string.format("removed %s from %s", tostring(params.key), q(s)))
    else
      info(string.format("%s = %s on %s", tostring(params.key), tostring(params.value), q(s)))
    end
  end)
end

local function show(ref)
  run("helix.session.get", ref and { session = ref } or {}, function(s)
    if type(s) ~= "table" then
      vim.notify("Helix: no current session in this project", INFO)
      return
    end
    vim.notify(table.concat(ui.details(s), "\n"), INFO)
  end)
end

function M.verbs.show(args)
  local ref = joined(args)
  show(ref ~= "" and ref or nil)
end

function M.verbs.delete(args)
  local params = session_param(args)
  run("helix.session.delete", params, function(result)
    local id = type(result) == "table" and result.deleted or nil
    if params.session and params.session ~= id then
      info(string.format("deleted '%s' (%s)", params.session, tostring(id)))
    else
      info("deleted " .. tostring(id or params.session))
    end
  end)
end

-- Actions offered for a session picked from a list.
function M.actions(s)
  local items = {}
  local function add(label, fn)
    table.insert(items, { label = label, fn = fn })
  end
  local id = s.id
  if s.status == "idle" then
    add("start", function()
      transition("start", { session = id })
    end)
  elseif s.status == "active" then
    add("pause", function()
      transition("pause", { session = id })
    end)
  elseif s.status == "paused" then
    add("resume", function()
      transition("resume", { session = id })
    end)
  end
  if s.status == "active" or s.status == "paused" then
    add("complete", function()
      transition("complete", { session = id })
    end)
  end
  if s.status == "idle" or s.status == "active" or s.status == "paused" then
    add("fail", function()
      vim.ui.input({ prompt = "Reason: " }, function(reason)
        if reason then
          local params = { session = id }
          if reason ~= "" then
            params.reason = reason
          end
          run("helix.session.fail", params, function(result, client)
            status.set_current(client and client.id, result and result.session)
            info("failed " .. q(s))
          end)
        end
      end)
    end)
    add("set mode", function()
      vim.ui.select(M.MODES, { prompt = "Mode of " .. s.name }, function(mode)
        if mode then
          set_mode(mode, id)
        end
      end)
    end)
    add("add tag", function()
      vim.ui.input({ prompt = "Tag: " }, function(tag)
        if tag then
          tag_cmd("helix.session.addTag", tag, id, true)
        end
      end)
    end)
  end
  add("show", function()
    show(id)
  end)
  if s.status ~= "active" then
    add("delete", function()
      run("helix.session.delete", { session = id }, function()
        info("deleted " .. q(s))
      end)
    end)
  end
  return items
end

function M.pick_action(s)
  local items = M.actions(s)
  vim.ui.select(items, {
    prompt = string.format("%s (%s, %s)", tostring(s.name), tostring(s.status), tostring(s.mode)),
    format_item = function(item)
      return item.label
    end,
  }, function(choice)
    if choice then
      choice.fn()
    end
  end)
end

-- Parses list filters: bare statuses and modes, "#tag", key=value.
function M.parse_filters(args)
  local params = {}
  local statuses, modes = {}, {}
  for _, a in ipairs(args) do
    local k, v = a:match("^(%w+)=(.*)$")
    if k == "status" then
      table.insert(statuses, v)
    elseif k == "mode" then
      table.insert(modes, v)
    elseif k == "tag" or k == "project" or k == "query" then
      params[k] = v
    elseif k == "limit" then
      params.limit = tonumber(v)
    elseif contains(M.STATUSES, a) then
      table.insert(statuses, a)
    elseif contains(M.MODES, a) then
      table.insert(modes, a)
    elseif a:sub(1, 1) == "#" and #a > 1 then
      params.tag = a:sub(2)
    else
      params.tag = a
    end
  end
  if #statuses == 1 then
    params.status = statuses[1]
  elseif #statuses > 1 then
    params.status = statuses
  end
  if #modes == 1 then
    params.mode = modes[1]
  elseif #modes > 1 then
    params.mode = modes
  end
  return params
end

function M.pick_session(sessions, prompt, on_choice)
  if #sessions == 0 then
    vim.notify("Helix: no sessions match", INFO)
    return
  end
  vim.ui.select(sessions, {
    prompt = prompt,
    format_item = ui.one_line,
  }, function(choice)
    if choice then
      on_choice(choice)
    end
  end)
end

function M.verbs.list(args)
  local params = M.parse_filters(args)
  run("helix.session.list", params, function(result)
    local sessions = type(result) == "table" and result.sessions or {}
    M.pick_session(sessions, string.format("Sessions (%d of %s)", #sessions, tostring(result and result.total)),
      M.pick_action)
  end)
end

local function switch_to(s)
  if s.status == "idle" then
    transition("start", { session = s.id })
  elseif s.status == "paused" then
    transition("resume", { session = s.id })
  elseif s.status == "active" then
    hlsp.execute("helix.session.get", { session = s.id }, function(err, fresh, client)
      if err then
        M.error(err)
        return
      end
      arrived(fresh, client, true)
    end)
  else
    vim.notify(string.format("Helix: cannot switch to %s: it is %s", q(s), tostring(s.status)), ERROR)
  end
end

function M.verbs.switch(args)
  local ref = joined(args)
  if ref ~= "" then
    run("helix.session.get", { session = ref }, function(s)
      if type(s) == "table" then
        switch_to(s)
      else
        vim.notify("Helix: no session named " .. ref, ERROR)
      end
    end)
    return
  end
  local client = hlsp.current_client()
  local params = { limit = 200 }
  local project = current_project(client)
  if project then
    params.project = project
  end
  run("helix.session.list", params, function(result)
    local choices = {}
    for _, s in ipairs(type(result) == "table" and result.sessions or {}) do
      if s.status == "idle" or s.status == "paused" then
        table.insert(choices, s)
      end
    end
    M.pick_session(choices, "Switch to session", switch_to)
  end)
end

function M.verbs.stats(args)
  local project = joined(args)
  run("helix.session.stats", project ~= "" and { project = project } or {}, function(st)
    vim.notify(table.concat(ui.stats_lines(st or {}), "\n"), INFO)
  end)
end

function M.verbs.log(args)
  local client = hlsp.current_client()
  local params = { limit = 100 }
  if args[1] ~= "all" then
    params.project = current_project(client)
  end
  run("helix.session.list", params, function(result)
    local sessions = type(result) == "table" and result.sessions or {}
    local lines = {}
    for _, s in ipairs(sessions) do
      table.insert(lines, ui.one_line(s))
    end
    if #lines == 0 then
      lines = { "(no sessions)" }
    end
    ui.scratch("log", lines, function(row)
      if sessions[row] then
        M.pick_action(sessions[row])
      end
    end)
  end)
end

-- Entry point of :Helix.
function M.run(fargs)
  require("helix_lsp").ensure_setup()
  local verb = fargs[1]
  if not verb or verb == "" then
    show(nil)
    return
  end
  local args = {}
  for i = 2, #fargs do
    table.insert(args, fargs[i])
  end
  local fn = M.verbs[verb]
  if not fn then
    vim.notify(string.format("Helix: unknown command '%s'; use one of: %s", verb, table.concat(M.VERBS, ", ")), ERROR)
    return
  end
  fn(args)
end

-- ---------------------------------------------------------------- completion
local cache = { at = 0, sessions = nil }

-- Forgets the sessions remembered for completion (after any change).
function M.invalidate()
  cache.sessions = nil
end

local function all_sessions()
  local now = (vim.uv or vim.loop).now()
  if cache.sessions and now - cache.at < 2000 then
    return cache.sessions
  end
  local result = hlsp.execute_sync("helix.session.list", { limit = 200 }, 500)
  cache.sessions = type(result) == "table" and result.sessions or {}
  cache.at = now
  return cache.sessions
end

local function escape(s)
  return (tostring(s):gsub("([ \\])", "\\%1"))
end

local function names(filter)
  local out, seen = {}, {}
  for _, s in ipairs(all_sessions()) do
    if (not filter or contains(filter, s.status)) and not seen[s.name] then
      seen[s.name] = true
      table.insert(out, escape(s.name))
    end
  end
  return out
end

local function all_tags()
  local out, seen = {}, {}
  for _, s in ipairs(all_sessions()) do
    for _, t in ipairs(type(s.tags) == "table" and s.tags or {}) do
      if not seen[t] then
        seen[t] = true
        table.insert(out, escape(t))
      end
    end
  end
  table.sort(out)
  return out
end

local function projects()
  local out, seen = {}, {}
  for _, s in ipairs(all_sessions()) do
    if s.project and not seen[s.project] then
      seen[s.project] = true
      table.insert(out, escape(s.project))
    end
  end
  return out
end

local function current_session()
  local s = status.session()
  if s then
    return s
  end
  return hlsp.execute_sync("helix.session.get", {}, 500)
end

local SESSION_FILTER = {
  start = { "idle" },
  pause = { "active" },
  resume = { "paused" },
  complete = { "active", "paused" },
  switch = { "idle", "paused", "active" },
  delete = { "idle", "paused", "completed", "failed" },
  show = nil,
}

function M.candidates(verb, index)
  if index == 1 then
    return M.VERBS
  end
  if verb == "create" then
    if index == 3 then
      return M.MODES
    elseif index == 4 then
      return projects()
    end
    return {}
  end
  if SESSION_FILTER[verb] or verb == "show" then
    return index == 2 and names(SESSION_FILTER[verb]) or {}
  end
  if verb == "mode" then
    return index == 2 and M.MODES or {}
  end
  if verb == "tag" then
    return index == 2 and all_tags() or {}
  end
  if verb == "untag" then
    local s = current_session()
    local out = {}
    for _, t in ipairs(type(s) == "table" and type(s.tags) == "table" and s.tags or {}) do
      table.insert(out, escape(t))
    end
    return index == 2 and out or {}
  end
  if verb == "meta" then
    local s = current_session()
    local out = {}
    if index == 2 and type(s) == "table" and type(s.metadata) == "table" then
      for k in pairs(s.metadata) do
        table.insert(out, escape(k))
      end
      table.sort(out)
    end
    return out
  end
  if verb == "list" then
    local out = vim.list_extend(vim.list_extend({}, M.STATUSES), M.MODES)
    for _, t in ipairs(all_tags()) do
      table.insert(out, "tag=" .. t)
    end
    for _, p in ipairs(projects()) do
      table.insert(out, "project=" .. p)
    end
    return out
  end
  if verb == "stats" then
    return index == 2 and projects() or {}
  end
  if verb == "log" then
    return index == 2 and { "all" } or {}
  end
  return {}
end

function M.complete(arglead, cmdline, cursorpos)
  local line = cmdline:sub(1, cursorpos or #cmdline)
  -- Drop the command name (and any range or bang before the first space).
  local rest = line:match("^%s*%S+%s+(.*)$") or ""
  local words = {}
  for w in rest:gmatch("%S+") do
    table.insert(words, w)
  end
  local index = #words
  if rest == "" or rest:match("%s$") then
    index = index + 1
  end
  local ok, cands = pcall(M.candidates, words[1], index)
  if not ok or type(cands) ~= "table" then
    return {}
  end
  local out = {}
  for _, c in ipairs(cands) do
    if c:sub(1, #arglead) == arglead then
      table.insert(out, c)
    end
  end
  return out
end

function M.create_command()
  vim.api.nvim_create_user_command("Helix", function(opts)
    M.run(opts.fargs)
  end, {
    nargs = "*",
    complete = function(arglead, cmdline, cursorpos)
      return M.complete(arglead, cmdline, cursorpos)
    end,
    desc = "helix-lsp sessions: :Helix {verb} [args]",
  })
end

return M
