-- :checkhealth helix_lsp
local M = {}

local function reporter()
  local h = vim.health
  if h and h.start then
    return h.start, h.ok, h.warn, h.error
  end
  h = require("health")
  return h.report_start, h.report_ok, h.report_warn, h.report_error
end

function M.check()
  local start, ok, warn, err = reporter()
  local config = require("helix_lsp.config")
  local hlsp = require("helix_lsp.lsp")

  start("helix-lsp")
  if vim.fn.has("nvim-0.7") == 1 then
    local v = vim.version()
    ok(string.format("Neovim %d.%d.%d", v.major, v.minor, v.patch))
  else
    err("Neovim 0.7 or newer is needed")
  end

  local cmd = config.server_cmd()
  if vim.fn.executable(cmd[1]) ~= 1 then
    err("the server command is not executable: " .. table.concat(cmd, " "),
      { "pip install helix-lsp, or set `cmd` in require('helix_lsp').setup()" })
  else
    local argv = vim.deepcopy(cmd)
    table.insert(argv, "--version")
    local out = vim.fn.system(argv)
    if vim.v.shell_error == 0 then
      ok(string.format("%s (%s)", vim.trim(out), table.concat(cmd, " ")))
    else
      err("`" .. table.concat(argv, " ") .. "` failed: " .. vim.trim(out))
    end
  end

  local db = config.init_options().dbPath or vim.env.HELIX_LSP_DB
  if db then
    local dir = vim.fn.fnamemodify(db, ":h")
    if vim.fn.isdirectory(dir) == 1 and vim.fn.filewritable(dir) == 2 then
      ok("session store: " .. db)
    elseif vim.fn.isdirectory(dir) == 0 then
      warn("the store's folder does not exist yet: " .. dir)
    else
      err("the store's folder is not writable: " .. dir)
    end
  else
    ok("session store: the server's default")
  end

  local running = 0
  for id, root in pairs(hlsp.roots) do
    running = running + 1
    ok(string.format("client %d for %s%s", id, root, hlsp.ready[id] and "" or " (starting)"))
  end
  if running == 0 then
    warn("no helix-lsp client is running (open a file, or run :Helix show)")
  end
end

return M
