-- What <Tab> offers after a :Helix verb: session names, tags, projects and
-- metadata keys, read from the server (a list remembered for 2 seconds, and
-- forgotten after every change). Names are escaped so that the words typed
-- come back as one argument.
local args = require("helix_lsp.args")
local format = require("helix_lsp.format")
local rpc = require("helix_lsp.rpc")

local M = {}

local cache = { at = 0, sessions = nil }

function M.invalidate()
  cache.sessions = nil
end

local function sessions()
  local now = (vim.uv or vim.loop).now()
  if cache.sessions and now - cache.at < 2000 then
    return cache.sessions
  end
  local result = rpc.execute_sync("helix.session.list", { limit = 200 }, 500)
  cache.sessions = type(result) == "table" and type(result.sessions) == "table" and result.sessions or {}
  cache.at = now
  return cache.sessions
end

local can = format.allows

local function unique(values)
  local out, seen = {}, {}
  for _, v in ipairs(values) do
    if v ~= nil and v ~= vim.NIL and not seen[v] then
      seen[v] = true
      table.insert(out, args.escape(v))
    end
  end
  return out
end

--- Names of the sessions the server would let `action` act on now (every
--- session when `action` is nil).
function M.names(action)
  local out = {}
  for _, s in ipairs(sessions()) do
    if not action or can(s, action) then
      table.insert(out, s.name)
    end
  end
  return unique(out)
end

--- Names of the sessions one can switch to: those that can start or resume.
function M.switchable()
  local out = {}
  for _, s in ipairs(sessions()) do
    if can(s, "start") or can(s, "resume") then
      table.insert(out, s.name)
    end
  end
  return unique(out)
end

function M.tags()
  local out = {}
  for _, s in ipairs(sessions()) do
    vim.list_extend(out, type(s.tags) == "table" and s.tags or {})
  end
  table.sort(out)
  return unique(out)
end

function M.projects()
  local out = {}
  for _, s in ipairs(sessions()) do
    table.insert(out, s.project)
  end
  return unique(out)
end

function M.modes()
  return vim.deepcopy(format.MODES)
end

local function current()
  return require("helix_lsp.status").session()
end

--- Tags of the current session (for untag).
function M.current_tags()
  local s = current()
  return unique(s and type(s.tags) == "table" and s.tags or {})
end

--- Metadata keys of the current session (for meta).
function M.current_meta_keys()
  local s = current()
  local keys = {}
  for k in pairs(s and type(s.metadata) == "table" and s.metadata or {}) do
    table.insert(keys, k)
  end
  table.sort(keys)
  return unique(keys)
end

--- Filter words for :Helix list.
function M.filters()
  local out = vim.list_extend(vim.list_extend({}, format.STATUSES), format.MODES)
  for _, t in ipairs(M.tags()) do
    table.insert(out, "tag=" .. t)
  end
  for _, p in ipairs(M.projects()) do
    table.insert(out, "project=" .. p)
  end
  return out
end

return M
