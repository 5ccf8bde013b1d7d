-- pandoc filter for the man pages: a table becomes a list of its rows, the
-- first cell the term and the others, each named by its column, the text.
-- A list wraps at any width; a table of long cells does not fit 80 columns.
local function text_of(blocks)
  return pandoc.utils.blocks_to_inlines(blocks)
end

function Table(t)
  local head = {}
  if t.head and t.head.rows and #t.head.rows > 0 then
    for i, cell in ipairs(t.head.rows[1].cells) do
      head[i] = pandoc.utils.stringify(cell.contents)
    end
  end
  local items = {}
  for _, body in ipairs(t.bodies) do
    for _, row in ipairs(body.body) do
      local term = text_of(row.cells[1].contents)
      local defs = {}
      for i = 2, #row.cells do
        local c = row.cells[i].contents
        if #c > 0 then
          local inl = text_of(c)
          if i > 2 and head[i] and head[i] ~= "" then
            table.insert(inl, 1, pandoc.Space())
            table.insert(inl, 1, pandoc.Emph({pandoc.Str(head[i] .. ":")}))
          end
          table.insert(defs, pandoc.Para(inl))
        end
      end
      table.insert(items, {term, {defs}})
    end
  end
  return pandoc.DefinitionList(items)
end
