-- One helix-lsp client per project root, attached to the root's buffers.
-- Works with Neovim 0.7 (vim.lsp.start_client + buf_attach_client) and with
-- 0.8+ (vim.lsp.start).
local config = require("helix_lsp.config")
local root = require("helix_lsp.root")
local offer = require("helix_lsp.offer")
local rpc = require("helix_lsp.rpc")

local M = {}

M.NAME = "helix_lsp"

local has_start = type(vim.lsp.start) == "function"
local new_api = vim.fn.has("nvim-0.11") == 1

M.by_root = {} -- root -> client id
M.roots = {} -- client id -> root
M.ready = {} -- client id -> true once initialized
M.pending = {} -- client id -> list of function(client) waiting for initialization
M.buf_client = {} -- bufnr -> client id
M.on_ready_hooks = {} -- function(client)
M.on_exit_hooks = {} -- function(client_id)
M.failed = {} -- root -> true after the server could not be started there

local function get_client(id)
  return id and vim.lsp.get_client_by_id(id) or nil
end

local function alive(id)
  local c = get_client(id)
  if not c or rpc.is_stopped(c) then
    return nil
  end
  return c
end

local function on_init(client)
  M.ready[client.id] = true
  local waiting = M.pending[client.id] or {}
  M.pending[client.id] = nil
  for _, hook in ipairs(M.on_ready_hooks) do
    pcall(hook, client)
  end
  for _, fn in ipairs(waiting) do
    local ok, err = pcall(fn, client)
    if not ok then
      vim.notify("Helix: " .. tostring(err), vim.log.levels.ERROR)
    end
  end
end

local function on_exit(code, signal, client_id)
  vim.schedule(function()
    local r = M.roots[client_id]
    if r and M.by_root[r] == client_id then
      M.by_root[r] = nil
    end
    M.roots[client_id] = nil
    local was_ready = M.ready[client_id]
    M.ready[client_id] = nil
    local waiting = M.pending[client_id]
    M.pending[client_id] = nil
    for buf, id in pairs(M.buf_client) do
      if id == client_id then
        M.buf_client[buf] = nil
      end
    end
    for _, hook in ipairs(M.on_exit_hooks) do
      pcall(hook, client_id)
    end
    if (code ~= 0 or not was_ready) and vim.v.exiting == vim.NIL then
      vim.notify(
        string.format("Helix: the helix-lsp server stopped (exit code %s, signal %s); see the log: ", code, signal)
          .. vim.lsp.get_log_path(),
        vim.log.levels.ERROR
      )
    end
    if waiting and #waiting > 0 and vim.v.exiting == vim.NIL then
      vim.notify("Helix: the command was not sent: the server is not running", vim.log.levels.ERROR)
    end
  end)
end

function M.client_config(dir)
  local name = vim.fn.fnamemodify(dir, ":t")
  local cfg = {
    name = M.NAME,
    cmd = config.server_cmd(),
    root_dir = dir,
    workspace_folders = { { uri = vim.uri_from_fname(dir), name = name ~= "" and name or dir } },
    init_options = config.init_options(),
    capabilities = offer.capabilities(),
    handlers = vim.tbl_extend("force", offer.handlers(), {
      ["helix/status"] = function(err, result, ctx)
        if not err then
          require("helix_lsp.status").on_status(ctx.client_id, result)
        end
      end,
    }),
    on_init = function(client)
      vim.schedule(function()
        on_init(client)
      end)
    end,
    on_exit = on_exit,
    flags = { debounce_text_changes = 300 },
  }
  for k, v in pairs(config.options.lsp or {}) do
    if k == "handlers" then
      cfg.handlers = vim.tbl_extend("force", cfg.handlers, v)
    elseif k == "capabilities" then
      cfg.capabilities = vim.tbl_deep_extend("force", cfg.capabilities, v)
    else
      cfg[k] = v
    end
  end
  return cfg
end

