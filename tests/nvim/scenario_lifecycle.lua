-- create (a quoted name) -> idle in the statusline -> Start from the :Helix
-- picker -> cursor to line 7 -> pause -> completion -> show -> (elsewhere)
-- -> resume back at line 7 -> complete.
local NAME = "fix login bug"

return function(T)
  local helix = T.wait_ready()
  local client = helix.client()
  T.eq("the plugin reports the cursor itself", client.config.init_options.cursorNotifications, true)
  T.eq("the store is db_path", client.config.init_options.dbPath, T.db)
  T.eq("the workspace folder is the root", client.config.workspace_folders[1].name, "proj")

  -- A quoted name is one argument, as in the shell and VS Code.
  local note = T.step("created", [[Helix create "fix login bug" testing]], "created")
  T.eq("create says how to begin", note and note.msg,
    "Helix: created 'fix login bug' (testing, project proj); :Helix start begins it")
  local s = T.cli("show", NAME)
  T.eq("an idle session in the store", { s.name, s.status, s.mode, s.project },
    { NAME, "idle", "testing", "proj" })

  -- The idle session is visible, and :Helix alone offers Start.
  T.wait_for("statusline shows the idle session", function()
    return helix.statusline() == "[T] testing: fix login bug [idle]"
  end)
  T.eq("statusline expression", T.drawn_statusline(), "[T] testing: fix login bug [idle]")
  T.eq("lualine component", T.lualine(), "[T] testing: fix login bug [idle]")
  T.stub_select(function(text)
    return text == "start"
  end)
  T.step("started from the picker", "Helix", "started")
  T.eq("the picker: the server's actions for an idle session, then the rest", T.selects[1] and T.selects[1].items,
    { "start", "fail", "set mode", "add tag", "show", "create a session", "switch session", "list sessions" })
  T.eq("the picker is titled with the session", T.selects[1] and T.selects[1].prompt, "fix login bug (idle, testing)")
  T.wait_for("statusline shows the active session", function()
    return helix.statusline() == "[T] testing: fix login bug"
  end)
  s = T.cli("show", NAME)
  T.eq("active in the store", s.status, "active")
  T.ok("started_at set", s.startedAt ~= vim.NIL)

  -- The user moves to line 7, column 5.
  T.move(7, 4)
  local seen
  T.wait_for("server has line 7", function()
    seen = T.execute("helix.session.get", {}).result
    return type(seen) == "table" and seen.context.current_line == "7"
  end, 20000)
  T.eq("the place", seen and { seen.context.current_file, seen.context.current_line, seen.context.current_column },
    { "src/app.py", "7", "5" })

  T.step("paused", "Helix pause", "paused")
  T.wait_for("statusline shows paused", function()
    return helix.statusline() == "[T] testing: fix login bug [paused]"
  end)
  s = T.cli("show", NAME)
  T.eq("paused at its place", { s.status, s.context.current_file, s.context.current_line },
    { "paused", "src/app.py", "7" })

  -- Completion while paused: names come escaped, and only where the server
  -- allows the action.
  T.eq("verbs", vim.fn.getcompletion("Helix ", "cmdline"), { "create", "start", "pause", "resume", "complete",
    "fail", "mode", "tag", "untag", "meta", "show", "list", "switch", "stats", "log", "delete", "report", "help" })
  T.eq("modes", vim.fn.getcompletion("Helix mode ", "cmdline"),
    { "planning", "building", "testing", "refactoring", "debugging", "deployment" })
  T.eq("resume offers the paused session", vim.fn.getcompletion("Helix resume ", "cmdline"), { [[fix\ login\ bug]] })
  T.eq("start offers no paused session", vim.fn.getcompletion("Helix start ", "cmdline"), {})
  T.eq("a half-typed escaped name", vim.fn.getcompletion([[Helix resume fix\ lo]], "cmdline"),
    { [[fix\ login\ bug]] })
  T.eq("create's mode", vim.fn.getcompletion("Helix create x te", "cmdline"), { "testing" })

  -- Readable local times (checked against the store on the Python side).
  local shown = T.step("shown", [[Helix show fix\ login\ bug]], "created")
  T.record("show_note", shown and shown.msg)
  T.ok("no raw ISO timestamp", shown and not shown.msg:find("%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d"), shown)
  T.has("show names the next steps", shown and shown.msg, "next:     :Helix resume, :Helix complete, :Helix fail")
  T.record("created_at", s.createdAt)

  -- Somewhere else entirely, then back.
  T.cmd("edit notes.txt")
  T.move(2, 0)
  T.sleep(400)
  note = T.step("resumed", "Helix resume", "resumed")
  T.eq("resume says where, relative to the current folder", note and note.msg,
    "Helix: resumed 'fix login bug' at src/app.py:7")
  T.wait_for("back in app.py", function()
    return T.cursor().file:sub(-#"/proj/src/app.py") == "/proj/src/app.py"
  end, 10000)
  T.eq("line 7, column 5", { T.cursor().line, T.cursor().col }, { 7, 4 })
  T.wait_for("statusline shows active again", function()
    return helix.statusline() == "[T] testing: fix login bug"
  end)

  T.step("completed", "Helix complete", "completed")
  s = T.cli("show", NAME)
  T.eq("completed at its place", { s.status, s.context.current_file, s.context.current_line },
    { "completed", "src/app.py", "7" })
  T.ok("ended_at set", s.endedAt ~= vim.NIL)
  T.wait_for("statusline empty", function()
    return helix.statusline() == ""
  end, 10000)
  T.eq("no error along the way", T.errors_since(0), {})
end
