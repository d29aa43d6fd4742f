# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Two cores: keep BLAS and numba from spinning thread pools against each other.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
export NUMBA_NUM_THREADS ?= 2

.PHONY: demo test test-all install install-test clean editors

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'

demo: install
	$(BIN)/shapecheck summary examples/

test: install-test
	$(BIN)/python -m pytest -q

# The robustness sweeps at full size: every .py file of numpy, libcst, pygls,
# numba and the standard library (~3,300 files), and more generated programs.
test-all: install-test
	SHAPECHECK_SWEEP=all SHAPECHECK_FUZZ_EXAMPLES=300 $(BIN)/python -m pytest -q tests/robustness/test_corpus.py tests/robustness/test_properties.py

# Real editors and Node clients for tests/lsp (skipped with a reason when absent):
# Debian's neovim, emacs-nox and elpa-eglot, the strict client's vscode-jsonrpc and
# the VS Code extension's build tools.  Idempotent; never fails: without apt-get,
# root/sudo, npm or the network it says so and the tests skip.
APT_EDITORS := neovim emacs-nox elpa-eglot
EGLOT_PROBE := emacs --batch -q --eval "(progn (require 'package) (package-initialize) (require 'eglot))"
editors:
	@if command -v nvim >/dev/null 2>&1 && command -v emacs >/dev/null 2>&1 && $(EGLOT_PROBE) >/dev/null 2>&1; then \
	  echo "editors: neovim and emacs with eglot are installed"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "editors: no apt-get here; the Neovim/Emacs tests will be skipped"; \
	else \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi; \
	  if [ "$$SUDO" = none ]; then echo "editors: apt-get needs root; the Neovim/Emacs tests will be skipped"; \
	  else ($$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_EDITORS) >/dev/null) \
	    || echo "editors: apt-get install failed; the Neovim/Emacs tests will be skipped"; fi; \
	fi
	@if command -v npm >/dev/null 2>&1; then \
	  for d in tests/lsp editors/vscode; do \
	    if [ -d $$d/node_modules ]; then echo "editors: $$d/node_modules present"; \
	    else (cd $$d && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
	      || echo "editors: npm ci failed in $$d; its tests will be skipped"; fi; \
	  done; \
	else echo "editors: no npm; the Node client and VS Code build tests will be skipped"; fi

clean:
	rm -rf $(VENV) build *.egg-info
