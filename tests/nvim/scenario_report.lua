-- :Helix report: the text report in a scratch window (q closes it), and
-- :Helix report html written to a private file and handed to the system's
-- opener (a stand-in xdg-open on PATH records what it was given).
local bit = require("bit")

return function(T)
  T.wait_ready()

  T.step("created", "Helix create report-me building", "created")
  T.step("started", "Helix start report-me", "started")
  T.sleep(1500)
  T.step("paused", "Helix pause", "paused")
  local active = T.cli("show", "report-me").activeSeconds
  T.ok("the session has active time", type(active) == "number" and active >= 1, active)

  local windows = #vim.api.nvim_list_wins()
  T.cmd("Helix report")
  T.wait_for("the report window opened", function()
    return vim.api.nvim_buf_get_name(0):find("helix://report", 1, true) ~= nil
  end, 15000)
  local buf = vim.api.nvim_get_current_buf()
  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  T.has("the report has its heading", text, "Helix report")
  T.has("the report lists the session", text, "report-me")
  T.has("the report has the per-mode section", text, "Per mode")
  T.lacks("no terminal colour codes in the buffer", text, "\27[")
  T.eq("a scratch buffer", { vim.bo[buf].buftype, vim.bo[buf].modifiable }, { "nofile", false })
  if vim.bo[buf].buftype == "nofile" then
    T.cmd("normal q")
    T.eq("q closes the report", #vim.api.nvim_list_wins(), windows)
  end

  T.cmd("Helix report 30d project=proj")
  T.wait_for("a 30-day report of the project", function()
    local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    return vim.api.nvim_buf_get_name(0):find("helix://report", 1, true) ~= nil
      and table.concat(lines, "\n"):find("project proj", 1, true) ~= nil
  end, 15000)
  T.has("the 30-day report lists the session", table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n"),
    "report-me")
  if #vim.api.nvim_list_wins() > windows then
    T.cmd("close")
  end

  -- The browser: a stand-in xdg-open that writes down the file it was given.
  local bin = vim.fn.tempname()
  vim.fn.mkdir(bin, "p")
  local seen = bin .. "/opened.txt"
  vim.fn.writefile({ "#!/bin/sh", "printf '%s' \"$1\" > '" .. seen .. "'" }, bin .. "/xdg-open")
  vim.fn.setfperm(bin .. "/xdg-open", "rwx------")
  vim.env.PATH = bin .. ":" .. vim.env.PATH

  local m = T.mark()
  T.cmd("Helix report html")
  local note = T.wait_notified("the page was opened", m, "report opened in the browser", vim.log.levels.INFO)
  T.wait_for("the opener was run", function()
    return vim.fn.filereadable(seen) == 1 and #vim.fn.readfile(seen) > 0
  end, 15000)
  local page = vim.fn.filereadable(seen) == 1 and (vim.fn.readfile(seen)[1] or "") or ""
  T.has("the notification names the page", note and note.msg, page)
  T.ok("the page is an .html file", page:match("%.html$") ~= nil, page)
  local html = page ~= "" and vim.fn.filereadable(page) == 1 and table.concat(vim.fn.readfile(page), "\n") or ""
  T.has("the page is HTML", html, "<!DOCTYPE html>")
  T.has("the page names the session", html, "report-me")
  local st = vim.loop.fs_stat(page)
  T.eq("only the user can read the page", st and bit.band(st.mode, 511), 384)

  local refusal = T.refused("a word that is not a range", "Helix report soon")
  T.has("the refusal names the word", refusal, "'soon' is not a report range")
end
