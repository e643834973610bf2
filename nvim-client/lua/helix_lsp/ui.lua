-- Scratch views, and going back to where a session was left.
local format = require("helix_lsp.format")
local lsp = require("helix_lsp.lsp")

local M = {}

-- Opens (or reuses) a read-only scratch buffer in a split.
function M.scratch(name, lines, on_enter)
  local bufname = "helix://" .. name
  local buf = vim.fn.bufnr(bufname)
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, bufname)
  end
  vim.bo[buf].buftype = "nofile"
  vim.bo[buf].bufhidden = "wipe"
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = "helixlsp"
  local win = vim.fn.bufwinid(buf)
  if win == -1 then
    vim.cmd("botright split")
    vim.api.nvim_win_set_buf(0, buf)
    vim.api.nvim_win_set_height(0, math.min(math.max(#lines, 3), 20))
  else
    vim.api.nvim_set_current_win(win)
  end
  vim.keymap.set("n", "q", "<cmd>close<cr>", { buffer = buf, nowait = true, silent = true })
  if on_enter then
    vim.keymap.set("n", "<CR>", function()
      on_enter(vim.api.nvim_win_get_cursor(0)[1])
    end, { buffer = buf, nowait = true, silent = true })
  end
  return buf
end

local function clamp(v, low, high)
  return math.max(low, math.min(v, high))
end

-- The absolute path of a session's current_file (relative to the root of
-- `client_id`), or nil.
local function file_of(session, client_id)
  local file = type(session) == "table" and type(session.context) == "table" and session.context.current_file
  if not format.present(file) then
    return nil
  end
  file = tostring(file)
  if file:match("^/") or file:match("^%a:[/\\]") then
    return file
  end
  local dir = lsp.root_of(client_id)
  return dir and (dir .. "/" .. file) or nil
end

--- Opens the session's current_file at current_line and column. Returns
--- "src/app.py:7" (the path relative to the current directory, as :edit
--- shows it, on every Neovim) or nil when there is no readable place.
function M.restore(session, client_id)
  local path = file_of(session, client_id)
  if not path or vim.fn.filereadable(path) ~= 1 then
    return nil
  end
  local relative = vim.fn.fnamemodify(path, ":p:.")
  local buf = vim.fn.bufnr(vim.fn.fnamemodify(path, ":p"))
  local win = buf ~= -1 and vim.fn.bufwinid(buf) or -1
  if win ~= -1 then
    vim.api.nvim_set_current_win(win)
  else
    local ok, err = pcall(vim.cmd, "edit " .. vim.fn.fnameescape(relative))
    if not ok then
      vim.notify("Helix: cannot open " .. relative .. ": " .. tostring(err), vim.log.levels.WARN)
      return nil
    end
  end
  buf = vim.api.nvim_get_current_buf()
  local line = clamp(tonumber(session.context.current_line) or 1, 1, vim.api.nvim_buf_line_count(buf))
  local text = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1] or ""
  local col = clamp((tonumber(session.context.current_column) or 1) - 1, 0, #text)
  vim.api.nvim_win_set_cursor(0, { line, col })
  pcall(vim.cmd, "normal! zv")
  return string.format("%s:%d", relative, line)
end

return M
