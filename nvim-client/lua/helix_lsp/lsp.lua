-- One helix-lsp client per project root, attached to the root's buffers.
-- Works with Neovim 0.7 (vim.lsp.start_client + buf_attach_client) and with
-- 0.8+ (vim.lsp.start).
local config = require("helix_lsp.config")

local M = {}

M.NAME = "helix_lsp"

local uv = vim.uv or vim.loop
local has_start = type(vim.lsp.start) == "function"
local new_api = vim.fn.has("nvim-0.11") == 1 -- client methods are called with ':'

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
  if not c then
    return nil
  end
  local stopped
  if new_api then
    stopped = c:is_stopped()
  else
    stopped = c.is_stopped()
  end
  if stopped then
    return nil
  end
  return c
end

function M.request(client, method, params, handler, bufnr)
  if new_api then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

function M.request_sync(client, method, params, timeout, bufnr)
  if new_api then
    return client:request_sync(method, params, timeout, bufnr)
  end
  return client.request_sync(method, params, timeout, bufnr)
end

function M.notify(client, method, params)
  if new_api then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function is_dir(path)
  local st = uv.fs_stat(path)
  return st and st.type == "directory"
end

local function dirname(path)
  local d = vim.fn.fnamemodify(path, ":h")
  return d
end

-- The nearest folder from `dir` upwards that holds one of `markers`.
local function search_up(dir, markers)
  local d = dir
  while true do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(d .. "/" .. marker) then
        return d
      end
    end
    local parent = dirname(d)
    if parent == d or parent == "" then
      return nil
    end
    d = parent
  end
end

