-- :checkhealth helix_lsp: the Neovim version, the server command, the store
-- the server will open (named, with where that choice came from) and the
-- running clients.
local M = {}

local function reporter()
  local h = vim.health
  if h and h.start then
    return h.start, h.ok, h.warn, h.error
  end
  h = require("health")
  return h.report_start, h.report_ok, h.report_warn, h.report_error
end

local function expand(path)
  return vim.fn.fnamemodify(vim.fn.expand(path), ":p")
end

-- platformdirs' user data folder of helix-lsp, where the server keeps
-- sessions.db by default.
local function default_store()
  local home = vim.loop.os_homedir()
  if vim.fn.has("win32") == 1 then
    local base = vim.env.LOCALAPPDATA or (home .. "\\AppData\\Local")
    return base .. "\\helix-lsp\\helix-lsp\\sessions.db"
  elseif vim.fn.has("mac") == 1 then
    return home .. "/Library/Application Support/helix-lsp/sessions.db"
  end
  local data = vim.env.XDG_DATA_HOME
  if not data or vim.trim(data) == "" then
    data = home .. "/.local/share"
  end
  return data .. "/helix-lsp/sessions.db"
end

--- The store the server will open and why, first found wins (as the server
--- decides): `--db` in the server command, db_path, $HELIX_LSP_DB, the
--- user data folder.
function M.store()
  local config = require("helix_lsp.config")
  local cmd = config.server_cmd()
  for i, a in ipairs(cmd) do
    local given = a:match("^%-%-db=(.+)$") or (a == "--db" and cmd[i + 1])
    if given then
      return given, "--db in the server command"
    end
  end
  local db = config.init_options().dbPath
  if db then
    return db, "db_path"
  end
  if vim.env.HELIX_LSP_DB and vim.env.HELIX_LSP_DB ~= "" then
    return expand(vim.env.HELIX_LSP_DB), "$HELIX_LSP_DB"
  end
  return default_store(), "the server's default"
end

-- A PostgreSQL URL without its password.
local function without_password(url)
  return (url:gsub("^(%a+://[^:/@]+):[^@]*@", "%1@"))
end

-- The nearest folder of `path` that exists.
local function existing_folder(path)
  local dir = vim.fn.fnamemodify(path, ":h")
  while vim.fn.isdirectory(dir) == 0 do
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return dir
end

local function check_store(ok, warn, err)
  local path, why = M.store()
  if path:match("^postgres") then
    ok(string.format("session store: %s (%s; the server reports whether it is reachable)", without_password(path), why))
    return
  end
  if vim.fn.filereadable(path) == 1 then
    if vim.fn.filewritable(path) == 1 then
      ok(string.format("session store: %s (%s)", path, why))
    else
      err(string.format("session store: %s (%s) is not writable", path, why))
    end
    return
  end
  local dir = existing_folder(path)
  if vim.fn.filewritable(dir) == 2 then
    ok(string.format("session store: %s (%s; created on first use)", path, why))
  else
    err(string.format("session store: %s (%s) cannot be created: %s is not writable", path, why, dir))
  end
end

function M.check()
  local start, ok, warn, err = reporter()
  local config = require("helix_lsp.config")
  local lsp = require("helix_lsp.lsp")

  start("helix-lsp")
  local v = vim.version()
  ok(string.format("Neovim %d.%d.%d", v.major, v.minor, v.patch))

  local cmd = config.server_cmd()
  if vim.fn.executable(cmd[1]) ~= 1 then
    err("the server command is not executable: " .. table.concat(cmd, " "),
      { "pip install helix-lsp, or set `cmd` in require('helix_lsp').setup()" })
  else
    local argv = vim.list_extend(vim.deepcopy(cmd), { "--version" })
    local out = vim.fn.system(argv)
    if vim.v.shell_error == 0 then
      ok(string.format("%s (%s)", vim.trim(out), table.concat(cmd, " ")))
    else
      err("`" .. table.concat(argv, " ") .. "` failed: " .. vim.trim(out))
    end
  end

  check_store(ok, warn, err)

  local running = 0
  local status = require("helix_lsp.status")
  for id, dir in pairs(lsp.roots) do
    running = running + 1
    ok(string.format("client %d for %s%s", id, dir, lsp.ready[id] and "" or " (starting)"))
    local store = status.state[id] and status.state[id].store
    if store and store.online == false then
      warn("the store is offline: " .. tostring(store.message))
    end
  end
  if running == 0 then
    warn("no helix-lsp client is running (open a file, or run :Helix show)")
  end
end

return M
