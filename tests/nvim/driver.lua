-- Runs one test scenario inside a headless Neovim with the helix-lsp plugin.
--
--   nvim --headless --clean -i NONE -n -u driver.lua FILE
--
-- Environment:
--   HELIX_NVIM_PLUGIN    the plugin folder (nvim-client/)
--   HELIX_NVIM_SCENARIO  the scenario file (Lua, returns function(T))
--   HELIX_NVIM_RESULT    where to write the JSON results
--   HELIX_NVIM_DB        the temporary session store
--   HELIX_NVIM_SERVER    the server command, as a JSON list
--   HELIX_NVIM_PYTHON    the Python that runs `-m helix_lsp session ...`
--   HELIX_NVIM_SETUP     more setup() options, as a JSON object (optional)
--   HELIX_NVIM_DEADLINE  milliseconds before the run gives up (default 90000)
vim.g.loaded_python3_provider = 0
vim.g.loaded_ruby_provider = 0
vim.g.loaded_perl_provider = 0
vim.g.loaded_node_provider = 0
vim.o.swapfile = false
vim.o.hidden = true

local env = vim.env
vim.opt.runtimepath:prepend(env.HELIX_NVIM_PLUGIN)

local T = {
  results = {
    nvim_version = tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "."
      .. tostring(vim.version().patch),
    notifications = {},
    waits = {},
    failures = {},
    errors = {},
    finished = false,
  },
  db = env.HELIX_NVIM_DB,
}
local results = T.results

-- Capture vim.notify (every level) as the user would have seen it.
vim.notify = function(msg, level, _)
  table.insert(results.notifications, { msg = tostring(msg), level = level or vim.log.levels.INFO })
end

local function json_safe(v)
  if v == nil then
    return vim.NIL
  end
  return v
end

local function write_results()
  local path = env.HELIX_NVIM_RESULT .. ".part"
  local f = assert(io.open(path, "w"))
  f:write(vim.fn.json_encode(results))
  f:close()
  assert(os.rename(path, env.HELIX_NVIM_RESULT))
end

local done = false
local function finish()
  if done then
    return
  end
  done = true
  write_results()
  vim.cmd("qall!")
end
T.finish = finish

-- Writes the results so far, marked "saved", and keeps running: the test
-- then kill -9s Neovim and its server (run_scenario(..., kill=True)).
function T.save()
  results.saved = true
  write_results()
end

function T.record(key, value)
  results[key] = json_safe(value)
end

local co

local function resume(...)
  if done or not co or coroutine.status(co) ~= "suspended" then
    return
  end
  local ok, err = coroutine.resume(co, ...)
  if not ok then
    table.insert(results.errors, debug.traceback(co, tostring(err)))
    finish()
  elseif coroutine.status(co) == "dead" then
    results.finished = true
    finish()
  end
end

-- Yields to Neovim's main loop (autocmds, timers and LSP messages run).
function T.sleep(ms)
  vim.defer_fn(function()
    resume()
  end, ms)
  coroutine.yield()
end

-- Checks, recorded next to the action they follow; the Python side asserts
-- that none failed (a failed check does not stop the scenario).
function T.ok(what, cond, detail)
  if not cond then
    local text = what
    if detail ~= nil then
      text = text .. ": " .. (type(detail) == "string" and detail or vim.inspect(detail))
    end
    table.insert(results.failures, text)
  end
  return cond
end

function T.eq(what, got, want)
  return T.ok(what, vim.deep_equal(got, want), { got = got, want = want })
end

function T.has(what, text, needle)
  return T.ok(what, type(text) == "string" and text:find(needle, 1, true) ~= nil, { text = text, needle = needle })
end

function T.lacks(what, text, needle)
  return T.ok(what, type(text) == "string" and text:find(needle, 1, true) == nil, { text = text, needle = needle })
end

-- Waits until pred() is true, polling; records the outcome under `name` (a
-- timeout is a failed check). Returns true when it became true in time.
function T.wait_for(name, pred, timeout_ms)
  local start = vim.loop.now()
  timeout_ms = timeout_ms or 15000
  while true do
    local ok, v = pcall(pred)
    if ok and v then
      results.waits[name] = true
      return true
    end
    if vim.loop.now() - start > timeout_ms then
      results.waits[name] = false
      T.ok("never happened: " .. name, false)
      return false
    end
    T.sleep(25)
  end
end

-- Runs an Ex command, recording a Vim error instead of stopping.
function T.cmd(command)
  local ok, err = pcall(vim.cmd, command)
  if not ok then
    table.insert(results.errors, command .. ": " .. tostring(err))
  end
  return ok
end

-- Number of notifications so far (to look only at newer ones).
function T.mark()
  return #results.notifications
end

-- The first notification after `mark` whose text contains `needle` (plain).
function T.notified(mark, needle, level)
  for i = mark + 1, #results.notifications do
    local n = results.notifications[i]
    if (not needle or n.msg:find(needle, 1, true)) and (not level or n.level == level) then
      return n
    end
  end
  return nil
end

function T.wait_notified(name, mark, needle, level, timeout_ms)
  T.wait_for(name, function()
    return T.notified(mark, needle, level) ~= nil
  end, timeout_ms)
  return T.notified(mark, needle, level)
end

-- Waits until the plugin's server is up; returns the plugin module.
function T.wait_ready()
  local helix = require("helix_lsp")
  T.wait_for("ready", function()
    return helix.ready()
  end, 30000)
  return helix
end

-- Runs a :Helix command and waits for its INFO notification containing `needle`.
function T.step(name, command, needle)
  local m = T.mark()
  T.cmd(command)
  return T.wait_notified(name, m, needle, vim.log.levels.INFO)
