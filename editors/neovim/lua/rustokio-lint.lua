-- rustokio-lint in Neovim (0.7 or later): diagnostics and quick fixes from
-- `rustokio-lint --lsp` on Rust buffers, and the safe fixes applied on save.
--
--   require('rustokio-lint').setup()                  -- rustokio-lint on $PATH
--   require('rustokio-lint').setup({ cmd = { 'npx', 'rustokio-lint', '--lsp' } })
--
-- Options: cmd (the server command), fix_on_save (default true),
-- timeout_ms (how long a save waits for the fixes, default 3000),
-- init_options (sent to the server: { debounceMs = 200, configFile = '...' }).
-- Quick fixes show in vim.lsp.buf.code_action(); `:RustokioFixAll` fixes now.
local M = {}

local NAME = 'rustokio-lint'
local clients = {} -- root directory -> client id (Neovim 0.7, which has no vim.lsp.start)

-- The nearest directory above the buffer's file holding Cargo.toml, else the working directory.
local function root_of(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  while dir and dir ~= '' do
    if vim.loop.fs_stat(dir .. '/Cargo.toml') then return dir end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then break end
    dir = parent
  end
  return vim.loop.cwd()
end

function M.attach(bufnr, opts)
  local config = {
    name = NAME,
    cmd = opts.cmd or { 'rustokio-lint', '--lsp' },
    root_dir = root_of(bufnr),
    init_options = opts.init_options or {},
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  local id = clients[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
end

-- Applies the server's `source.fixAll.rustokio` action to the buffer, synchronously.
function M.fix_all(bufnr, timeout_ms)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = {
      start = { line = 0, character = 0 },
      ['end'] = { line = vim.api.nvim_buf_line_count(bufnr), character = 0 },
    },
    context = { only = { 'source.fixAll.rustokio' }, diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout_ms or 3000)
  for id, response in pairs(responses or {}) do
    local client = vim.lsp.get_client_by_id(id)
    if client and client.name == NAME then
      for _, action in ipairs(response.result or {}) do
        if action.edit then vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16') end
      end
    end
  end
end

function M.setup(opts)
  opts = opts or {}
  local group = vim.api.nvim_create_augroup(NAME, { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'rust',
    callback = function(args) M.attach(args.buf, opts) end,
  })
  if opts.fix_on_save ~= false then
    vim.api.nvim_create_autocmd('BufWritePre', {
      group = group,
      pattern = '*.rs',
      callback = function(args) M.fix_all(args.buf, opts.timeout_ms) end,
    })
  end
  vim.api.nvim_create_user_command('RustokioFixAll', function() M.fix_all(0, opts.timeout_ms) end, {})
end

return M
