-- :Helix report [html] [7d | from=DATE to=DATE] [project=P] [tz=ZONE]: where
-- the time of a range went. The server builds and renders the report
-- (workspace command helix.session.report), so Neovim shows the same figures
-- as `helix-lsp report` and the VS Code page: the text in a scratch window
-- (q closes it), or the self-contained HTML page in the browser.
local rpc = require("helix_lsp.rpc")

local M = {}

local RANGES = { "1d", "7d", "14d", "30d", "12h" }

--- The request's parameters from the words after `:Helix report`, or nil and
--- the word that is not understood.
function M.parse(words)
  local params = { render = "text" }
  for _, w in ipairs(words) do
    local k, v = w:match("^(%w+)=(.+)$")
    if w == "html" then
      params.render = "html"
    elseif w == "text" then
      params.render = "text"
    elseif k == "from" or k == "to" or k == "project" or k == "tz" or k == "since" then
      params[k] = v
    elseif w:match("^%d+[hdwHDW]?$") then
      params.since = w
    else
      return nil, w
    end
  end
  return params
end

local function lines_of(text)
  local lines = vim.split(text, "\n", { plain = true })
  while #lines > 0 and lines[#lines] == "" do
    table.remove(lines)
  end
  return lines
end

-- Writes `html` to a new file only this user can read, in Neovim's own
-- temporary folder; returns its path, or nil and why not.
local function write_private(html)
  local path = vim.fn.tempname() .. "-helix-report.html"
  local fd, err = vim.loop.fs_open(path, "wx", 384) -- 0600, and never an existing file
  if not fd then
    return nil, err
  end
  local ok, werr = vim.loop.fs_write(fd, html, 0)
  vim.loop.fs_close(fd)
  if not ok then
    return nil, werr
  end
  return path
end

--- Opens `path` the way the system opens a web page: vim.ui.open (0.10 and
--- later), else xdg-open or macOS's open. Returns false when nothing can.
function M.open(path)
  if vim.ui.open then
    local _, err = vim.ui.open(path)
    return err == nil, err
  end
  local opener = vim.fn.has("mac") == 1 and "open" or "xdg-open"
  if vim.fn.executable(opener) ~= 1 then
    return false, opener .. " is not installed"
  end
  local job = vim.fn.jobstart({ opener, path }, { detach = true })
  return job > 0, opener .. " could not be started"
end

-- The report as the server rendered it (result.html or result.text), or nil
-- once the user has been told that it is missing.
local function rendered(result, render)
  local body = type(result) == "table" and result[render]
  if type(body) ~= "string" then
    rpc.error(string.format("the server sent no %s for the report", render == "html" and "HTML" or "text"))
    return nil
  end
  return body
end

local function show_html(html)
  local path, err = write_private(html)
  if not path then
    rpc.error("cannot write the report page: " .. tostring(err))
    return
  end
  local opened, why = M.open(path)
  if opened then
    vim.notify("Helix: report opened in the browser: " .. path, vim.log.levels.INFO)
  else
    vim.notify(string.format("Helix: report written to %s (%s; open it yourself)", path, tostring(why)),
      vim.log.levels.WARN)
  end
end

local function show_text(text)
  require("helix_lsp.ui").scratch("report", lines_of(text))
end

function M.report(words)
  local params, bad = M.parse(words)
  if not params then
    rpc.error(string.format("'%s' is not a report range: use 7d, 2w, 12h, from=DATE to=DATE, project=P, tz=ZONE "
      .. "or html", bad))
    return
  end
  params.width = vim.o.columns
  rpc.run("helix.session.report", params, function(result)
    local body = rendered(result, params.render)
    if not body then
      return
    elseif params.render == "html" then
      show_html(body)
    else
      show_text(body)
    end
  end)
end

M.verbs = {
  { name = "report", args = { "[html]", "[7d|from=DATE to=DATE]", "[project=P]" }, many = true,
    about = "where the time went: text in a window, or html in the browser",
    complete = function()
      return vim.list_extend({ "html" }, vim.list_extend(vim.deepcopy(RANGES), { "from=", "to=", "project=", "tz=" }))
    end, run = function(a)
      M.report(a)
    end },
}

return M
