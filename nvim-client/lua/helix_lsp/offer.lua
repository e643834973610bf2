-- The server's questions and the places it opens: window/showMessageRequest
-- answered through vim.ui.select (so the user's picker shows it), and
-- window/showDocument for Neovim 0.7, which has no handler of its own.
--
-- The question that matters is the offer a starting server makes when it
-- finds the session paused because the editor was closed or left alone:
-- "Resume at src/app.py:15" | "Count the away time" | "Leave paused".
local M = {}

-- How long Neovim 0.7 waits for a picker that answers a moment later (one
-- that answers through vim.schedule); a picker that waits for keys answers
-- after the reply has gone (see `late`).
local SYNC_WAIT_MS = 200

local function title_of(action)
  local title = type(action) == "table" and tostring(action.title or "") or tostring(action)
  return (title:gsub("\r\n", "\\r\\n"):gsub("\n", "\\n"))
end

local function select_opts(params)
  local prompt = tostring(params.message or "helix-lsp")
  if not prompt:match("[.?!:]%s*$") then
    prompt = prompt .. ":"
  end
  return { prompt = prompt .. " ", format_item = title_of, kind = "helix_lsp.offer" }
end

-- Neovim 0.7 must reply before the handler returns: the reply has already
-- said "no choice" (the session stays as it is), so a choice made afterwards
-- is carried out by the plugin itself where it can be.
local function late(choice)
  local title = type(choice) == "table" and tostring(choice.title or "") or ""
  if title:match("^Resume") then
    require("helix_lsp.verbs.lifecycle").transition("resume")
  elseif title ~= "" and not title:match("^Leave") then
    vim.notify("Helix: the choice came after the server's question had closed; nothing was changed",
      vim.log.levels.WARN)
  end
end

--- Handler of window/showMessageRequest: the actions in vim.ui.select, the
--- chosen one (or null when the picker is dismissed) as the reply.
function M.show_message_request(_, params)
  params = type(params) == "table" and params or {}
  local actions = type(params.actions) == "table" and params.actions or {}
  if #actions == 0 then
    vim.notify("Helix: " .. tostring(params.message or ""), vim.log.levels.INFO)
    return vim.NIL
  end
  local co, is_main = coroutine.running()
  if co and not is_main then
    -- Neovim 0.10+: the handler runs in a coroutine and may wait.
    vim.ui.select(actions, select_opts(params), function(choice)
      vim.schedule(function()
        coroutine.resume(co, choice or vim.NIL)
      end)
    end)
    return coroutine.yield()
  end
  local answered, chosen, replied = false, nil, false
  vim.ui.select(actions, select_opts(params), function(choice)
    answered, chosen = true, choice
    if replied then
      vim.schedule(function()
        late(choice)
      end)
    end
  end)
  if not answered then
    vim.wait(SYNC_WAIT_MS, function()
      return answered
    end, 10)
  end
  replied = true
  return answered and chosen or vim.NIL
end

--- Handler of window/showDocument for Neovim 0.7: opens the file at the
--- selection (0.10 and later bring their own).
function M.show_document(_, params, ctx)
  if type(params) ~= "table" or type(params.uri) ~= "string" or params.external then
    return { success = false }
  end
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local range = params.selection or { start = { line = 0, character = 0 }, ["end"] = { line = 0, character = 0 } }
  local ok, shown = pcall(vim.lsp.util.jump_to_location, { uri = params.uri, range = range },
    client and client.offset_encoding or "utf-16")
  return { success = ok and shown == true }
end

--- The handlers the plugin adds to its client configuration.
function M.handlers()
  local handlers = { ["window/showMessageRequest"] = M.show_message_request }
  if not vim.lsp.handlers["window/showDocument"] then
    handlers["window/showDocument"] = M.show_document
  end
  return handlers
end

--- The client's capabilities, saying that it opens documents on request
--- (Neovim 0.7 says it does not, because it has no handler of its own).
function M.capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.window = caps.window or {}
  caps.window.showDocument = { support = true }
  return caps
end

return M
