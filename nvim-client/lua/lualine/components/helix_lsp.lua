-- lualine component: sections = { lualine_x = { "helix_lsp" } }
local component = require("lualine.component"):extend()

function component:init(options)
  component.super.init(self, options)
end

function component:update_status()
  local text = require("helix_lsp").statusline()
  -- '%' would start a statusline item.
  return (text:gsub("%%", "%%%%"))
end

return component
