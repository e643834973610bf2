-- Refused commands: a missing argument names the :Helix usage; the server's
-- one-sentence refusals are shown as they come; nothing changes. Then the
-- :Helix list picker pauses the session, and :checkhealth names the store.
local NAME = "err-session"

return function(T)
  local helix = T.wait_ready()

  -- Missing arguments: the usage, never the workspace command's parameter.
  T.eq(":Helix create", T.refused("create without a name", "Helix create"),
    "Helix: usage: :Helix create {name} [mode] [project]")
  T.eq(":Helix fail", T.refused("fail without a reason", "Helix fail"), "Helix: usage: :Helix fail {reason}")
  T.eq(":Helix meta", T.refused("meta without a key", "Helix meta"), "Helix: usage: :Helix meta {key} [value]")
  T.eq(":Helix delete", T.refused("delete without a session", "Helix delete"),
    "Helix: usage: :Helix delete {session}")
  T.eq("too many words", T.refused("create with four words", "Helix create a building proj extra"),
    "Helix: usage: :Helix create {name} [mode] [project]")
  T.eq("an unknown verb", T.refused("unknown verb", "Helix frobnicate"),
    "Helix: 'frobnicate' is not a :Helix verb; use one of: create, start, pause, resume, complete, fail, "
      .. "mode, tag, untag, meta, show, list, switch, stats, log, delete, report, help")
  T.eq("an open quote", T.refused("open quote", [[Helix create "fix login]]),
    [[Helix: the quote " is not closed in :Helix create "fix login]])

  T.step("created", "Helix create " .. NAME .. " building", "created")

  -- The server's sentences, exactly as it sends them.
  local function as_sent(command, params)
    local reply = T.execute(command, params)
    return "Helix: " .. tostring(reply.err and reply.err.message)
  end
  T.eq("pausing an idle session", T.refused("pause idle", "Helix pause"),
    as_sent("helix.session.pause", {}))
  T.has("the refusal names the status", as_sent("helix.session.pause", {}), "is idle")
  T.eq("an empty name", T.refused("empty name", [[Helix create ""]]), as_sent("helix.session.create", { name = "" }))
  T.step("started", "Helix start " .. NAME, "started")
  local before = T.cli("show", NAME)

  T.eq("a mode that does not exist", T.refused("bad mode", "Helix mode nonsense"),
    as_sent("helix.session.setMode", { mode = "nonsense" }))
  T.has("the mode refusal names the word", as_sent("helix.session.setMode", { mode = "nonsense" }), "nonsense")
  -- A tag is sent as typed: the server decides, as it does for every client.
  T.eq("a tag with a space", T.refused("bad tag", [[Helix tag "bad tag!"]]),
    as_sent("helix.session.addTag", { tag = "bad tag!" }))
  T.eq("two tags in one word", T.refused("bad tags", "Helix tag bad tag!, ok"),
    as_sent("helix.session.addTag", { tag = "bad tag!, ok" }))
  for _, msg in ipairs(T.errors_since(0)) do
    T.lacks("no command name in " .. msg, msg, "helix.session.")
    T.lacks("no parameter talk in " .. msg, msg, "needs the parameter")
  end

  local after = T.cli("show", NAME)
  for _, key in ipairs({ "status", "mode", "failureReason", "endedAt", "tags", "metadata", "name" }) do
    T.eq("unchanged " .. key, after[key], before[key])
  end
  T.eq("still active", helix.statusline(), "[B] building: err-session")

  -- :Helix list active -> the session -> "pause" (the server's actions).
  T.stub_select(function(text)
    return text:sub(1, #NAME) == NAME or text == "pause"
  end)
  T.step("paused through the picker", "Helix list active", "paused")
  T.eq("two pickers", #T.selects, 2)
  T.eq("the actions of an active session", T.selects[2] and T.selects[2].items,
    { "pause", "complete", "fail", "set mode", "add tag", "show", "delete" })
  T.eq("paused in the store", T.cli("show", NAME).status, "paused")

  T.cmd("checkhealth helix_lsp")
  local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  T.lacks("health has no error", health, "ERROR")
  T.has("health names the store and where it came from", health,
    "session store: " .. T.db .. " (db_path)")
  T.has("health lists the client", health, "client 1 for ")
end
