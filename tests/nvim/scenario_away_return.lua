-- The second half: Neovim starts again on b.py, whose last position (line 7)
-- the user's BufReadPost autocmd restores, after the idle limit has passed.
-- HELIX_NVIM_ANSWER: the offer's action to choose ("Resume" ...), or "none"
-- when no offer is expected (idle_resume = "never").

-- The last-position jump of :help last-position-jump, as users have it.
vim.api.nvim_create_autocmd("BufReadPost", {
  callback = function()
    local mark = vim.api.nvim_buf_get_mark(0, '"')
    if mark[1] > 1 and mark[1] <= vim.api.nvim_buf_line_count(0) then
      vim.cmd('normal! g`"')
    end
  end,
})

-- The offer may come before the scenario starts: catch it from the start.
local offers = {}
local answer = vim.env.HELIX_NVIM_ANSWER or "none"
-- HELIX_NVIM_ANSWER_AFTER_MS: a picker that waits for the user's keys
-- (telescope, fzf-lua) answers this much later.
local answer_after = tonumber(vim.env.HELIX_NVIM_ANSWER_AFTER_MS or "0")
vim.ui.select = function(items, opts, on_choice)
  local shown = {}
  for _, item in ipairs(items) do
    table.insert(shown, opts.format_item and opts.format_item(item) or tostring(item))
  end
  local cursor = vim.api.nvim_win_get_cursor(0)
  -- the store while the question is open, as the command line sees it
  local store = vim.fn.system({ vim.env.HELIX_NVIM_PYTHON, "-m", "helix_lsp", "session", "show", "fix-login",
    "--json", "--db", vim.env.HELIX_NVIM_DB })
  table.insert(offers, { prompt = opts.prompt, items = shown, store = store,
    file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ":t"), line = cursor[1] })
  for i, text in ipairs(shown) do
    if text:sub(1, #answer) == answer then
      vim.defer_fn(function()
        on_choice(items[i], i)
      end, answer_after)
      return
    end
  end
  vim.schedule(function()
    on_choice(nil, nil)
  end)
end

return function(T)
  local helix = T.wait_ready()
  local c = T.cursor()
  T.record("opened_at", { file = vim.fn.fnamemodify(c.file, ":t"), line = c.line })
  if answer == "none" then
    T.wait_for("the statusline says since when the user was away", function()
      return helix.statusline():find("away since", 1, true) ~= nil
    end, 15000)
    T.record("statusline", T.drawn_statusline())
    T.record("lualine", T.lualine())
    T.sleep(1500) -- an offer would have come by now
    T.record("offers", offers)
    T.record("paused", T.cli("show", "fix-login"))
    return
  end

  T.wait_for("the offer is shown", function()
    return #offers > 0
  end, 20000)
  T.record("offers", offers)
  T.wait_for("a.py is open at line 15", function()
    local cur = T.cursor()
    return cur.file:sub(-5) == "/a.py" and cur.line == 15
  end, 15000)
  T.wait_for("the statusline shows the session active", function()
    return helix.statusline() == "[B] building: fix-login"
  end, 10000)
  T.record("resumed", T.cli("show", "fix-login"))

  -- With the session active: opening c.py (its last position, line 5,
  -- restored by the user's autocmd) leaves the place alone; moving there
  -- does not.
  T.cmd("edit c.py")
  T.eq("c.py opened at its last position", T.cursor().line, 5)
  T.sleep(600) -- longer than the debounce: a place sent now would be there
  local r = T.execute("helix.session.get", {})
  local ctx = type(r.result) == "table" and r.result.context or {}
  T.eq("the restored position is not sent", { ctx.current_file, ctx.current_line }, { "a.py", "15" })
  T.move(9, 0)
  T.server_has("a real move is", "c.py", 9, 10000)
end
