-- restore_on_resume = false: :Helix resume leaves the cursor where it is.

return function(T)
  T.wait_ready()
  T.step("created", "Helix create stay-here", "created")
  T.step("started", "Helix start", "started")
  T.move(5, 0)
  T.server_has("server has line 5", "src/app.py", 5)
  T.step("paused", "Helix pause", "paused")
  T.cmd("edit notes.txt")
  T.move(3, 0)
  T.sleep(300)
  local note = T.step("resumed", "Helix resume", "resumed")
  T.eq("no place in the message", note and note.msg, "Helix: resumed 'stay-here'")
  T.server_has("notes.txt line 3 recorded", "notes.txt", 3)
  local c = T.cursor()
  T.eq("the cursor stayed", { c.file:match("[^/]+$"), c.line }, { "notes.txt", 3 })
end
