--[[
The book's tables in print (Typst) and Word, one filter for both renderers:
Quarto runs it after its own filters (`_quarto.yml`: `filters: - {path: ..., at: post-render}`),
p3md.site.pdf and p3md.site.docx pass it to pandoc.

Why a filter: the tables are great-tables HTML; pandoc reads them into its Table, whose
footer row (the table's note, one cell spanning every column) and group rows (the interval
of a class, one spanning cell) Typst counts into the width of the last column it spans, so that
column took most of the page (issue 18). This filter
  - moves the footer's note out of the table, as a small paragraph under it;
  - left-aligns the first column and the spanning group rows, set in italics;
  - for Typst: builds the figure itself when pandoc would (pandoc path, the Table carries its
    caption), so that the note stays inside the figure with its table and the caption.
Rules, header repeat and breaking across pages are set in the Typst preamble (book.typ).
--]]

local is_quarto = (quarto ~= nil)

local function ncols(tbl)
  return #tbl.colspecs
end

local function stringify_cell(cell)
  return pandoc.utils.stringify(cell.contents)
end

-- A row with one cell spanning every column (a row group's heading).
local function is_group_row(row, n)
  return #row.cells == 1 and row.cells[1].col_span >= n and n > 1
end

local function mark_group_rows(rows, n)
  for _, row in ipairs(rows) do
    if is_group_row(row, n) then
      local cell = row.cells[1]
      cell.alignment = pandoc.AlignLeft
      cell.contents = cell.contents:walk({
        Plain = function(p) return pandoc.Plain({ pandoc.Emph(p.content) }) end,
        Para = function(p) return pandoc.Plain({ pandoc.Emph(p.content) }) end,
      })
    end
  end
end

-- The footer's cells as blocks (each spanning cell a paragraph), and the footer emptied.
local function take_notes(tbl)
  local notes = pandoc.Blocks({})
  for _, row in ipairs(tbl.foot.rows) do
    for _, cell in ipairs(row.cells) do
      if stringify_cell(cell) ~= "" then
        local inl = pandoc.utils.blocks_to_inlines(cell.contents)
        notes:insert(pandoc.Para(inl))
      end
    end
  end
  tbl.foot.rows = {}
  return notes
end

local function typst(blocks)
  return pandoc.write(pandoc.Pandoc(blocks), "typst", { wrap_text = "none" })
end

-- The table as a Typst expression, with a rule under its last row. pandoc writes a table as
-- `#figure(\n  align(center)[#table(...)]\n  , kind: table\n  )`: the figure is dropped here
-- (the caller makes its own, or Quarto's float is around it).
local function table_expr(tbl)
  local text = typst({ tbl }):gsub("%s+$", "")
  text = text:match("^#figure%(%s*(.-)%s*,%s*kind:%s*table%s*%)$") or text:gsub("^#", "")
  -- the table's closing parenthesis is the last one on a line of its own
  local last
  local from = 1
  while true do
    local s = text:find("\n%s*%)", from)
    if not s then break end
    last, from = s, s + 1
  end
  if last then
    text = text:sub(1, last) .. "  table.hline()," .. text:sub(last)
  end
  return text
end

function Table(tbl)
  local n = ncols(tbl)
  if n > 0 then
    tbl.colspecs[1][1] = pandoc.AlignLeft
  end
  for _, body in ipairs(tbl.bodies) do
    mark_group_rows(body.head, n)
    mark_group_rows(body.body, n)
  end
  local notes = take_notes(tbl)
  if FORMAT:match("typst") then
    local caption = tbl.caption.long
    local cap = nil
    if not is_quarto and caption and #caption > 0 then
      tbl.caption.long = pandoc.Blocks({})
      cap = typst(pandoc.Blocks({ pandoc.Plain(pandoc.utils.blocks_to_inlines(caption)) }))
      cap = cap:gsub("%s+$", "")
    end
    local expr = table_expr(tbl)
    if #notes > 0 then
      -- p3md-with-note (typst-head.typ): the note under the table, as wide as the table
      expr = "p3md-with-note(" .. expr .. ", [" .. typst(notes):gsub("%s+$", "") .. "])"
    end
    if cap then
      return pandoc.RawBlock("typst", "#figure(kind: table, caption: [" .. cap .. "], " .. expr .. ")")
    end
    return pandoc.RawBlock("typst", "#" .. expr)
  end
  if #notes > 0 then
    -- Word: the note in reference.docx's "Table Note" style (10 pt, single spacing)
    local attr = pandoc.Attr("", { "p3md-table-note" }, { ["custom-style"] = "Table Note" })
    return { tbl, pandoc.Div(notes, attr) }
  end
  return tbl
end

-- Word: Quarto's site writes a table float as <figure> around the table, which pandoc's docx
-- writer sets as a one-cell "figure table" holding the table, captioned under it as an image.
-- A figure holding one table becomes that table with the figure's caption (Word's "Table
-- Caption" style, above the table), as smalldocs' pages give it.
function Figure(fig)
  if not FORMAT:match("docx") then
    return nil
  end
  local tables = 0
  fig.content:walk({ Table = function() tables = tables + 1 end })
  if tables ~= 1 then
    return nil
  end
  local caption = fig.caption.long
  local content = fig.content:walk({
    Table = function(tbl)
      if caption and #caption > 0 then
        tbl.caption.long = caption
      end
      return tbl
    end,
  })
  return pandoc.Div(content, pandoc.Attr(fig.identifier))
end

-- Figures fit the text width: an image whose set width is wider than a portrait A4 page's
-- text (Quarto gives a notebook figure its pixel size at 96 dpi: 10.5 in for a 3-column
-- figure) is scaled to the width of the text, keeping its proportions.
local MAX_INCHES = 5.5
local PER_INCH = { ["in"] = 1, cm = 1 / 2.54, mm = 1 / 25.4, pt = 1 / 72, px = 1 / 96 }

local function inches(value)
  if not value then return nil end
  local number, unit = tostring(value):match("^%s*([%d%.]+)%s*(%a*)%s*$")
  if not number then return nil end
  local factor = PER_INCH[unit ~= "" and unit or "px"]
  return factor and tonumber(number) * factor or nil
end

function Image(img)
  if not (FORMAT:match("typst") or FORMAT:match("docx")) then
    return nil
  end
  local width = inches(img.attributes.width)
  if width and width > MAX_INCHES then
    img.attributes.width = "100%"
    img.attributes.height = nil
    return img
  end
  return nil
end

-- Callouts (the reconstruction notice) stay visible boxes in the pandoc path's PDF: smalldocs
-- writes Quarto's callout HTML, which pandoc would read as plain blocks. Quarto draws its own.
local CALLOUT_COLOURS = {
  ["callout-important"] = "#c0392b",
  ["callout-warning"] = "#e67e22",
  ["callout-caution"] = "#e67e22",
  ["callout-note"] = "#1a4f8b",
  ["callout-tip"] = "#2e7d32",
}

function Div(div)
  if is_quarto or not FORMAT:match("typst") or not div.classes:includes("callout") then
    return nil
  end
  local colour = "#555555"
  for cls, c in pairs(CALLOUT_COLOURS) do
    if div.classes:includes(cls) then colour = c end
  end
  local title, body = nil, pandoc.Blocks({})
  div.content:walk({
    Div = function(inner)
      if inner.classes:includes("callout-title-container") then
        title = pandoc.utils.blocks_to_inlines(inner.content)
      elseif inner.classes:includes("callout-body-container") then
        body:extend(inner.content)
      end
    end,
  })
  if #body == 0 then body = div.content end
  local out = pandoc.Blocks({
    pandoc.RawBlock("typst", "#block(width: 100%, breakable: true, stroke: (left: 3pt + rgb(\""
      .. colour .. "\"), rest: 0.6pt + rgb(\"" .. colour .. "\")), inset: 8pt, radius: 2pt, "
      .. "fill: rgb(\"" .. colour .. "\").lighten(92%))["),
  })
  if title then out:insert(pandoc.Para({ pandoc.Strong(title) })) end
  out:extend(body)
  out:insert(pandoc.RawBlock("typst", "]"))
  return out
end