-- The project root of a file path. root_markers is a list of markers or of
-- lists of equally ranked markers; the first entry found anywhere upwards
-- wins (so a repository's .git beats a nested package.json). Without any:
-- the current directory when the file lies inside it, else the file's folder.
function M.root_for_path(path)
  path = vim.fn.fnamemodify(path, ":p")
  local dir = is_dir(path) and path or dirname(path)
  dir = dir:gsub("/+$", "")
  if dir == "" then
    dir = "/"
  end
  for _, entry in ipairs(config.options.root_markers or {}) do
    local found = search_up(dir, type(entry) == "table" and entry or { entry })
    if found then
      return found
    end
  end
  local cwd = vim.fn.getcwd()
  if dir == cwd or dir:sub(1, #cwd + 1) == cwd .. "/" then
    return cwd
  end
  return dir
end

-- True for buffers that hold a file the server should see.
function M.attachable(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or not vim.api.nvim_buf_is_loaded(bufnr) then
    return false
  end
  if vim.bo[bufnr].buftype ~= "" then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or name:match("^%a[%w+.-]*://") then
    return false
  end
  local ft = vim.bo[bufnr].filetype
  for _, x in ipairs(config.options.exclude_filetypes or {}) do
    if x == ft then
      return false
    end
  end
  return true
end

-- An absolute folder path without a trailing slash.
function M.norm(root)
  if root == "" then
    return root
  end
  return (vim.fn.fnamemodify(root, ":p"):gsub("(.)/+$", "%1"))
end

function M.root_for_buf(bufnr)
  if type(config.options.root_dir) == "function" then
    return config.options.root_dir(bufnr)
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" then
    return nil
  end
  return M.root_for_path(name)
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
    local root = M.roots[client_id]
    if root and M.by_root[root] == client_id then
      M.by_root[root] = nil
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

function M.client_config(root)
  local handlers = {
    ["helix/status"] = function(err, result, ctx)
      if err then
        return
      end
      require("helix_lsp.status").on_status(ctx.client_id, result)
    end,
  }
  local cfg = {
    name = M.NAME,
    cmd = config.server_cmd(),
    root_dir = root,
    workspace_folders = {
      { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") ~= "" and vim.fn.fnamemodify(root, ":t") or root },
    },
    init_options = config.init_options(),
    handlers = handlers,
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
    else
      cfg[k] = v
    end
  end
  return cfg
end

local function remember(root, id)
  M.by_root[root] = id
  M.roots[id] = root
end

-- The running client of a root, if any.
function M.client_for_root(root)
  local id = M.by_root[root]
  local c = alive(id)
  if not c then
    M.by_root[root] = nil
  end
  return c
end

-- Starts (once) the client of a root without attaching a buffer.
function M.ensure_root(root)
  local c = M.client_for_root(root)
  if c then
    return c
  end
  local cfg = M.client_config(root)
  local ok, id
  if new_api then
    ok, id = pcall(vim.lsp.start, cfg, { attach = false })
  else
    ok, id = pcall(vim.lsp.start_client, cfg)
  end
  if not ok or not id then
    M.failed[root] = true
    vim.notify("Helix: could not start the server: " .. table.concat(cfg.cmd, " "), vim.log.levels.ERROR)
    return nil
  end
  M.failed[root] = nil
  remember(root, id)
  return get_client(id)
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
  if not M.attachable(bufnr) then
    return nil
  end
  local root = M.root_for_buf(bufnr)
  if not root or root == "" then
    return nil
  end
  root = M.norm(root)
  local existing = M.client_for_root(root)
  if not existing and M.failed[root] and not explicit then
    return nil
  end
  local id
  if existing then
    if vim.lsp.buf_attach_client(bufnr, existing.id) then
      id = existing.id
    end
  elseif has_start then
    local ok, res = pcall(vim.lsp.start, M.client_config(root), {
      bufnr = bufnr,
      silent = true,
      reuse_client = function(client, conf)
        return client.name == conf.name and client.config.root_dir == conf.root_dir
      end,
    })
    id = ok and res or nil
    M.failed[root] = not id or nil
  else
    local ok, res = pcall(vim.lsp.start_client, M.client_config(root))
    id = ok and res or nil
    M.failed[root] = not id or nil
    if id and not vim.lsp.buf_attach_client(bufnr, id) then
      id = nil
    end
  end
  if not id then
    return nil
  end
  remember(root, id)
  M.buf_client[bufnr] = id
  return get_client(id)
end

function M.detach_buf(bufnr)
  M.buf_client[bufnr] = nil
end

-- The client for the current context: the current buffer's (attaching it),
-- else the client of the current directory's root, started when needed.
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
  local cwd_root = M.norm(M.root_for_path(vim.fn.getcwd()))
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
  if M.failed[cwd_root] and M.attachable(buf) and M.norm(M.root_for_buf(buf) or "") == cwd_root then
    -- attach() just tried this root.
    vim.notify("Helix: could not start the server: " .. table.concat(config.server_cmd(), " "), vim.log.levels.ERROR)
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

-- Sends workspace/executeCommand; callback(err, result, client).
function M.execute(command, params, callback, client)
  client = client or M.current_client()
  if not client then
    -- current_client() has already said why.
    callback({ message = "no helix-lsp server is running for this buffer", shown = true }, nil, nil)
    return
  end
  M.when_ready(client, function(c)
    local args = {}
    if params and next(params) ~= nil then
      args = { params }
    end
    local ok = M.request(c, "workspace/executeCommand", { command = command, arguments = args }, function(err, result)
      callback(err, result, c)
    end)
    if not ok then
      callback({ message = "the helix-lsp server is not running" }, nil, c)
    end
  end)
end

-- Synchronous variant (for completion): returns result or nil.
function M.execute_sync(command, params, timeout)
  local c = M.current_client(false)
  if not c or not M.ready[c.id] then
    return nil
  end
  local args = {}
  if params and next(params) ~= nil then
    args = { params }
  end
  local res = M.request_sync(c, "workspace/executeCommand", { command = command, arguments = args }, timeout or 500)
  if res and not res.err then
    return res.result
  end
  return nil
end

function M.root_of(client_id)
  return M.roots[client_id]
end

return M
