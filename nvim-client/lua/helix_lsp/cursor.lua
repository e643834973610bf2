-- Sends `helix/cursorMoved` for attached buffers, debounced.
local config = require("helix_lsp.config")
local hlsp = require("helix_lsp.lsp")

local M = {}

local uv = vim.uv or vim.loop
local timer = nil
local last_sent = {} -- client id -> "uri:line:col"
local hooked = false
local new_utfindex = vim.fn.has("nvim-0.11") == 1

local function utf16_col(bufnr, row, col)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
  if col > #line then
    col = #line
  end
  local ok, a, b
  if new_utfindex then
    ok, a = pcall(vim.str_utfindex, line, "utf-16", col)
    return ok and a or col
  end
  ok, a, b = pcall(vim.str_utfindex, line, col)
  if ok then
    return b or a
  end
  return col
end

-- Sends the position of the current window now (if its buffer is attached).
function M.send_now(force)
  local win = vim.api.nvim_get_current_win()
  local bufnr = vim.api.nvim_win_get_buf(win)
  local id = hlsp.buf_client[bufnr]
  if not id or not hlsp.ready[id] then
    return false
  end
  local client = vim.lsp.get_client_by_id(id)
  if not client then
    return false
  end
  local pos = vim.api.nvim_win_get_cursor(win)
  local row, col = pos[1] - 1, pos[2]
  local uri = vim.uri_from_bufnr(bufnr)
  local character = utf16_col(bufnr, row, col)
  local key = string.format("%s:%d:%d", uri, row, character)
  if not force and last_sent[id] == key then
    return true
  end
  last_sent[id] = key
  require("helix_lsp.rpc").notify(client, "helix/cursorMoved", {
    textDocument = { uri = uri },
    position = { line = row, character = character },
  })
  return true
end

function M.schedule()
  local delay = tonumber(config.options.cursor_debounce_ms) or 300
  if not timer then
    timer = uv.new_timer()
  end
  timer:stop()
  timer:start(delay, 0, vim.schedule_wrap(function()
    M.send_now(false)
  end))
end

function M.forget(client_id)
  last_sent[client_id] = nil
end

function M.setup(group)
  vim.api.nvim_create_autocmd({ "CursorMoved", "CursorMovedI", "BufEnter" }, {
    group = group,
    callback = function(ev)
      if hlsp.buf_client[ev.buf] then
        M.schedule()
      end
    end,
  })
  if hooked then
    return
  end
  hooked = true
  -- A client that just became ready learns where the cursor is.
  table.insert(hlsp.on_ready_hooks, function(client)
    last_sent[client.id] = nil
    if hlsp.buf_client[vim.api.nvim_get_current_buf()] == client.id then
      M.schedule()
    end
  end)
  table.insert(hlsp.on_exit_hooks, M.forget)
end

function M.stop()
  if timer then
    timer:stop()
    if not timer:is_closing() then
      timer:close()
    end
    timer = nil
  end
end

return M
