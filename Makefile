# Bootstraps the environment and hands over to the Invoke tasks in tasks.py,
# which are the real interface (`.venv/bin/invoke --list`).
#
#   make build       virtual environment (when missing) + build the site into output/
#   make test        virtual environment (when missing) + the whole test suite
#   make serve       serve output/ on http://localhost:8000
#   make livereload  rebuild on every save and reload the browser

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-from-requirements
INVOKE := $(VENV)/bin/invoke

.PHONY: build test serve livereload check clean

build: $(STAMP)
	$(INVOKE) build

test: $(STAMP)
	$(INVOKE) test

serve: $(STAMP)
	$(INVOKE) serve

livereload: $(STAMP)
	$(INVOKE) livereload

check: $(STAMP)
	$(INVOKE) check

clean:
	rm -rf $(VENV) output cache test-artifacts

# The stamp is newer than requirements.txt only after a complete install, so an
# interrupted install or a changed lock file reinstalls; otherwise nothing runs.
$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Nashra needs Python 3.11: run make with PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet --require-virtualenv -r requirements.txt
	touch $(STAMP)
