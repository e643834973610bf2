-- Talking to a helix-lsp client: the request API of Neovim 0.7 to 0.11
-- (`client.request` became `client:request`), workspace commands, and the
-- one place where a refused command is shown to the user.
local config = require("helix_lsp.config")

local M = {}

local new_api = vim.fn.has("nvim-0.11") == 1 -- client methods are called with ':'

-- Calls the client's method `name`: client:name(...) from 0.11 on (the dot
-- form is deprecated there), client.name(...) before.
local function call(client, name, ...)
  if new_api then
    return client[name](client, ...)
  end
  return client[name](...)
end

function M.request(client, method, params, handler, bufnr)
  return call(client, "request", method, params, handler, bufnr)
end

function M.request_sync(client, method, params, timeout, bufnr)
  return call(client, "request_sync", method, params, timeout, bufnr)
end

function M.notify(client, method, params)
  return call(client, "notify", method, params)
end

function M.is_stopped(client)
  return call(client, "is_stopped")
end

local function arguments(params)
  if params and next(params) ~= nil then
    return { params }
  end
  return {}
end

--- Sends workspace/executeCommand once the client is ready;
--- callback(err, result, client).
function M.execute(command, params, callback, client)
  local lsp = require("helix_lsp.lsp")
  client = client or lsp.current_client()
  if not client then
    -- current_client() has already said why.
    callback({ message = "no helix-lsp server is running for this buffer", shown = true }, nil, nil)
    return
  end
  lsp.when_ready(client, function(c)
    local ok = M.request(c, "workspace/executeCommand", { command = command, arguments = arguments(params) },
      function(err, result)
        callback(err, result, c)
      end)
    if not ok then
      callback({ message = "the helix-lsp server is not running" }, nil, c)
    end
  end)
end

--- Synchronous variant for completion: the result, or nil (no server yet,
--- refused, or no reply within `timeout` ms).
function M.execute_sync(command, params, timeout)
  local lsp = require("helix_lsp.lsp")
  local c = lsp.current_client(false)
  if not c or not lsp.ready[c.id] then
    return nil
  end
  local res = M.request_sync(c, "workspace/executeCommand", { command = command, arguments = arguments(params) },
    timeout or 500)
  if res and not res.err then
    return res.result
  end
  return nil
end

--- Shows a refusal: the server's one sentence as it came, at error level.
function M.error(err)
  if type(err) == "table" and err.shown then
    return
  end
  local text = type(err) == "table" and err.message or err
  if type(text) ~= "string" or text == "" then
    text = vim.inspect(err)
  end
  vim.notify("Helix: " .. text, vim.log.levels.ERROR)
end

--- Confirms a change (unless notify_success is off).
function M.info(text)
  if config.options.notify_success then
    vim.notify("Helix: " .. text, vim.log.levels.INFO)
  end
end

--- Forgets the session names <Tab> offers, after a change (a command that
--- succeeded, a status push): the next <Tab> asks the server again. Nothing
--- to forget while completion has never been used.
function M.forget_completions()
  local completion = package.loaded["helix_lsp.completion"]
  if completion then
    completion.invalidate()
  end
end

--- Runs a workspace command: on_ok(result, client) when it succeeds, the
--- server's sentence at error level when it is refused.
function M.run(command, params, on_ok)
  M.execute(command, params, function(err, result, client)
    if err then
      M.error(err)
      return
    end
    M.forget_completions()
    if on_ok then
      on_ok(result, client)
    end
  end)
end

return M
