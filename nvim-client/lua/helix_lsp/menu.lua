-- Pickers (vim.ui.select): a session's actions, and what :Helix alone
-- offers. The lifecycle entries are the session's `actions`, as the server
-- computed them; nothing here decides which are legal.
local edit = require("helix_lsp.verbs.edit")
local format = require("helix_lsp.format")
local lifecycle = require("helix_lsp.verbs.lifecycle")

local M = {}

local function browse()
  return require("helix_lsp.verbs.browse")
end

local function ask(prompt, then_)
  vim.ui.input({ prompt = prompt }, function(answer)
    if answer then
      then_(answer)
    end
  end)
end

local function pick(items, prompt)
  vim.ui.select(items, {
    prompt = prompt,
    format_item = function(item)
      return item.label
    end,
  }, function(choice)
    if choice then
      choice.fn()
    end
  end)
end

local function title(s)
  return string.format("%s (%s, %s)", tostring(s.name), tostring(s.status), tostring(s.mode))
end

-- The lifecycle actions of a session, then what can be done to any session
-- that has not ended.
local function session_items(s)
  local id = s.id
  local items = {}
  for _, action in ipairs(type(s.actions) == "table" and s.actions or {}) do
    if action == "fail" then
      table.insert(items, { label = "fail", fn = function()
        ask("Reason: ", function(reason)
          lifecycle.fail(reason, id)
        end)
      end })
    else
      table.insert(items, { label = action, fn = function()
        lifecycle.transition(action, id)
      end })
    end
  end
  if #items > 0 then
    table.insert(items, { label = "set mode", fn = function()
      edit.pick_mode(id, "Mode of " .. tostring(s.name))
    end })
    table.insert(items, { label = "add tag", fn = function()
      ask("Tag: ", function(tag)
        edit.add_tag(tag, id)
      end)
    end })
  end
  table.insert(items, { label = "show", fn = function()
    browse().show(id)
  end })
  return items
end

--- The actions of a session picked from a list (or the log).
function M.session(s)
  local items = session_items(s)
  table.insert(items, { label = "delete", fn = function()
    browse().delete(s.id)
  end })
  pick(items, title(s))
end

--- A picker of sessions; on_choice(session).
function M.pick_session(sessions, prompt, on_choice)
  if #sessions == 0 then
    vim.notify("Helix: no sessions match", vim.log.levels.INFO)
    return
  end
  vim.ui.select(sessions, { prompt = prompt, format_item = format.one_line }, function(choice)
    if choice then
      on_choice(choice)
    end
  end)
end

--- :Helix without a verb: the current session's actions (Start for an idle
--- one), then creating, switching and listing sessions.
function M.main()
  local s = require("helix_lsp.status").session()
  local items = s and session_items(s) or {}
  table.insert(items, { label = "create a session", fn = function()
    ask("Session name: ", function(name)
      vim.ui.select(format.MODES, { prompt = "Mode of " .. name }, function(mode)
        if mode then
          lifecycle.create(name, mode)
        end
      end)
    end)
  end })
  table.insert(items, { label = "switch session", fn = function()
    browse().switch()
  end })
  table.insert(items, { label = "list sessions", fn = function()
    browse().list({})
  end })
  pick(items, s and title(s) or "Helix: no session in this project")
end

return M