local function remember(dir, id)
  M.by_root[dir] = id
  M.roots[id] = dir
end

-- The running client of a root, if any.
function M.client_for_root(dir)
  local c = alive(M.by_root[dir])
  if not c then
    M.by_root[dir] = nil
  end
  return c
end

local function start_failed(dir, cmd)
  M.failed[dir] = true
  vim.notify("Helix: could not start the server: " .. table.concat(cmd, " "), vim.log.levels.ERROR)
end

-- Starts (once) the client of a root without attaching a buffer.
function M.ensure_root(dir)
  local c = M.client_for_root(dir)
  if c then
    return c
  end
  local cfg = M.client_config(dir)
  local ok, id
  if new_api then
    ok, id = pcall(vim.lsp.start, cfg, { attach = false })
  else
    ok, id = pcall(vim.lsp.start_client, cfg)
  end
  if not ok or not id then
    start_failed(dir, cfg.cmd)
    return nil
  end
  M.failed[dir] = nil
  remember(dir, id)
  return get_client(id)
end

-- A new client for `dir`, attached to `bufnr`: its id or nil.
local function start_attached(bufnr, dir)
  local ok, id
  if has_start then
    ok, id = pcall(vim.lsp.start, M.client_config(dir), {
      bufnr = bufnr,
      silent = true,
      reuse_client = function(client, conf)
        return client.name == conf.name and client.config.root_dir == conf.root_dir
      end,
    })
  else
    ok, id = pcall(vim.lsp.start_client, M.client_config(dir))
    if ok and id and not vim.lsp.buf_attach_client(bufnr, id) then
      id = nil
    end
  end
  id = ok and id or nil
  M.failed[dir] = not id or nil
  return id
end

-- Attaches a buffer to the client of its root, starting the client once.
-- Returns the client or nil. After a failed start, only an explicit attach
-- (from a command) tries again.
function M.attach(bufnr, explicit)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local known = alive(M.buf_client[bufnr])
  if known then
    return known
  end
  if not root.attachable(bufnr) then
    return nil
  end
  local dir = root.for_buf(bufnr)
  if not dir or dir == "" then
    return nil
  end
  dir = root.norm(dir)
  local existing = M.client_for_root(dir)
  if not existing and M.failed[dir] and not explicit then
    return nil
  end
  local id
  if existing then
    id = vim.lsp.buf_attach_client(bufnr, existing.id) and existing.id or nil
  else
    id = start_attached(bufnr, dir)
  end
  if not id then
    return nil
  end
  remember(dir, id)
  M.buf_client[bufnr] = id
  return get_client(id)
end

function M.detach_buf(bufnr)
  M.buf_client[bufnr] = nil
end

-- The client for the current context: the current buffer's (attaching it),
-- else the client of the current directory's root, started when needed
-- (unless `start` is false).
function M.current_client(start)
  local buf = vim.api.nvim_get_current_buf()
  local c = alive(M.buf_client[buf])
  if c then
    return c
  end
  if start ~= false then
    c = M.attach(buf, true)
    if c then
      return c
    end
  end
  local cwd_root = root.norm(root.for_path(vim.fn.getcwd()))
  c = M.client_for_root(cwd_root)
  if c then
    return c
  end
  for _, id in pairs(M.by_root) do
    c = alive(id)
    if c then
      return c
    end
  end
  if start == false then
    return nil
  end
  if M.failed[cwd_root] and root.attachable(buf) and root.norm(root.for_buf(buf) or "") == cwd_root then
    -- attach() just tried this root.
    start_failed(cwd_root, config.server_cmd())
    return nil
  end
  return M.ensure_root(cwd_root)
end

-- Runs fn(client) once the client has been initialized.
function M.when_ready(client, fn)
  if M.ready[client.id] then
    fn(client)
  else
    M.pending[client.id] = M.pending[client.id] or {}
    table.insert(M.pending[client.id], fn)
  end
end

function M.root_of(client_id)
  return M.roots[client_id]
end

return M
