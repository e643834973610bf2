-- Defines :Helix. Servers start only after require("helix_lsp").setup() (or
-- the first :Helix command, which runs setup() with the defaults).
if vim.g.loaded_helix_lsp then
  return
end
vim.g.loaded_helix_lsp = true

if vim.fn.has("nvim-0.7") ~= 1 then
  vim.api.nvim_echo({ { "helix-lsp needs Neovim 0.7 or newer", "ErrorMsg" } }, true, {})
  return
end

require("helix_lsp.commands").create_command()
