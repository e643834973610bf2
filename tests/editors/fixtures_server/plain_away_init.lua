-- Plain Neovim (no helix plugin) closed without pausing and started again.
-- HELIX_TEST_PHASE = "work": start a session and work at a.py:15 (the place
-- reaches the server through vim.lsp.buf.document_highlight(), as a user's
-- CursorHold autocmd sends it), then stop (the test quits or kill -9s).
-- "return": Neovim starts on b.py, the user's last-position jump restores
-- b.py:7, and the server's offer is answered through Neovim's own handler:
-- vim.ui.select on 0.10, vim.fn.inputlist on 0.7 (both captured here).
vim.g.loaded_python3_provider = 0
vim.o.swapfile = false

local out_path = os.getenv("HELIX_TEST_OUT")
local root = os.getenv("HELIX_TEST_ROOT")
local phase = os.getenv("HELIX_TEST_PHASE")
local answer = os.getenv("HELIX_TEST_ANSWER") or "Resume at"
local cmd = { os.getenv("HELIX_TEST_PYTHON"), "-m", "helix_lsp", "--db", os.getenv("HELIX_TEST_DB") }

local function report(kind, value)
  local f = assert(io.open(out_path, "a"))
  f:write(vim.fn.json_encode({ kind = kind, value = value == nil and vim.NIL or value }) .. "\n")
  f:close()
end

local function now_ms()
  local s, us = vim.loop.gettimeofday()
  return s * 1000 + math.floor(us / 1000)
end

local function here()
  return { file = vim.fn.expand("%:t"), line = vim.fn.line(".") }
end

local function store()
  local out = vim.fn.system({ os.getenv("HELIX_TEST_PYTHON"), "-m", "helix_lsp", "session", "show", "fix-login",
    "--json", "--db", os.getenv("HELIX_TEST_DB") })
  local ok, decoded = pcall(vim.fn.json_decode, out)
  return ok and decoded or out
end

-- The user's last-position jump (:help last-position-jump).
vim.api.nvim_create_autocmd("BufReadPost", {
  callback = function()
    local mark = vim.api.nvim_buf_get_mark(0, '"')
    if mark[1] > 1 and mark[1] <= vim.api.nvim_buf_line_count(0) then
      vim.cmd('normal! g`"')
    end
  end,
})

-- What the user is asked, and the answer: the first action starting with
-- HELIX_TEST_ANSWER.
local function offered(prompt, titles)
  report("offer", { prompt = prompt, items = titles, store = store(), at = here() })
  for i, title in ipairs(titles) do
    if title:sub(1, #answer) == answer then
      return i
    end
  end
  return nil
end
vim.ui.select = function(items, opts, on_choice)
  local titles = {}
  for _, item in ipairs(items) do
    table.insert(titles, opts.format_item and opts.format_item(item) or tostring(item))
  end
  local i = offered(opts.prompt, titles)
  on_choice(i and items[i] or nil, i)
end
rawset(vim.fn, "inputlist", function(lines)
  -- 0.7's handler: the message, "Request Actions:", then "N. title" lines
  local titles = {}
  for n = 3, #lines do
    table.insert(titles, (lines[n]:gsub("^%d+%. ", "")))
  end
  return offered(lines[1], titles) or 0
end)

local function start()
  local ready = false
  local id = vim.lsp.start_client({
    name = "helix-lsp",
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } },
    init_options = { idleMinutes = tonumber(os.getenv("HELIX_TEST_IDLE_MINUTES")) },
    on_init = function() ready = true end,
  })
  vim.lsp.buf_attach_client(0, id)
  if not vim.wait(20000, function() return ready end, 20) then
    report("fatal", "the server did not initialize")
    vim.cmd("qa!")
  end
  return vim.lsp.get_client_by_id(id)
end

local function execute(client, command, args)
  local response = client.request_sync("workspace/executeCommand",
    { command = command, arguments = args and { args } or {} }, 10000, 0)
  return response and (response.result or response.err)
end

local function work()
  local client = start()
  report("create", execute(client, "helix.session.create", { name = "fix-login", start = true }))
  report("started", store())
  vim.cmd("edit b.py")
  vim.lsp.buf_attach_client(0, client.id)
  vim.api.nvim_win_set_cursor(0, { 7, 0 })
  vim.lsp.buf.document_highlight()
  vim.wait(300)
  vim.cmd("edit a.py")
  vim.lsp.buf_attach_client(0, client.id)
  vim.api.nvim_win_set_cursor(0, { 15, 4 })
  vim.lsp.buf.document_highlight()
  report("last_move_ms", now_ms())
  vim.cmd("wshada")
  vim.wait(1500) -- the coalesced write lands (at most ~1 s)
  report("before_exit", store())
  report("saved", true)
  if os.getenv("HELIX_TEST_EXIT") ~= "kill" then
    vim.cmd("qa!")
  end
end

local function come_back()
  report("opened_at", here())
  local client = start()
  -- the user's CursorHold highlight at the restored b.py:7
  vim.lsp.buf.document_highlight()
  vim.wait(3000, function() return vim.fn.expand("%:t") == "a.py" end, 50)
  vim.wait(500)
  report("after", here())
  report("store", store())
  client.stop()
  vim.cmd("qa!")
end

vim.api.nvim_create_autocmd("VimEnter", {
  callback = function()
    vim.defer_fn(phase == "work" and work or come_back, 0)
  end,
})
