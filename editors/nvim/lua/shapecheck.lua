-- shapecheck language server for Neovim: require("shapecheck").setup({ ... })
--
-- Uses vim.lsp.config/vim.lsp.enable on Neovim 0.11+, vim.lsp.start on 0.8-0.10,
-- and vim.lsp.start_client on 0.7.  Inlay hints are switched on where Neovim
-- has them (0.10+).
local M = {}

M.defaults = {
  cmd = { "shapecheck", "lsp" },
  filetypes = { "python" },
  root_markers = { "pyproject.toml", "setup.py", "setup.cfg", ".git" },
  -- Sent as initializationOptions and answered to workspace/configuration.
  settings = { shapecheck = {} },
  inlay_hints = true,
}

local function enable_inlay_hints(bufnr)
  local ih = vim.lsp.inlay_hint
  if not ih then
    return
  end
  -- 0.10 final: enable(true, {bufnr=...}); 0.10 nightlies: enable(bufnr, true)
  if not pcall(ih.enable, true, { bufnr = bufnr }) then
    pcall(ih.enable, bufnr, true)
  end
end

local function find_root(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fn.fnamemodify(name, ":p:h")
  if vim.fs and vim.fs.find then
    local found = vim.fs.find(markers, { path = dir, upward = true })[1]
    if found then
      return vim.fn.fnamemodify(found, ":h")
    end
    return dir
  end
  for _, marker in ipairs(markers) do
    local hit = vim.fn.findfile(marker, dir .. ";")
    if hit == "" then
      hit = vim.fn.finddir(marker, dir .. ";")
    end
    if hit ~= "" then
      return vim.fn.fnamemodify(hit, ":p:h:h")
    end
  end
  return dir
end

function M.setup(opts)
  opts = vim.tbl_deep_extend("force", M.defaults, opts or {})
  local function on_attach(client, bufnr)
    if opts.inlay_hints then
      enable_inlay_hints(bufnr)
    end
    if opts.on_attach then
      opts.on_attach(client, bufnr)
    end
  end

  if vim.lsp.config and vim.lsp.enable then
    vim.lsp.config("shapecheck", {
      cmd = opts.cmd,
      filetypes = opts.filetypes,
      root_markers = opts.root_markers,
      settings = opts.settings,
      init_options = opts.settings,
      on_attach = on_attach,
    })
    vim.lsp.enable("shapecheck")
    return
  end

  local clients_by_root = {}
  local function start(bufnr)
    local root = find_root(bufnr, opts.root_markers)
    local config = {
      name = "shapecheck",
      cmd = opts.cmd,
      root_dir = root,
      settings = opts.settings,
      init_options = opts.settings,
      on_attach = on_attach,
    }
    if vim.lsp.start then
      vim.lsp.start(config, { bufnr = bufnr })
      return
    end
    -- Neovim 0.7: one client per root, attached by hand.
    local id = clients_by_root[root]
    if not id or not vim.lsp.get_client_by_id(id) then
      id = vim.lsp.start_client(config)
      clients_by_root[root] = id
    end
    if id then
      vim.lsp.buf_attach_client(bufnr, id)
    end
  end

  vim.api.nvim_create_autocmd("FileType", {
    pattern = opts.filetypes,
    group = vim.api.nvim_create_augroup("shapecheck_lsp", { clear = true }),
    callback = function(args)
      start(args.buf)
    end,
  })
end

return M
