-- The session shown in the statusline, kept up to date from `helix/status`.
-- statusline() only reads a cached string, so it is cheap on every redraw.
local config = require("helix_lsp.config")
local hlsp = require("helix_lsp.lsp")

local M = {}

-- client id -> { active = session|nil, current = session|nil, paused = bool,
--                 text = string, seq = integer, sessions = list }
M.state = {}
M.last_client = nil

local function utf8(cp)
  if cp < 0x80 then
    return string.char(cp)
  elseif cp < 0x800 then
    return string.char(0xC0 + math.floor(cp / 0x40), 0x80 + cp % 0x40)
  end
  return string.char(0xE0 + math.floor(cp / 0x1000), 0x80 + math.floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
end

M.ascii = {
  planning = "P",
  building = "B",
  testing = "T",
  refactoring = "R",
  debugging = "D",
  deployment = "S",
  paused = "paused",
}

-- Nerd Font (Font Awesome) glyphs.
M.nerd = {
  planning = utf8(0xF0EB), -- lightbulb
  building = utf8(0xF0AD), -- wrench
  testing = utf8(0xF0C3), -- flask
  refactoring = utf8(0xF1B8), -- recycle
  debugging = utf8(0xF188), -- bug
  deployment = utf8(0xF135), -- rocket
  paused = utf8(0xF04C), -- pause
}

local function icon_table()
  local icons = config.options.icons
  if type(icons) == "table" then
    return vim.tbl_extend("force", M.ascii, icons), true
  elseif icons then
    return M.nerd, true
  end
  return M.ascii, false
end

function M.format(session, paused)
  if not session then
    return ""
  end
  if type(config.options.statusline_format) == "function" then
    local ok, s = pcall(config.options.statusline_format, session, paused)
    return ok and tostring(s or "") or ""
  end
  local icons, fancy = icon_table()
  local mode = tostring(session.mode or "")
  local name = tostring(session.name or "")
  local max = tonumber(config.options.statusline_max_name) or 40
  if max > 3 and vim.fn.strchars(name) > max then
    name = vim.fn.strcharpart(name, 0, max - 3) .. "..."
  end
  local icon = icons[mode] or "?"
  local s
  if fancy then
    s = string.format("%s %s: %s", icon, mode, name)
  else
    s = string.format("[%s] %s: %s", icon, mode, name)
  end
  if paused then
    s = s .. (fancy and (" " .. (icons.paused or "paused")) or " [paused]")
  end
  return s
end

local function refresh(client_id)
  local st = M.state[client_id]
  if not st then
    return
  end
  local shown = st.active or st.current
  local text = M.format(shown, shown ~= nil and st.active == nil)
  if text ~= st.text then
    st.text = text
    vim.schedule(function()
      pcall(vim.cmd, "redrawstatus!")
      pcall(vim.cmd, "doautocmd <nomodeline> User HelixLspStatus")
    end)
  end
end

local function ensure(client_id)
  local st = M.state[client_id]
  if not st then
    st = { text = "", seq = 0, sessions = {} }
    M.state[client_id] = st
  end
  return st
end

-- Sets the session that is shown when no session is active (the paused one),
-- e.g. from a command's reply.
function M.set_current(client_id, session)
  if not client_id then
    return
  end
  local st = ensure(client_id)
  if session and (session.status == "completed" or session.status == "failed") then
    if st.current and st.current.id == session.id then
      st.current = nil
    end
    if st.active and st.active.id == session.id then
      st.active = nil
    end
  elseif session and session.status == "active" then
    st.active = session
    st.current = nil
  elseif session and session.status == "paused" then
    if st.active and st.active.id == session.id then
      st.active = nil
    end
    if not st.active then
      st.current = session
    end
  end
  refresh(client_id)
end

-- Handler of the `helix/status` notification.
function M.on_status(client_id, params)
  if type(params) ~= "table" then
    return
  end
  local st = ensure(client_id)
  M.last_client = client_id
  st.seq = st.seq + 1
  local commands = package.loaded["helix_lsp.commands"]
  if commands then
    commands.invalidate()
  end
  local active = params.active
  if active == vim.NIL then
    active = nil
  end
  st.active = active
  st.sessions = type(params.sessions) == "table" and params.sessions or {}
  if active then
    st.current = nil
    refresh(client_id)
    return
  end
  refresh(client_id)
  -- No active session: show the project's current (most recently paused) one.
  local seq = st.seq
  local client = vim.lsp.get_client_by_id(client_id)
  if not client then
    return
  end
  hlsp.request(client, "workspace/executeCommand", { command = "helix.session.get", arguments = {} }, function(err, result)
    if st.seq ~= seq then
      return
    end
    if err or type(result) ~= "table" or result.status ~= "paused" then
      st.current = nil
    else
      st.current = result
    end
    refresh(client_id)
  end)
end

function M.forget(client_id)
  M.state[client_id] = nil
  if M.last_client == client_id then
    M.last_client = nil
  end
  vim.schedule(function()
    pcall(vim.cmd, "redrawstatus!")
  end)
end

local function state_for_current()
  local id = hlsp.buf_client[vim.api.nvim_get_current_buf()]
  local st = id and M.state[id]
  if not st and M.last_client then
    st = M.state[M.last_client]
  end
  return st
end

-- The statusline string: "[B] building: implement-auth", with " [paused]"
-- when the project's current session is paused; "" when there is none.
function M.statusline()
  local st = state_for_current()
  return st and st.text or ""
end

-- The session shown in the statusline and whether it is paused.
function M.session()
  local st = state_for_current()
  if not st then
    return nil, false
  end
  if st.active then
    return st.active, false
  end
  return st.current, st.current ~= nil
end

return M
