-- Formatting sessions, scratch views and jumping back to a session's place.
local hlsp = require("helix_lsp.lsp")

local M = {}

local function present(v)
  return v ~= nil and v ~= vim.NIL and v ~= ""
end

function M.duration(seconds)
  seconds = tonumber(seconds)
  if not seconds then
    return "-"
  end
  seconds = math.floor(seconds + 0.5)
  local h = math.floor(seconds / 3600)
  local m = math.floor(seconds % 3600 / 60)
  local s = seconds % 60
  if h > 0 then
    return string.format("%dh%02dm", h, m)
  elseif m > 0 then
    return string.format("%dm%02ds", m, s)
  end
  return string.format("%ds", s)
end

local function sorted_keys(t)
  local keys = {}
  if type(t) == "table" then
    for k in pairs(t) do
      table.insert(keys, k)
    end
  end
  table.sort(keys)
  return keys
end

-- One line: "implement-auth  paused  building  api  2h01m  #auth".
function M.one_line(s)
  local tags = {}
  for _, t in ipairs(type(s.tags) == "table" and s.tags or {}) do
    table.insert(tags, "#" .. t)
  end
  return string.format("%-30s %-9s %-11s %-16s %8s  %s", tostring(s.name), tostring(s.status),
    tostring(s.mode), tostring(s.project or ""), M.duration(s.activeSeconds), table.concat(tags, " "))
end

function M.details(s)
  local lines = {
    string.format("%s  (%s, %s)", tostring(s.name), tostring(s.status), tostring(s.mode)),
    "  id:       " .. tostring(s.id),
    "  project:  " .. tostring(s.project),
  }
  if present(s.description) then
    table.insert(lines, "  about:    " .. tostring(s.description))
  end
  if type(s.tags) == "table" and #s.tags > 0 then
    table.insert(lines, "  tags:     " .. table.concat(s.tags, ", "))
  end
  table.insert(lines, "  created:  " .. tostring(present(s.createdAt) and s.createdAt or "-"))
  if present(s.startedAt) then
    table.insert(lines, "  started:  " .. tostring(s.startedAt))
  end
  if present(s.lastPausedAt) then
    table.insert(lines, "  paused:   " .. tostring(s.lastPausedAt))
  end
  if present(s.endedAt) then
    table.insert(lines, "  ended:    " .. tostring(s.endedAt))
  end
  if present(s.failureReason) then
    table.insert(lines, "  failed:   " .. tostring(s.failureReason))
  end
  table.insert(lines, string.format("  time:     %s active, %s overall", M.duration(s.activeSeconds),
    M.duration(s.durationSeconds)))
  for _, field in ipairs({ "metadata", "context" }) do
    local keys = sorted_keys(s[field])
    if #keys > 0 then
      table.insert(lines, "  " .. field .. ":")
      for _, k in ipairs(keys) do
        table.insert(lines, string.format("    %s = %s", k, tostring(s[field][k])))
      end
    end
  end
  return lines
end

local function counts(t, order)
  local parts = {}
  local keys = order or sorted_keys(t)
  for _, k in ipairs(keys) do
    local n = type(t) == "table" and tonumber(t[k]) or nil
    if n and n > 0 then
      table.insert(parts, string.format("%s %d", k, n))
    end
  end
  return table.concat(parts, ", ")
end

local STATUS_ORDER = { "idle", "active", "paused", "completed", "failed" }
local MODE_ORDER = { "planning", "building", "testing", "refactoring", "debugging", "deployment" }

function M.stats_lines(st)
  local lines = {
    string.format("Sessions: %s", tostring(st.total or 0)),
    string.format("Active time: %s (average %s per started session)", M.duration(st.activeSeconds),
      M.duration(st.averageActiveSeconds)),
  }
  local by_status = counts(st.byStatus, STATUS_ORDER)
  if by_status ~= "" then
    table.insert(lines, "By status: " .. by_status)
  end
  local by_mode = counts(st.byMode, MODE_ORDER)
  if by_mode ~= "" then
    table.insert(lines, "By mode: " .. by_mode)
  end
  local projects = sorted_keys(st.byProject)
  if #projects > 1 then
    table.insert(lines, "By project:")
    for _, p in ipairs(projects) do
      local ps = st.byProject[p]
      if type(ps) == "table" then
        table.insert(lines, string.format("  %s: %s sessions, %s active", p, tostring(ps.total or 0),
          M.duration(ps.activeSeconds)))
      end
    end
  end
  return lines
end

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

-- Opens the session's current_file at current_line. Returns true on success.
function M.restore(session, client_id)
  if type(session) ~= "table" or type(session.context) ~= "table" then
    return false
  end
  local file = session.context.current_file
  if not present(file) then
    return false
  end
  file = tostring(file)
  local root = hlsp.root_of(client_id)
  local path = file
  if not file:match("^/") and not file:match("^%a:[/\\]") then
    if not root then
      return false
    end
    path = root .. "/" .. file
  end
  if vim.fn.filereadable(path) ~= 1 then
    return false
  end
  local line = tonumber(session.context.current_line) or 1
  local col = (tonumber(session.context.current_column) or 1) - 1
  local target = vim.fn.fnamemodify(path, ":p")
  local buf = vim.fn.bufnr(target)
  local win = buf ~= -1 and vim.fn.bufwinid(buf) or -1
  if win ~= -1 then
    vim.api.nvim_set_current_win(win)
  else
    local ok, err = pcall(vim.cmd, "edit " .. vim.fn.fnameescape(target))
    if not ok then
      vim.notify("Helix: cannot open " .. file .. ": " .. tostring(err), vim.log.levels.WARN)
      return false
    end
  end
  buf = vim.api.nvim_get_current_buf()
  local count = vim.api.nvim_buf_line_count(buf)
  if line > count then
    line = count
  end
  if line < 1 then
    line = 1
  end
  local text = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1] or ""
  if col > #text then
    col = #text
  end
  if col < 0 then
    col = 0
  end
  vim.api.nvim_win_set_cursor(0, { line, col })
  pcall(vim.cmd, "normal! zv")
  return true
end

return M
