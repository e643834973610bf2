-- create -> start -> cursor to line 7 -> pause -> (elsewhere) -> resume ->
-- back at line 7 -> complete, recording what the user and the store see.
local NAME = "demo-session"
local INFO = vim.log.levels.INFO

return function(T)
  local helix = require("helix_lsp")
  T.record("start_file", T.cursor().file)
  T.wait_for("ready", function()
    return helix.ready()
  end, 30000)

  local client = helix.client()
  T.record("init_options", client and client.config.init_options or nil)
  T.record("workspace_folders", client and client.config.workspace_folders or nil)

  local m = T.mark()
  T.cmd("Helix create " .. NAME .. " testing")
  T.record("create_note", T.wait_notified("created", m, "created", INFO))
  T.record("after_create", T.cli("show", NAME))

  m = T.mark()
  T.cmd("Helix start")
  T.record("start_note", T.wait_notified("started", m, "started", INFO))
  T.record("after_start", T.cli("show", NAME))
  T.wait_for("statusline shows the active session", function()
    return helix.statusline():find(NAME, 1, true) ~= nil
  end)
  T.record("statusline_active", helix.statusline())

  -- The user moves to line 7, column 5.
  vim.api.nvim_win_set_cursor(0, { 7, 4 })
  local seen
  T.wait_for("server has line 7", function()
    local r = T.execute("helix.session.get", {})
    seen = r.result
    return type(seen) == "table" and type(seen.context) == "table" and seen.context.current_line == "7"
  end, 20000)
  T.record("get_after_move", seen)

  m = T.mark()
  T.cmd("Helix pause")
  T.record("pause_note", T.wait_notified("paused", m, "paused", INFO))
  T.wait_for("statusline shows paused", function()
    return helix.statusline():find("paused", 1, true) ~= nil
  end)
  T.record("statusline_paused", helix.statusline())
  T.record("after_pause", T.cli("show", NAME))

  -- Completion while paused.
  T.record("complete_verbs", vim.fn.getcompletion("Helix ", "cmdline"))
  T.record("complete_modes", vim.fn.getcompletion("Helix mode ", "cmdline"))
  T.record("complete_resume", vim.fn.getcompletion("Helix resume ", "cmdline"))
  T.record("complete_create_mode", vim.fn.getcompletion("Helix create x te", "cmdline"))

  -- Somewhere else entirely.
  T.cmd("edit notes.txt")
  vim.api.nvim_win_set_cursor(0, { 2, 0 })
  T.sleep(400)
  T.record("before_resume", T.cursor())

  m = T.mark()
  T.cmd("Helix resume")
  T.record("resume_note", T.wait_notified("resumed", m, "resumed", INFO))
  T.wait_for("back in app.py", function()
    return T.cursor().file:sub(-#"src/app.py") == "src/app.py"
  end, 10000)
  T.record("after_resume_cursor", T.cursor())
  T.wait_for("statusline shows active again", function()
    local s = helix.statusline()
    return s:find(NAME, 1, true) ~= nil and s:find("paused", 1, true) == nil
  end)
  T.record("statusline_resumed", helix.statusline())
  T.record("after_resume", T.cli("show", NAME))

  m = T.mark()
  T.cmd("Helix complete")
  T.record("complete_note", T.wait_notified("completed", m, "completed", INFO))
  T.record("after_complete", T.cli("show", NAME))
  T.wait_for("statusline empty", function()
    return helix.statusline() == ""
  end, 10000)
  T.record("statusline_completed", helix.statusline())
end
