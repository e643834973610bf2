-- tag / untag / meta / mode / switch / show / stats / log, and one server per root.

return function(T)
  local helix = T.wait_ready()
  local step = T.step

  local function server_line(name, line, file)
    T.wait_for(name, function()
      local r = T.execute("helix.session.get", {})
      return type(r.result) == "table" and type(r.result.context) == "table"
        and r.result.context.current_line == tostring(line)
        and (file == nil or r.result.context.current_file == file)
    end, 20000)
  end

  step("alpha created", "Helix create alpha planning", "created")
  step("alpha started", "Helix start alpha", "started")
  vim.api.nvim_win_set_cursor(0, { 3, 0 })
  server_line("alpha at line 3", 3)

  step("tag auth", "Helix tag auth", "auth")
  step("tag api", "Helix tag api", "api")
  step("untag api", "Helix untag api", "removed")
  step("meta sprint", "Helix meta sprint 23", "sprint")
  T.record("complete_untag", vim.fn.getcompletion("Helix untag ", "cmdline"))
  T.record("complete_meta", vim.fn.getcompletion("Helix meta ", "cmdline"))
  T.record("complete_start", vim.fn.getcompletion("Helix start ", "cmdline"))
  T.record("complete_list", vim.fn.getcompletion("Helix list ", "cmdline"))

  step("beta created", "Helix create beta debugging", "created")
  T.record("complete_start_beta", vim.fn.getcompletion("Helix start ", "cmdline"))
  T.record("switch_beta_note", step("switched to beta", "Helix switch beta", "started"))
  T.record("alpha_after_switch", T.cli("show", "alpha"))
  T.record("beta_after_switch", T.cli("show", "beta"))
  T.wait_for("statusline shows beta", function()
    return helix.statusline():find("beta", 1, true) ~= nil
  end)
  T.record("statusline_beta", helix.statusline())
  vim.api.nvim_win_set_cursor(0, { 12, 2 })
  server_line("beta at line 12", 12)

  T.cmd("edit notes.txt")
  server_line("beta in notes.txt", 1, "notes.txt")
  T.record("switch_alpha_note", step("switched to alpha", "Helix switch alpha", "resumed"))
  T.wait_for("back at alpha's line", function()
    local c = T.cursor()
    return c.file:sub(-#"src/app.py") == "src/app.py" and c.line == 3
  end, 10000)
  T.record("cursor_after_switch", T.cursor())
  T.record("beta_after_switch_back", T.cli("show", "beta"))

  step("mode changed", "Helix mode refactoring", "refactoring")
  T.wait_for("statusline shows refactoring", function()
    return helix.statusline():find("refactoring", 1, true) ~= nil
  end)
  T.record("statusline_refactoring", helix.statusline())

  T.record("show_note", step("shown", "Helix show", "alpha"))
  T.record("stats_note", step("stats", "Helix stats", "Sessions"))

  T.cmd("Helix log")
  T.wait_for("log opened", function()
    return vim.api.nvim_buf_get_name(0):find("helix://log", 1, true) ~= nil
  end, 10000)
  T.record("log_lines", vim.api.nvim_buf_get_lines(0, 0, -1, false))
  T.cmd("close")

  -- A nested package belongs to the repository's root: no second server.
  T.cmd("edit pkg/web.js")
  T.sleep(100)
  T.record("web_js_root", (function()
    local id = require("helix_lsp.lsp").buf_client[vim.api.nvim_get_current_buf()]
    return id and require("helix_lsp.lsp").root_of(id) or nil
  end)())
  T.cmd("buffer src/app.py")
  server_line("alpha back in app.py", 3, "src/app.py")

  local count = 0
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  for _, c in pairs(get()) do
    if c.name == "helix_lsp" then
      count = count + 1
    end
  end
  T.record("helix_clients", count)

  -- The documented statusline expression and lualine component.
  T.record("statusline_expr", vim.api.nvim_eval_statusline(
    "%{v:lua.require'helix_lsp'.statusline()}", {}).str)
  package.preload["lualine.component"] = function()
    -- The small part of lualine's component class the helix_lsp component uses.
    local Base = {}
    Base.__index = Base
    function Base:extend()
      local cls = setmetatable({}, { __index = self })
      cls.__index = cls
      cls.super = self
      return cls
    end
    function Base:init(options)
      self.options = options
    end
    return Base
  end
  local Component = require("lualine.components.helix_lsp")
  local comp = setmetatable({}, { __index = Component })
  comp:init({})
  T.record("lualine_text", comp:update_status())

  -- A change made by another process reaches the statusline (helix/status).
  T.record("cli_pause", T.cli("pause", "alpha"))
  T.wait_for("statusline sees the outside pause", function()
    return helix.statusline():find("paused", 1, true) ~= nil
  end, 15000)
  T.record("statusline_outside_pause", helix.statusline())
  T.record("alpha_final", T.cli("show", "alpha"))
end
