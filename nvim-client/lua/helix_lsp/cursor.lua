-- Sends `helix/cursorMoved` for attached buffers, debounced.
--
-- Only places the user reached count. When a buffer is shown in a window the
-- editor puts the cursor somewhere by itself: the last-position jump (`'"`)
-- of a BufReadPost autocmd, the position a hidden buffer had, a `+N`
-- argument, a session plugin, window/showDocument. Sending that would move
-- the session's place to wherever the editor happened to restore. So a
-- buffer's position is sent only once a key has been typed (vim.on_key: keys,
-- mouse) after the buffer was last shown in a window (BufWinEnter).
-- Keys that code runs (`:normal! zv` right after a jump) are not typed: 0.10
-- says so (on_key's `typed` is empty); on 0.7 the count is taken again once
-- the step that showed the buffer is over, which leaves those out too.
local config = require("helix_lsp.config")
local hlsp = require("helix_lsp.lsp")

local M = {}

local uv = vim.uv or vim.loop
local timer = nil
local last_sent = {} -- client id -> "uri:line:col"
local hooked = false
local new_utfindex = vim.fn.has("nvim-0.11") == 1

-- Keys typed so far (counted from when the plugin was set up), and the count
-- when each buffer was last shown in a window.
local input_tick = 0
local shown_at = {} -- bufnr -> input_tick at its BufWinEnter
-- Neovim 0.10 and later tell typed keys from keys that code runs.
local tells_typed = vim.fn.has("nvim-0.10") == 1

--- Whether the user has typed anything since `bufnr` was shown: until then
--- its cursor is where the editor put it.
function M.user_moved(bufnr)
  return input_tick > (shown_at[bufnr] or 0)
end

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

-- Sends the position of the current window now (if its buffer is attached
-- and the user has moved in it). `force`: sent even when it did not change
-- and before any key (after a command of the user's that put it there).
function M.send_now(force)
  local win = vim.api.nvim_get_current_win()
  local bufnr = vim.api.nvim_win_get_buf(win)
  local id = hlsp.buf_client[bufnr]
  if not id or not hlsp.ready[id] then
    return false
  end
  if not force and not M.user_moved(bufnr) then
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
  vim.api.nvim_create_autocmd("BufWinEnter", {
    group = group,
    callback = function(ev)
      local buf = ev.buf
      shown_at[buf] = input_tick
      if not tells_typed then
        vim.schedule(function()
          if shown_at[buf] then
            shown_at[buf] = input_tick
          end
        end)
      end
    end,
  })
  vim.api.nvim_create_autocmd("BufWipeout", {
    group = group,
    callback = function(ev)
      shown_at[ev.buf] = nil
    end,
  })
  if hooked then
    return
  end
  hooked = true
  vim.on_key(function(_, typed)
    if typed == nil or typed ~= "" then -- nil: Neovim before 0.10 does not say
      input_tick = input_tick + 1
    end
  end, vim.api.nvim_create_namespace("helix_lsp_input"))
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
