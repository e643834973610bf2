-- Splitting the text after :Helix into words, as a shell does, so that
-- `:Helix create "fix login bug" debugging` names the session "fix login bug"
-- (the same name the command line and VS Code accept).
--
-- Words are separated by white space; "double quotes" and 'single quotes'
-- group words (inside double quotes a backslash escapes " and \); outside
-- quotes a backslash escapes the next character, so completion can insert
-- `fix\ login\ bug`.
local M = {}

--- Returns the list of words and whether the text ended between words (so a
--- completion is for a new word); on an unclosed quote returns nil and the
--- sentence to show.
function M.split(text)
  local words = {}
  local word, quote, started = {}, nil, false
  local i, n = 1, #text
  while i <= n do
    local ch = text:sub(i, i)
    if quote == "'" then
      if ch == "'" then
        quote = nil
      else
        table.insert(word, ch)
      end
    elseif quote == '"' then
      local nxt = text:sub(i + 1, i + 1)
      if ch == "\\" and (nxt == '"' or nxt == "\\") then
        table.insert(word, nxt)
        i = i + 1
      elseif ch == '"' then
        quote = nil
      else
        table.insert(word, ch)
      end
    elseif ch:match("%s") then
      if started then
        table.insert(words, table.concat(word))
        word, started = {}, false
      end
    elseif ch == '"' or ch == "'" then
      quote, started = ch, true
    elseif ch == "\\" and i < n then
      table.insert(word, text:sub(i + 1, i + 1))
      started = true
      i = i + 1
    else
      table.insert(word, ch)
      started = true
    end
    i = i + 1
  end
  if quote then
    return nil, string.format("the quote %s is not closed", quote)
  end
  if started then
    table.insert(words, table.concat(word))
  end
  return words, not started
end

--- A word as it must be typed for split() to give it back (for completion).
function M.escape(word)
  return (tostring(word):gsub("([%s\\\"'])", "\\%1"))
end

return M
