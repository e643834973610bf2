-- tag / untag / meta / mode / switch / show / stats / log, one server per
-- root, and a change made by another process reaching the statusline.

return function(T)
  local helix = T.wait_ready()
  local step = T.step

  step("alpha created", "Helix create alpha planning", "created")
  step("alpha started", "Helix start alpha", "started")
  T.move(3, 0)
  T.server_has("alpha at line 3", nil, 3)

  step("tag auth", "Helix tag auth", "tagged 'alpha' with auth")
  step("tag api", "Helix tag api", "tagged 'alpha' with api")
  step("untag api", "Helix untag api", "removed tag api from 'alpha'")
  step("meta sprint", "Helix meta sprint 23", "sprint = 23 on 'alpha'")
  T.wait_for("the status push carries the tags and metadata", function()
    local s = helix.session()
    return vim.deep_equal(s.tags, { "auth" }) and vim.deep_equal(s.metadata, { sprint = "23" })
  end)
  T.eq("untag completes the current session's tags", vim.fn.getcompletion("Helix untag ", "cmdline"), { "auth" })
  T.eq("meta completes its keys", vim.fn.getcompletion("Helix meta ", "cmdline"), { "sprint" })
  T.eq("nothing idle to start", vim.fn.getcompletion("Helix start ", "cmdline"), {})
  local filters = vim.fn.getcompletion("Helix list ", "cmdline")
  for _, f in ipairs({ "paused", "testing", "tag=auth", "project=proj" }) do
    T.ok("list completes " .. f, vim.tbl_contains(filters, f), filters)
  end

  step("beta created", "Helix create beta debugging", "created")
  T.eq("start completes the idle session", vim.fn.getcompletion("Helix start ", "cmdline"), { "beta" })
  local note = step("switched to beta", "Helix switch beta", "started")
  T.eq("switching starts beta and says alpha was paused", note and note.msg, "Helix: started 'beta'; paused 'alpha'")
  T.eq("alpha paused", T.cli("show", "alpha").status, "paused")
  T.eq("beta active", T.cli("show", "beta").status, "active")
  T.wait_for("statusline shows beta", function()
    return helix.statusline() == "[D] debugging: beta"
  end)
  T.move(12, 2)
  T.server_has("beta at line 12", nil, 12)

  T.cmd("edit notes.txt")
  T.sleep(400) -- longer than the debounce: a place sent now would be there
  T.server_has("opening a file does not move the place", "src/app.py", 12)
  T.move(2, 0)
  T.server_has("beta in notes.txt once the user moves there", "notes.txt", 2)
  note = step("switched to alpha", "Helix switch alpha", "resumed")
  T.eq("switching back resumes alpha at its place", note and note.msg,
    "Helix: resumed 'alpha' at src/app.py:3; paused 'beta'")
  T.wait_for("back at alpha's line", function()
    local c = T.cursor()
    return c.file:sub(-#"src/app.py") == "src/app.py" and c.line == 3
  end, 10000)
  local beta = T.cli("show", "beta")
  T.eq("beta kept notes.txt", { beta.status, beta.context.current_file, beta.context.current_line },
    { "paused", "notes.txt", "2" })

  step("mode changed", "Helix mode refactoring", "'alpha' is now in refactoring mode")
  T.wait_for("statusline shows refactoring", function()
    return helix.statusline() == "[R] refactoring: alpha"
  end)

  note = step("shown", "Helix show", "alpha")
  T.has("show has the metadata", note and note.msg, "sprint = 23")
  T.has("show has the tags", note and note.msg, "tags:     auth")
  note = step("stats", "Helix stats", "Sessions")
  T.has("stats counts", note and note.msg, "Sessions: 2")

  T.cmd("Helix log")
  T.wait_for("log opened", function()
    return vim.api.nvim_buf_get_name(0):find("helix://log", 1, true) ~= nil
  end, 10000)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  T.eq("the log, newest first", { lines[1]:match("^%S+"), lines[2]:match("^%S+") }, { "beta", "alpha" })
  T.cmd("close")

  -- A nested package belongs to the repository's root: no second server.
  T.cmd("edit pkg/web.js")
  T.sleep(100)
  local lsp = require("helix_lsp.lsp")
  local id = lsp.buf_client[vim.api.nvim_get_current_buf()]
  T.ok("pkg/web.js is in the proj root", id and lsp.root_of(id):sub(-#"/proj") == "/proj", id and lsp.root_of(id))
  T.cmd("buffer src/app.py")
  T.server_has("alpha back in app.py", "src/app.py", 3)
  local count = 0
  for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    count = count + (c.name == "helix_lsp" and 1 or 0)
  end
  T.eq("one helix-lsp client", count, 1)

  T.eq("statusline expression", T.drawn_statusline(), "[R] refactoring: alpha")
  T.eq("lualine component", T.lualine(), "[R] refactoring: alpha")

  -- A change made by another process reaches the statusline (helix/status).
  T.cli("pause", "alpha")
  T.wait_for("statusline sees the outside pause", function()
    return helix.statusline() == "[R] refactoring: alpha [paused]"
  end, 15000)

  -- The pickers: fail beta from the list, create gamma from :Helix alone.
  T.stub_input("tests keep failing")
  T.stub_select(function(text)
    return text:match("^beta ") or text == "fail"
  end)
  note = step("failed through the picker", "Helix list", "failed")
  T.eq("fail asks for the reason", note and note.msg, "Helix: failed 'beta': tests keep failing")
  T.eq("the actions of a paused session", T.selects[#T.selects].items,
    { "resume", "complete", "fail", "set mode", "add tag", "show", "delete" })
  T.stub_input("gamma")
  T.stub_select(function(text, prompt)
    return text == "create a session" or (prompt == "Mode of gamma" and text == "testing")
  end)
  note = step("created through the picker", "Helix", "created")
  T.eq("created from the picker", note and note.msg,
    "Helix: created 'gamma' (testing, project proj); :Helix start begins it")
  T.eq("a finished session: only show and delete", (function()
    T.stub_select(function(text)
      return text:match("^beta ")
    end)
    T.cmd("Helix list failed")
    T.wait_for("the failed session's actions", function()
      return #T.selects >= 2 and T.selects[#T.selects].prompt:match("^beta") ~= nil
    end, 10000)
    return T.selects[#T.selects].items
  end)(), { "show", "delete" })
  note = step("deleted", "Helix delete beta", "deleted")
  T.has("delete names the session", note and note.msg, "deleted 'beta' (")
  T.eq("no error along the way", T.errors_since(0), {})
end
