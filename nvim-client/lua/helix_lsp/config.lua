-- Options of require("helix_lsp").setup() and their defaults.
local M = {}

M.defaults = {
  -- Command that starts the language server (a list). nil: `helix-lsp` when it
  -- is on PATH, else `python3 -m helix_lsp`.
  cmd = nil,
  -- Session store: a SQLite file, or a postgresql:// URL. nil: the server's
  -- default ($HELIX_LSP_DB, else the user data directory).
  db_path = nil,
  -- Globs of files whose position is never recorded. nil: the server's default
  -- (.env files, keys and certificates).
  exclude = nil,
  -- A session with no activity (real cursor movement, edits, commands) for
  -- this many minutes is paused as of its last activity, so the time away is
  -- not counted (0: never). A fraction is allowed. `auto_pause_minutes` is the
  -- older name and still accepted.
  idle_minutes = 15,
  -- "ask": when the editor starts and finds the session paused that way, offer
  -- to resume it where it was left (vim.ui.select); "never": leave it paused.
  idle_resume = "ask",
  -- Record a hash instead of the file name.
  hide_file_names = nil,
  -- Project name for every root. nil: the root folder's name.
  project = nil,
  -- Who you are in a shared store (sessions you create are yours; only yours
  -- can be changed). nil: $HELIX_LSP_OWNER, else the owner a local store
  -- records, else git's global user.email, else the login name.
  owner = nil,
  -- :Helix resume / switch reopen the session's file at its line.
  restore_on_resume = true,
  -- Milliseconds of cursor stillness before the position is sent.
  cursor_debounce_ms = 300,
  -- Files or folders that mark a project root, searched upwards from a file.
  -- Entries are tried in order (a nested list holds equally ranked markers):
  -- a version-control root wins over a nearer package file.
  root_markers = {
    { ".helix-lsp", ".git", ".hg", ".svn" },
    { "pyproject.toml", "setup.py", "package.json", "Cargo.toml", "go.mod", "Makefile" },
  },
  -- Function(bufnr) -> root folder, overriding root_markers. Returning nil
  -- leaves the buffer unattached.
  root_dir = nil,
  -- Attach to buffers automatically (otherwise only buffers open when a :Helix
  -- command runs are attached).
  autostart = true,
  -- Filetypes never attached.
  exclude_filetypes = { "gitcommit", "gitrebase", "help", "qf", "netrw" },
  -- Show an info message after each successful lifecycle command.
  notify_success = true,
  -- Statusline: icons = false uses ASCII letters; true uses Nerd Font icons; a
  -- table maps modes (and "paused", "idle") to strings.
  icons = false,
  -- Longest session name shown in the statusline (longer names end in "...").
  statusline_max_name = 40,
  -- Function(session, paused) -> string replacing the statusline format
  -- (session.status tells idle from paused and active).
  statusline_format = nil,
  -- Extra settings merged into the LSP client configuration.
  lsp = {},
}

M.options = vim.deepcopy(M.defaults)

local RESUME_CHOICES = { ask = true, never = true }

-- A wrong value is said once, in one sentence, and the default is kept.
local function checked(merged, opts)
  if opts.idle_minutes == nil and opts.auto_pause_minutes ~= nil then
    merged.idle_minutes = opts.auto_pause_minutes -- the older name
  end
  merged.auto_pause_minutes = nil
  local minutes = merged.idle_minutes
  if type(minutes) ~= "number" or minutes < 0 or minutes ~= minutes then
    vim.notify(string.format("Helix: idle_minutes must be a number of minutes, 0 or more (got %s); using %s",
      vim.inspect(minutes), M.defaults.idle_minutes), vim.log.levels.ERROR)
    merged.idle_minutes = M.defaults.idle_minutes
  end
  if not RESUME_CHOICES[merged.idle_resume] then
    vim.notify(string.format('Helix: idle_resume must be "ask" or "never" (got %s); using "%s"',
      vim.inspect(merged.idle_resume), M.defaults.idle_resume), vim.log.levels.ERROR)
    merged.idle_resume = M.defaults.idle_resume
  end
  return merged
end

function M.set(opts)
  opts = opts or {}
  local merged = vim.deepcopy(M.defaults)
  for k, v in pairs(opts) do
    merged[k] = v
  end
  M.options = checked(merged, opts)
  return M.options
end

function M.server_cmd()
  local cmd = M.options.cmd
  if type(cmd) == "string" then
    return { cmd }
  end
  if type(cmd) == "table" and #cmd > 0 then
    return vim.deepcopy(cmd)
  end
  if vim.fn.executable("helix-lsp") == 1 then
    return { "helix-lsp" }
  end
  local py = vim.fn.executable("python3") == 1 and "python3" or "python"
  return { py, "-m", "helix_lsp" }
end

function M.init_options()
  local o = M.options
  local init = { cursorNotifications = true }
  if o.db_path and o.db_path ~= "" then
    if o.db_path:match("^%a[%w+.-]*://") then
      init.dbPath = o.db_path -- a PostgreSQL URL, not a file
    else
      init.dbPath = vim.fn.fnamemodify(vim.fn.expand(o.db_path), ":p")
    end
  end
  if o.exclude ~= nil then
    init.exclude = o.exclude
  end
  init.idleMinutes = o.idle_minutes
  init.idleResume = o.idle_resume
  if o.hide_file_names ~= nil then
    init.hideFileNames = o.hide_file_names
  end
  if o.project ~= nil then
    init.project = o.project
  end
  if type(o.owner) == "string" and o.owner:match("%S") then
    init.owner = vim.trim(o.owner)
  end
  return init
end

return M
