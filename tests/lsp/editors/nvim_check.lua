-- Headless Neovim: load the shipped config, open a file, wait for shapecheck's diagnostics
-- and write them as JSON to $SHAPECHECK_OUT.  The server command comes from $SHAPECHECK_CMD
-- (a JSON list) so the test runs this checkout's server.
vim.cmd("filetype on")
local function main()
local repo = os.getenv("SHAPECHECK_REPO")
vim.opt.runtimepath:prepend(repo .. "/editors/nvim")
local cmd = vim.fn.json_decode(os.getenv("SHAPECHECK_CMD"))
require("shapecheck").setup({ cmd = cmd })

vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("SHAPECHECK_FILE")))
local want = tonumber(os.getenv("SHAPECHECK_WANT") or "1")
local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(0) >= want
end, 50)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, { lnum = d.lnum, col = d.col, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), message = d.message, source = d.source })
end
local f = io.open(os.getenv("SHAPECHECK_OUT"), "w")
f:write(vim.fn.json_encode({ ok = ok, version = vim.version and tostring(vim.version().minor) or "?", diagnostics = out }))
f:close()
end

local ok, err = pcall(main)
if not ok then
  io.stderr:write("nvim_check failed: " .. tostring(err) .. "\n")
  vim.cmd("cquit 3")
end
vim.cmd("qall!")
