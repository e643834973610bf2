-- :Helix mode / tag / untag / meta: changes to a session's mode, tags and
-- metadata. Tags and values go to the server as typed (one tag per command);
-- it checks them and explains a refusal the same way in every client.
local complete = require("helix_lsp.completion")
local format = require("helix_lsp.format")
local rpc = require("helix_lsp.rpc")

local M = {}

local q = format.quoted

local function target(params, ref)
  if ref then
    params.session = ref
  end
  return params
end

--- Sets the mode of a session (nil: the current one).
function M.set_mode(mode, ref)
  rpc.run("helix.session.setMode", target({ mode = mode }, ref), function(s)
    rpc.info(string.format("%s is now in %s mode", q(s), tostring(s and s.mode)))
  end)
end

--- A picker of modes, then set_mode.
function M.pick_mode(ref, prompt)
  vim.ui.select(format.MODES, { prompt = prompt or "Session mode" }, function(mode)
    if mode then
      M.set_mode(mode, ref)
    end
  end)
end

--- Adds a tag to a session (nil: the current one).
function M.add_tag(tag, ref)
  rpc.run("helix.session.addTag", target({ tag = tag }, ref), function(s)
    rpc.info(string.format("tagged %s with %s", q(s), tag))
  end)
end

function M.remove_tag(tag, ref)
  rpc.run("helix.session.removeTag", target({ tag = tag }, ref), function(s)
    rpc.info(string.format("removed tag %s from %s", tag, q(s)))
  end)
end

--- Sets a metadata entry; a nil value removes the key.
function M.set_meta(key, value, ref)
  local params = target({ key = key, value = value == nil and vim.NIL or value }, ref)
  rpc.run("helix.session.setMetadata", params, function(s)
    if value == nil then
      rpc.info(string.format("removed %s from %s", key, q(s)))
    else
      rpc.info(string.format("%s = %s on %s", key, value, q(s)))
    end
  end)
end

M.verbs = {
  {
    name = "mode",
    args = { "[mode]" },
    about = "change the current session's mode (a picker without one)",
    complete = function(n)
      return n == 1 and complete.modes() or {}
    end,
    run = function(a)
      if a[1] then
        M.set_mode(a[1])
      else
        M.pick_mode()
      end
    end,
  },
  {
    name = "tag",
    args = { "{tag}" },
    rest = true,
    about = "add a tag to the current session",
    complete = function(n)
      return n == 1 and complete.tags() or {}
    end,
    run = function(a)
      M.add_tag(a[1])
    end,
  },
  {
    name = "untag",
    args = { "{tag}" },
    rest = true,
    about = "remove a tag from the current session",
    complete = function(n)
      return n == 1 and complete.current_tags() or {}
    end,
    run = function(a)
      M.remove_tag(a[1])
    end,
  },
  {
    name = "meta",
    args = { "{key}", "[value]" },
    rest = true,
    about = "set a metadata entry of the current session (remove it without a value)",
    complete = function(n)
      return n == 1 and complete.current_meta_keys() or {}
    end,
    run = function(a)
      M.set_meta(a[1], a[2])
    end,
  },
}

return M
