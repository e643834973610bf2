-- :Helix {verb} [args]: the dispatcher. Each verb is one record, kept next
-- to its implementation in helix_lsp/verbs/:
--
--   { name = "create", args = { "{name}", "[mode]", "[project]" },
--     about = "...", complete = function(n) ... end, run = function(a) ... end }
--
-- `args` is the usage text and the arity ({required}, [optional]); with
-- `rest` the last argument takes the rest of the line, with `many` any number
-- of words follow. complete(n) offers candidates for the n-th argument.
-- run(a) may return false to have the usage shown.
local args = require("helix_lsp.args")
local rpc = require("helix_lsp.rpc")

local M = {}

M.verbs = {} -- in the order :Helix <Tab> offers them
M.by_name = {}
local function add(record)
  table.insert(M.verbs, record)
  M.by_name[record.name] = record
end
for _, module in ipairs({ "lifecycle", "edit", "browse", "report" }) do
  for _, record in ipairs(require("helix_lsp.verbs." .. module).verbs) do
    add(record)
  end
end

function M.names()
  local out = {}
  for _, record in ipairs(M.verbs) do
    table.insert(out, record.name)
  end
  return out
end

--- "usage: :Helix create {name} [mode] [project]"
function M.usage(record)
  local text = "usage: :Helix " .. record.name
  if #record.args > 0 then
    text = text .. " " .. table.concat(record.args, " ")
  end
  return text
end

add({
  name = "help",
  args = {},
  about = "these lines",
  run = function()
    local lines = {}
    for _, record in ipairs(M.verbs) do
      local usage = M.usage(record):sub(#"usage: " + 1)
      table.insert(lines, string.format("%-42s %s", usage, record.about))
    end
    vim.notify(table.concat(lines, "\n"), vim.log.levels.INFO)
  end,
})

local function required(record)
  local n = 0
  for _, a in ipairs(record.args) do
    if a:sub(1, 1) == "{" then
      n = n + 1
    end
  end
  return n
end

-- The arguments as run() takes them, or nil when their number is wrong.
local function fit(record, given)
  local max = #record.args
  if #given < required(record) then
    return nil
  end
  if record.many or #given <= max then
    return given
  end
  if not record.rest then
    return nil
  end
  local fitted = vim.list_slice(given, 1, max - 1)
  table.insert(fitted, table.concat(vim.list_slice(given, max), " "))
  return fitted
end

--- Runs :Helix with its words already split: { "create", "fix login bug" }.
function M.run(words)
  require("helix_lsp").ensure_setup()
  if #words == 0 then
    require("helix_lsp.menu").main()
    return
  end
  local record = M.by_name[words[1]]
  if not record then
    rpc.error(string.format("'%s' is not a :Helix verb; use one of: %s", words[1], table.concat(M.names(), ", ")))
    return
  end
  local a = fit(record, vim.list_slice(words, 2))
  if not a or record.run(a) == false then
    rpc.error(M.usage(record))
  end
end

--- The candidates for <Tab> after `:Helix ` (customlist completion).
function M.complete(arglead, cmdline, cursorpos)
  local line = cmdline:sub(1, cursorpos or #cmdline)
  -- Drop the command name (and any range or bang before the first space).
  local words, between = args.split(line:match("^%s*%S+%s+(.*)$") or "")
  if not words then
    return {} -- inside an open quote
  end
  local index = #words + (between and 1 or 0)
  local cands = {}
  if index <= 1 then
    cands = M.names()
  else
    local record = M.by_name[words[1]]
    if record and record.complete then
      local ok, got = pcall(record.complete, index - 1)
      cands = ok and type(got) == "table" and got or {}
    end
  end
  local out = {}
  for _, c in ipairs(cands) do
    if c:sub(1, #arglead) == arglead then
      table.insert(out, c)
    end
  end
  return out
end

function M.create_command()
  vim.api.nvim_create_user_command("Helix", function(opts)
    local words, problem = args.split(opts.args)
    if not words then
      rpc.error(problem .. " in :Helix " .. opts.args)
      return
    end
    M.run(words)
  end, {
    nargs = "*",
    complete = function(arglead, cmdline, cursorpos)
      return M.complete(arglead, cmdline, cursorpos)
    end,
    desc = "helix-lsp sessions: :Helix {verb} [args]",
  })
end

return M
