-- Refused commands show the server's sentence at error level and change
-- nothing; then the :Helix list picker pauses the session.
local NAME = "err-session"
local INFO = vim.log.levels.INFO
local ERROR = vim.log.levels.ERROR

return function(T)
  local helix = T.wait_ready()

  local m = T.mark()
  T.cmd("Helix create " .. NAME .. " building")
  T.wait_notified("created", m, "created", INFO)
  m = T.mark()
  T.cmd("Helix start " .. NAME)
  T.wait_notified("started", m, "started", INFO)
  T.record("before", T.cli("show", NAME))

  -- :Helix fail without a reason.
  m = T.mark()
  T.cmd("Helix fail")
  T.record("fail_note", T.wait_notified("fail error shown", m, nil, ERROR))
  T.record("fail_notes_all", vim.list_slice(T.results.notifications, m + 1))
  T.record("fail_server", T.execute("helix.session.fail", {}))

  -- :Helix mode nonsense.
  m = T.mark()
  T.cmd("Helix mode nonsense")
  T.record("mode_note", T.wait_notified("mode error shown", m, nil, ERROR))
  T.record("mode_notes_all", vim.list_slice(T.results.notifications, m + 1))
  T.record("mode_server", T.execute("helix.session.setMode", { mode = "nonsense" }))

  T.record("after", T.cli("show", NAME))
  T.record("statusline", helix.statusline())

  -- :Helix list active -> pick the session -> pick "pause".
  local selects = {}
  vim.ui.select = function(items, opts, on_choice)
    local shown = {}
    for _, item in ipairs(items) do
      table.insert(shown, opts.format_item and opts.format_item(item) or tostring(item))
    end
    table.insert(selects, { prompt = opts.prompt, items = shown })
    for i, item in ipairs(items) do
      if (type(item) == "table" and (item.name == NAME or item.label == "pause")) then
        vim.schedule(function()
          on_choice(item, i)
        end)
        return
      end
    end
    vim.schedule(function()
      on_choice(nil, nil)
    end)
  end
  m = T.mark()
  T.cmd("Helix list active")
  T.record("list_pause_note", T.wait_notified("paused through the picker", m, "paused", INFO))
  T.record("selects", selects)
  T.record("after_picker", T.cli("show", NAME))

  T.cmd("checkhealth helix_lsp")
  T.record("health", vim.api.nvim_buf_get_lines(0, 0, -1, false))
end
