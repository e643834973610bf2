-- What the statusline shows, taken from the server's `helix/status`
-- notification: `current` is the current project's current session (the
-- active one, else the most recently paused, else the idle one `start` would
-- take), computed by the server. statusline() only reads a cached string, so
-- it is cheap on every redraw.
local config = require("helix_lsp.config")
local format = require("helix_lsp.format")

local M = {}

-- client id -> { active = session|nil, current = session|nil, text = string,
--                 sessions = active sessions of the workspace's projects }
M.state = {}
M.last_client = nil

local function utf8(cp)
  if cp < 0x800 then
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
  idle = "idle",
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
  idle = utf8(0xF017), -- clock
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

--- "[B] building: name", then " [paused]" or " [idle]" for a session that
--- is not active (" [paused (away since 17:42)]" for one paused because
--- nothing happened); "" without a session.
function M.format(session)
  if not session then
    return ""
  end
  local waiting = session.status ~= "active" and tostring(session.status) or nil
  if type(config.options.statusline_format) == "function" then
    local ok, s = pcall(config.options.statusline_format, session, session.status == "paused")
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
  local s = fancy and string.format("%s %s: %s", icon, mode, name) or string.format("[%s] %s: %s", icon, mode, name)
  if waiting then
    local mark = icons[waiting] or waiting
    local away = waiting == "paused" and format.present(session.awaySince) and session.awaySince or nil
    if away then
      -- paused because nothing happened: say since when the user was away
      local since = "away since " .. format.clock(away)
      mark = fancy and (mark .. " " .. since) or (mark .. " (" .. since .. ")")
    end
    s = s .. (fancy and (" " .. mark) or (" [" .. mark .. "]"))
  end
  return s
end

local function session_or_nil(v)
  return type(v) == "table" and v or nil
end

local function redraw()
  vim.schedule(function()
    pcall(vim.cmd, "redrawstatus!")
    pcall(vim.cmd, "doautocmd <nomodeline> User HelixLspStatus")
  end)
end

--- Handler of the `helix/status` notification.
function M.on_status(client_id, params)
  if type(params) ~= "table" then
    return
  end
  require("helix_lsp.rpc").forget_completions()
  local st = M.state[client_id] or { text = "" }
  M.state[client_id] = st
  M.last_client = client_id
  st.active = session_or_nil(params.active)
  st.current = session_or_nil(params.current)
  if params.current == nil then
    -- A server older than `current` sends only the active session.
    st.current = st.active
  end
  st.sessions = type(params.sessions) == "table" and params.sessions or {}
  st.store = session_or_nil(params.store)
  local text = M.format(st.current)
  if st.store and st.store.online == false then
    text = (text == "" and "" or text .. " ") .. "[store offline]"
  end
  if text ~= st.text then
    st.text = text
    redraw()
  end
end

function M.forget(client_id)
  M.state[client_id] = nil
  if M.last_client == client_id then
    M.last_client = nil
  end
  redraw()
end

local function state_for_current()
  local id = require("helix_lsp.lsp").buf_client[vim.api.nvim_get_current_buf()]
  return (id and M.state[id]) or (M.last_client and M.state[M.last_client]) or nil
end

--- The statusline string of the current buffer's project.
function M.statusline()
  local st = state_for_current()
  return st and st.text or ""
end

--- The current session of the current buffer's project (nil without one),
--- and whether it is paused.
function M.session()
  local st = state_for_current()
  local s = st and st.current or nil
  return s, s ~= nil and s.status == "paused"
end

return M
