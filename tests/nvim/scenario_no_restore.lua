-- restore_on_resume = false: :Helix resume leaves the cursor where it is.

return function(T)
  T.wait_ready()
  local step = T.step
  step("created", "Helix create stay-here", "created")
  step("started", "Helix start", "started")
  vim.api.nvim_win_set_cursor(0, { 5, 0 })
  T.wait_for("server has line 5", function()
    local r = T.execute("helix.session.get", {})
    return type(r.result) == "table" and r.result.context.current_line == "5"
  end, 20000)
  step("paused", "Helix pause", "paused")
  T.cmd("edit notes.txt")
  vim.api.nvim_win_set_cursor(0, { 3, 0 })
  T.sleep(300)
  step("resumed", "Helix resume", "resumed")
  T.wait_for("notes.txt line 3 recorded", function()
    local r = T.execute("helix.session.get", {})
    return type(r.result) == "table" and r.result.context.current_file == "notes.txt"
      and r.result.context.current_line == "3"
  end, 20000)
  T.record("cursor", T.cursor())
end
