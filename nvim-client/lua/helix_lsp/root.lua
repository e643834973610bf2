-- Which project root a buffer belongs to, and which buffers are attached.
-- One server runs per root; the project of its sessions is the root's name.
local config = require("helix_lsp.config")

local M = {}

local uv = vim.uv or vim.loop

local function is_dir(path)
  local st = uv.fs_stat(path)
  return st and st.type == "directory"
end

local function dirname(path)
  return vim.fn.fnamemodify(path, ":h")
end

-- The nearest folder from `dir` upwards that holds one of `markers`.
local function search_up(dir, markers)
  local d = dir
  while true do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(d .. "/" .. marker) then
        return d
      end
    end
    local parent = dirname(d)
    if parent == d or parent == "" then
      return nil
    end
    d = parent
  end
end

-- The project root of a file path. root_markers is a list of markers or of
-- lists of equally ranked markers; the first entry found anywhere upwards
-- wins (so a repository's .git beats a nested package.json). Without any:
-- the current directory when the file lies inside it, else the file's folder.
function M.for_path(path)
  path = vim.fn.fnamemodify(path, ":p")
  local dir = is_dir(path) and path or dirname(path)
  dir = dir:gsub("/+$", "")
  if dir == "" then
    dir = "/"
  end
  for _, entry in ipairs(config.options.root_markers or {}) do
    local found = search_up(dir, type(entry) == "table" and entry or { entry })
    if found then
      return found
    end
  end
  local cwd = vim.fn.getcwd()
  if dir == cwd or dir:sub(1, #cwd + 1) == cwd .. "/" then
    return cwd
  end
  return dir
end

-- The root of a buffer (nil: it is not attached).
function M.for_buf(bufnr)
  if type(config.options.root_dir) == "function" then
    return config.options.root_dir(bufnr)
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" then
    return nil
  end
  return M.for_path(name)
end

-- An absolute folder path without a trailing slash.
function M.norm(root)
  if root == "" then
    return root
  end
  return (vim.fn.fnamemodify(root, ":p"):gsub("(.)/+$", "%1"))
end

-- True for buffers that hold a file the server should see.
function M.attachable(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or not vim.api.nvim_buf_is_loaded(bufnr) then
    return false
  end
  if vim.bo[bufnr].buftype ~= "" then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or name:match("^%a[%w+.-]*://") then
    return false
  end
  local ft = vim.bo[bufnr].filetype
  for _, x in ipairs(config.options.exclude_filetypes or {}) do
    if x == ft then
      return false
    end
  end
  return true
end

return M
