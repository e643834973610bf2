-- The server command does not exist: a command says so at error level and
-- nothing hangs; :checkhealth names the store it checked.
local ERROR = vim.log.levels.ERROR

return function(T)
  T.sleep(200)
  local m = T.mark()
  T.cmd("Helix show")
  local note = T.wait_notified("error shown", m, "could not start", ERROR, 10000)
  T.has("the error names the command", note and note.msg, "/nonexistent/helix-lsp")
  T.eq("empty statusline", require("helix_lsp").statusline(), "")
  T.eq("not ready", require("helix_lsp").ready(), false)

  T.cmd("checkhealth helix_lsp")
  T.record("health", vim.api.nvim_buf_get_lines(0, 0, -1, false))

  -- Without db_path or $HELIX_LSP_DB: the user data folder.
  require("helix_lsp.config").options.db_path = nil
  vim.env.HELIX_LSP_DB = nil
  T.cmd("checkhealth helix_lsp")
  T.record("health_default_store", vim.api.nvim_buf_get_lines(0, 0, -1, false))
end
