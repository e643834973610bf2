-- helix-lsp for Neovim: development sessions (create, start, pause, resume,
-- complete, fail) kept by the helix-lsp language server, with the cursor's
-- place recorded into the active session and shown in the statusline.
--
--   require("helix_lsp").setup({ db_path = "~/sessions.db" })
--
-- See :help helix-lsp.
local M = {}

local configured = false

local function attach_loaded_buffers()
  local hlsp = require("helix_lsp.lsp")
  -- The current buffer first, so its root's server starts first.
  hlsp.attach(vim.api.nvim_get_current_buf())
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      hlsp.attach(buf)
    end
  end
end

--- Configures the plugin and starts attaching buffers. Calling it again
--- replaces the options (running servers keep theirs).
function M.setup(opts)
  local config = require("helix_lsp.config")
  config.set(opts)
  local hlsp = require("helix_lsp.lsp")
  local cursor = require("helix_lsp.cursor")
  local status = require("helix_lsp.status")

  local group = vim.api.nvim_create_augroup("HelixLsp", { clear = true })
  if config.options.autostart then
    vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile", "BufEnter", "FileType" }, {
      group = group,
      callback = function(ev)
        if vim.v.vim_did_enter == 1 then
          hlsp.attach(ev.buf)
        end
      end,
    })
  end
  vim.api.nvim_create_autocmd("BufWipeout", {
    group = group,
    callback = function(ev)
      hlsp.detach_buf(ev.buf)
    end,
  })
  if not configured then
    table.insert(hlsp.on_exit_hooks, status.forget)
  end
  cursor.setup(group)
  configured = true

  if config.options.autostart then
    -- Inside an init file the buffers are not loaded yet (and 0.7 refuses to
    -- attach an unloaded buffer): wait for VimEnter.
    if vim.v.vim_did_enter == 1 then
      attach_loaded_buffers()
    else
      vim.api.nvim_create_autocmd("VimEnter", {
        group = group,
        once = true,
        callback = function()
          attach_loaded_buffers()
        end,
      })
    end
  end
  return M
end

--- Runs setup() with the defaults unless it ran already.
function M.ensure_setup()
  if not configured then
    M.setup({})
  end
end

--- The statusline string, e.g. "[B] building: implement-auth", with
--- " [paused]" or " [idle]" when the project's current session is not
--- active; "" without a session.
function M.statusline()
  return require("helix_lsp.status").statusline()
end

--- The session the statusline shows (the project's current session, as the
--- server computed it), and whether it is paused.
function M.session()
  return require("helix_lsp.status").session()
end

--- Runs a :Helix verb with its arguments as they are (no quoting needed):
--- require("helix_lsp").run("create", "fix login bug", "testing").
function M.run(...)
  local args = { ... }
  if #args == 1 and type(args[1]) == "table" then
    args = args[1]
  end
  require("helix_lsp.commands").run(args)
end

--- Sends a workspace command ("helix.session.get", ...) to the current
--- buffer's server; callback(err, result).
function M.execute(command, params, callback)
  M.ensure_setup()
  require("helix_lsp.rpc").execute(command, params, function(err, result)
    if callback then
      callback(err, result)
    end
  end)
end

--- The helix-lsp client of the current buffer (starting it when needed).
function M.client()
  M.ensure_setup()
  return require("helix_lsp.lsp").current_client()
end

--- True when the current buffer's server has been initialized.
function M.ready()
  local hlsp = require("helix_lsp.lsp")
  local c = hlsp.current_client(false)
  return c ~= nil and hlsp.ready[c.id] == true
end

return M
