-- The first half of "closed the editor and came back": start a session,
-- visit c.py (line 5) and b.py (line 7), then work at a.py line 15 with real
-- keys, and stop
-- there. The test quits (:qa) or kill -9s Neovim and its server afterwards.
-- ShaDa (HELIX_NVIM_SHADA) keeps the last positions for the next start.

local function now_ms()
  local s, us = vim.loop.gettimeofday()
  return s * 1000 + math.floor(us / 1000)
end

return function(T)
  T.wait_ready()
  T.step("created", "Helix create fix-login", "created")
  T.step("started", "Helix start", "started")
  T.record("started", T.cli("show", "fix-login"))

  T.cmd("edit c.py")
  T.move(5, 0)
  T.server_has("c.py:5 recorded", "c.py", 5)
  T.cmd("edit b.py")
  T.move(7, 0)
  T.server_has("b.py:7 recorded", "b.py", 7)
  T.cmd("edit a.py")
  T.move(10, 0)
  T.move(15, 4)
  T.record("last_move_ms", now_ms())
  T.server_has("a.py:15 recorded", "a.py", 15)
  T.cmd("wshada")
  -- Long enough for the coalesced write (at most ~1 s), well short of the
  -- idle limit.
  T.sleep(1500)
  T.record("before_exit", T.cli("show", "fix-login"))
  if vim.env.HELIX_NVIM_EXIT == "kill" then
    T.save()
    T.sleep(120000)
  end
end
