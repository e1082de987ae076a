# Two commands do all set-up on a fresh machine: `make execute-all` and `make test`.
PYTHON ?= python3
QUICK ?= 0
INSTALLED := build/.installed
TEST_ENV := COURSE_QUICK=1 COURSE_OFFLINE=1 COURSE_HEADLESS=1 MPLBACKEND=Agg
# Notebook kernels import `helpers` from this checkout, whatever else is installed.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: help install lab execute-all test sync student translation-status bench test-browser

help:
	@echo "make install      install Python packages (requirements.txt, helpers) and the offline data package"
	@echo "make lab          open JupyterLab on the notebooks"
	@echo "make execute-all  run every notebook (both languages) into build/executed/; QUICK=1 for quick mode"
	@echo "make test         unit tests, parity checks and every notebook in quick mode, offline"
	@echo "make sync         sync each lessons_*/NN_name.md with its notebook (jupytext) and strip outputs"
	@echo "make test-browser lesson 04's latent sliders in JupyterLab + headless Chromium (screenshots: build/browser/)"
	@echo "make bench        measured speed and quality beside their anchors (build/bench.json, build/bench.md)"
	@echo "make student      exercise copies of every notebook (solutions emptied) into build/student/"
	@echo "make translation-status  list Hindi prose cells whose English text changed since translation"

install: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	@mkdir -p build
	$(PYTHON) -m pip install --quiet -r requirements.txt -e .
	@bash tools/install_system_data.sh
	@touch $@

lab: install
	$(PYTHON) -m jupyter lab notebooks/

execute-all: install
	$(PYTHON) tools/execute_notebooks.py --quick $(QUICK) --out build/executed

test: install
	$(TEST_ENV) $(PYTHON) -m pytest

sync: install
	$(PYTHON) tools/sync_lessons.py
	$(PYTHON) -m jupytext --sync lessons_en/*.md lessons_hi/*.md
	$(PYTHON) -m jupyter nbconvert --clear-output --inplace --log-level=WARN notebooks/*/*.ipynb

student: install
	$(PYTHON) tools/make_student_copies.py --out build/student

translation-status: install
	$(PYTHON) tools/translation.py status

bench: install
	$(PYTHON) tools/bench.py --out build

test-browser: install
	@PYTHON=$(PYTHON) bash tools/install_browser.sh
	COURSE_BROWSER_TESTS=1 $(PYTHON) -m pytest tests/browser -p no:nbval -o addopts="-p no:cacheprovider" -v
