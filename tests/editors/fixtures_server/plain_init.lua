-- A plain Neovim set-up with no helix plugin: only the built-in LSP client,
-- as a user would configure any language server. The test drives it headless
-- and reads what happened from HELIX_TEST_OUT (one JSON object per line).
vim.g.loaded_python3_provider = 0

local out_path = os.getenv("HELIX_TEST_OUT")
local root = os.getenv("HELIX_TEST_ROOT")
local cmd = { os.getenv("HELIX_TEST_PYTHON"), "-m", "helix_lsp", "--db", os.getenv("HELIX_TEST_DB") }

local function report(kind, value)
  local f = assert(io.open(out_path, "a"))
  f:write(vim.fn.json_encode({ kind = kind, value = value == nil and vim.NIL or value }) .. "\n")
  f:close()
end

local function execute(client, command, args)
  local params = { command = command, arguments = args and { args } or {} }
  local response = client.request_sync("workspace/executeCommand", params, 10000, 0)
  if not response then
    return nil, { message = "no response" }
  end
  return response.result, response.err
end

local function scenario()
  local ready = false
  local statuses = {}
  local start = vim.lsp.start_client
  local id = start({
    name = "helix-lsp",
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } },
    on_init = function() ready = true end,
    -- what a statusline of the user's own would read: the server's choice
    handlers = { ["helix/status"] = function(_, params) table.insert(statuses, params) end },
  })
  vim.lsp.buf_attach_client(0, id)
  if not vim.wait(20000, function() return ready end, 20) then
    report("fatal", "the server did not initialize")
    vim.cmd("qa!")
    return
  end
  local client = vim.lsp.get_client_by_id(id)
  report("highlightProvider", client.server_capabilities.documentHighlightProvider and true or false)

  local idle, idle_err = execute(client, "helix.session.create", { name = "waiting task" })
  report("idle", idle or idle_err)
  vim.wait(5000, function()
    local last = statuses[#statuses]
    return last and type(last.current) == "table" and last.current.name == "waiting task"
  end, 20)
  report("status_idle", statuses[#statuses])

  local created, err = execute(client, "helix.session.create", { name = "nvim-task", start = true })
  report("create", created or err)

  -- a user's mapping for a command, fire and forget
  vim.lsp.buf.execute_command({ command = "helix.session.addTag", arguments = { { tag = "from-nvim" } } })

  vim.api.nvim_win_set_cursor(0, { 12, 4 })
  vim.lsp.buf.document_highlight()

  vim.defer_fn(function()
    local got, get_err = execute(client, "helix.session.get", nil)
    report("get", got or get_err)
    local _, refused = execute(client, "helix.session.pause", { session = "no-such-session" })
    report("refused", refused)
    vim.cmd("qa!")
  end, 200)
end

vim.api.nvim_create_autocmd("VimEnter", { callback = function() vim.defer_fn(scenario, 0) end })
