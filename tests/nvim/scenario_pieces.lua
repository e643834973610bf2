-- The pieces with no server in them: splitting :Helix arguments, escaping
-- completed names, and local times.

return function(T)
  local args = require("helix_lsp.args")
  local function split(text)
    return { args.split(text) }
  end
  T.eq("double quotes", split([[create "fix login bug" debugging]]), { { "create", "fix login bug", "debugging" }, false })
  T.eq("single quotes keep backslashes", split([[tag 'a\b']]), { { "tag", [[a\b]] }, false })
  T.eq("escaped quote inside double quotes", split([[create "say \"hi\""]]), { { "create", [[say "hi"]] }, false })
  T.eq("backslash-escaped spaces", split([[resume fix\ login\ bug]]), { { "resume", "fix login bug" }, false })
  T.eq("an empty quoted word is a word", split([[create ""]]), { { "create", "" }, false })
  T.eq("trailing space: a new word comes next", split("resume "), { { "resume" }, true })
  T.eq("nothing at all", split(""), { {}, true })
  T.eq("an open quote", split([[create "fix]]), { nil, [[the quote " is not closed]] })
  for _, name in ipairs({ "fix login bug", [[a\b]], [[it's "x"]], "tab\there" }) do
    T.eq("escape round-trips " .. name, split(args.escape(name)), { { name }, false })
  end

  local format = require("helix_lsp.format")
  local now = os.time({ year = 2026, month = 11, day = 24, hour = 12, min = 0, sec = 0 })
  local function local_iso(t)
    -- the same moment written in UTC, as the server sends it
    return os.date("!%Y-%m-%dT%H:%M:%SZ", t)
  end
  T.eq("today", format.when(local_iso(now - 3600), now), "today 11:00")
  T.eq("yesterday", format.when(local_iso(now - 86400), now), "yesterday 12:00")
  T.eq("older", format.when(local_iso(now - 3 * 86400), now), "2026-11-21 12:00")
  T.eq("fractions and an explicit offset", format.epoch("2026-11-24T18:00:00.250+01:30"),
    format.epoch("2026-11-24T16:30:00Z"))
  T.eq("absent", format.when(vim.NIL), "-")
  T.eq("unreadable text is shown as it is", format.when("soon"), "soon")

  -- The statusline text of a status push (client id 999: no real client).
  local status = require("helix_lsp.status")
  local idle = { name = "x", mode = "building", status = "idle", actions = { "start", "fail" } }
  status.on_status(999, { active = vim.NIL, current = idle, sessions = {} })
  T.eq("an idle current session", status.state[999].text, "[B] building: x [idle]")
  status.on_status(999, { active = vim.NIL, current = idle, sessions = {}, store = { online = false, message = "down" } })
  T.eq("an offline store", status.state[999].text, "[B] building: x [idle] [store offline]")
  status.on_status(999, { active = vim.NIL, current = vim.NIL, sessions = {} })
  T.eq("no session", status.state[999].text, "")
  status.forget(999)

  -- The store :checkhealth names, and what is sent as dbPath.
  local config = require("helix_lsp.config")
  local health = require("helix_lsp.health")
  local saved = config.options.db_path
  config.options.db_path = "postgresql://me@db.example:5432/sessions"
  T.eq("a PostgreSQL URL is sent as it is", config.init_options().dbPath, "postgresql://me@db.example:5432/sessions")
  T.eq("and named as the store", { health.store() }, { "postgresql://me@db.example:5432/sessions", "db_path" })
  config.options.db_path = "postgresql://me:secret@db.example:5432/sessions"
  T.cmd("checkhealth helix_lsp")
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  T.has("health names the URL", report, "session store: postgresql://me@db.example:5432/sessions (db_path")
  T.lacks("but never its password", report, "secret")
  T.cmd("bwipeout")
  config.options.db_path = saved
  config.options.owner = "  me@example.com "
  T.eq("the owner is sent trimmed", config.init_options().owner, "me@example.com")
  config.options.owner = nil
  T.eq("and not at all when unset", config.init_options().owner, nil)
  local cmd = config.options.cmd
  config.options.cmd = { "helix-lsp", "--db", "/srv/sessions.db" }
  T.eq("--db in the server command wins", { health.store() }, { "/srv/sessions.db", "--db in the server command" })
  config.options.cmd = cmd

  local help = T.step("help", "Helix help", ":Helix create {name} [mode] [project]")
  T.has("help has the usage and what it does", help and help.msg,
    ":Helix fail {reason}                       mark the current session failed, with the reason")
  T.eq("help has a line per verb", help and select(2, help.msg:gsub("\n", "")) + 1, 18)

  local commands = require("helix_lsp.commands")
  for _, record in ipairs(commands.verbs) do
    T.ok(record.name .. " has its usage, about and run", type(record.about) == "string"
      and type(record.run) == "function" and commands.usage(record):sub(1, 14) == "usage: :Helix ")
  end
end