end

-- The store as the command line sees it: `helix-lsp session VERB ... --json --db DB`.
function T.cli(...)
  local argv = { env.HELIX_NVIM_PYTHON, "-m", "helix_lsp", "session" }
  for _, a in ipairs({ ... }) do
    table.insert(argv, a)
  end
  vim.list_extend(argv, { "--json", "--db", T.db })
  local out = vim.fn.system(argv)
  local code = vim.v.shell_error
  local ok, decoded = pcall(vim.fn.json_decode, out)
  if code == 0 and ok then
    return decoded
  end
  return { cli_error = out, exit = code }
end

-- A workspace command sent straight through the plugin's client; waits for
-- the reply. Returns { err = ..., result = ... } (or { timeout = true }).
function T.execute(command, params, timeout_ms)
  local reply
  require("helix_lsp").execute(command, params, function(err, result)
    reply = { err = err, result = result }
  end)
  T.wait_for("reply to " .. command, function()
    return reply ~= nil
  end, timeout_ms or 10000)
  return reply or { timeout = true }
end

-- Waits until the server's current session is at `file` (relative to the
-- root; nil: any file) line `line` (number or string), as helix.session.get
-- tells.
function T.server_has(name, file, line, timeout_ms)
  T.wait_for(name, function()
    local r = T.execute("helix.session.get", {})
    return type(r.result) == "table" and r.result.context.current_line == tostring(line)
      and (file == nil or r.result.context.current_file == file)
  end, timeout_ms or 20000)
end

-- ERROR notifications after `mark`, as their texts.
function T.errors_since(mark)
  local out = {}
  for i = mark + 1, #results.notifications do
    local n = results.notifications[i]
    if n.level >= vim.log.levels.ERROR then
      table.insert(out, n.msg)
    end
  end
  return out
end

-- Runs a :Helix command that must be refused; returns the one error shown.
function T.refused(name, command)
  local m = T.mark()
  T.cmd(command)
  T.wait_for(name, function()
    return #T.errors_since(m) > 0
  end, 10000)
  T.sleep(100) -- a second message would show up now
  local shown = T.errors_since(m)
  T.eq(name .. ": one error shown", #shown, 1)
  return shown[1] or ""
end

-- Replaces vim.ui.select: records each picker (prompt and the items as
-- shown) in T.selects and picks the first item whose text
-- choose(text, prompt) accepts (none: cancels).
T.selects = {}
function T.stub_select(choose)
  vim.ui.select = function(items, opts, on_choice)
    local shown = {}
    for _, item in ipairs(items) do
      table.insert(shown, opts.format_item and opts.format_item(item) or tostring(item))
    end
    table.insert(T.selects, { prompt = opts.prompt, items = shown })
    for i, text in ipairs(shown) do
      if choose(text, opts.prompt) then
        vim.schedule(function()
          on_choice(items[i], i)
        end)
        return
      end
    end
    vim.schedule(function()
      on_choice(nil, nil)
    end)
  end
end

-- Replaces vim.ui.input: answers every prompt with `answer`.
function T.stub_input(answer)
  vim.ui.input = function(_, on_confirm)
    vim.schedule(function()
      on_confirm(answer)
    end)
  end
end

-- The text of the plugin's lualine component (with the small part of
-- lualine's component class it uses).
function T.lualine()
  package.preload["lualine.component"] = package.preload["lualine.component"] or function()
    local Base = {}
    Base.__index = Base
    function Base:extend()
      local cls = setmetatable({}, { __index = self })
      cls.__index = cls
      cls.super = self
      return cls
    end
    function Base:init(options)
      self.options = options
    end
    return Base
  end
  local comp = setmetatable({}, { __index = require("lualine.components.helix_lsp") })
  comp:init({})
  return comp:update_status()
end

-- The statusline as Neovim draws it from the documented expression.
function T.drawn_statusline()
  return vim.api.nvim_eval_statusline("%{v:lua.require'helix_lsp'.statusline()}", {}).str
end

-- Moves the cursor the way a user does: with typed keys (LINE G, then
-- COL+1 |). The plugin records only places reached after a typed key (not
-- those the editor restores by itself), so a test must not set the cursor
-- directly.
function T.move(line, col)
  T.sleep(20) -- a person's keys come in a later step than the command before them
  vim.api.nvim_feedkeys(string.format("%dG%d|", line, (col or 0) + 1), "ntx", false)
end

function T.cursor()
  local pos = vim.api.nvim_win_get_cursor(0)
  return { file = vim.api.nvim_buf_get_name(0), line = pos[1], col = pos[2] }
end

local server = vim.fn.json_decode(env.HELIX_NVIM_SERVER)
local opts = {
  cmd = server,
  db_path = T.db,
  cursor_debounce_ms = 100,
}
-- HELIX_NVIM_SETUP: more setup() options, as a JSON object.
if env.HELIX_NVIM_SETUP and env.HELIX_NVIM_SETUP ~= "" then
  for k, v in pairs(vim.fn.json_decode(env.HELIX_NVIM_SETUP)) do
    opts[k] = v
  end
end
require("helix_lsp").setup(opts)

local scenario = dofile(env.HELIX_NVIM_SCENARIO)

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    -- The whole run is bounded: write what we have and quit.
    vim.defer_fn(function()
      table.insert(results.errors, "deadline reached")
      finish()
    end, tonumber(env.HELIX_NVIM_DEADLINE) or 90000)
    co = coroutine.create(function()
      scenario(T)
    end)
    vim.defer_fn(function()
      resume()
    end, 0)
  end,
})
