-- The server command does not exist: a command says so at error level and
-- nothing hangs.
local ERROR = vim.log.levels.ERROR

return function(T)
  T.sleep(200)
  local m = T.mark()
  T.cmd("Helix show")
  T.record("note", T.wait_notified("error shown", m, "could not start", ERROR, 10000))
  T.record("statusline", require("helix_lsp").statusline())
  T.record("ready", require("helix_lsp").ready())

  T.cmd("checkhealth helix_lsp")
  T.record("health", vim.api.nvim_buf_get_lines(0, 0, -1, false))
end
