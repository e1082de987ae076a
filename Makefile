# Two commands do all set-up on a fresh machine: `make execute-all` and `make test`.
PYTHON ?= python3
QUICK ?= 0
# execute-all: seconds per notebook and per cell (empty: the runner's defaults, 1800/900 full, 600/300 quick)
TIMEOUT ?=
CELL_TIMEOUT ?=
INSTALLED := build/.installed
TEST_ENV := COURSE_QUICK=1 COURSE_OFFLINE=1 COURSE_HEADLESS=1 MPLBACKEND=Agg
# Notebook kernels import `helpers` from this checkout, whatever else is installed.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: help install lab execute-all test sync student translation-status bench test-browser clean-cache site test-site test-colab

help:
	@echo "make install      install Python packages (requirements.txt, helpers) and the offline data package"
	@echo "make lab          open JupyterLab on the notebooks"
	@echo "make execute-all  run every notebook (both languages) into build/executed/; QUICK=1 for quick mode"
	@echo "make test         unit tests, parity checks and every notebook in quick mode, offline; then the learning"
	@echo "                  checks and every student copy run to the end"
	@echo "make sync         sync each lessons_*/NN_name.md with its notebook (jupytext) and strip outputs"
	@echo "make test-browser lesson 04's latent sliders in JupyterLab + headless Chromium (screenshots: build/browser/)"
	@echo "make test-colab   every notebook, setup cell included, in a Colab-like Python 3.13 built from Colab's package"
	@echo "                  list (cached in build/colab/); checks that the setup cell upgrades nothing Colab relies on"
	@echo "make bench        measured speed and quality beside their anchors (build/bench.json, build/bench.md)"
	@echo "make student      exercise copies of every notebook (solutions emptied) into build/student/"
	@echo "make clean-cache  delete the trained models kept by the load-or-train cache (build/cache or \$$COURSE_CACHE_DIR)"
	@echo "make translation-status  list Hindi prose cells whose English text changed since translation"
	@echo "make site         the course website (both languages) from the executed notebooks into build/site/; QUICK=1 to run them in quick mode"
	@echo "make test-site    the website in headless Chromium at phone and desktop widths (screenshots: build/site-shots/)"

install: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	@mkdir -p build
	$(PYTHON) -m pip install --quiet -r requirements.txt -e .
	@bash tools/install_system_data.sh
	@touch $@

lab: install
	$(PYTHON) -m jupyter lab notebooks/

execute-all: install
	$(PYTHON) tools/execute_notebooks.py --quick $(QUICK) --out build/executed \
		$(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(CELL_TIMEOUT),--cell-timeout $(CELL_TIMEOUT))

# Step 1: unit tests, then every notebook with nbval (English before Hindi), each recording its metrics in
# build/test-metrics/<lang>/<lesson>.json. Step 2 (after the notebooks, cache warm): the learning checks and the
# student copies. Both steps always run; the target fails if either failed.
test: install
	rm -rf build/test-metrics
	status=0; \
	$(TEST_ENV) COURSE_TEST_METRICS_DIR=build/test-metrics $(PYTHON) -m pytest || status=1; \
	$(TEST_ENV) COURSE_TEST_METRICS_DIR=build/test-metrics $(PYTHON) -m pytest tests/after_notebooks -p no:nbval \
		-o addopts="-p no:cacheprovider" || status=1; \
	exit $$status

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

clean-cache:
	@$(PYTHON) tools/clean_cache.py

test-browser: install
	@PYTHON=$(PYTHON) bash tools/install_browser.sh
	COURSE_BROWSER_TESTS=1 $(PYTHON) -m pytest tests/browser -p no:nbval -o addopts="-p no:cacheprovider" -v

# The website: KaTeX from npm (tools/site/install.sh), the executed notebooks (run only when missing), then the pages.
site: install
	@bash tools/site/install.sh
	@$(PYTHON) tools/site/build_site.py --check >/dev/null || $(MAKE) execute-all QUICK=$(QUICK)
	$(PYTHON) tools/site/build_site.py

test-site: install
	@PYTHON=$(PYTHON) bash tools/install_browser.sh
	COURSE_SITE_TESTS=1 $(PYTHON) -m pytest tests/site/test_site.py -p no:nbval -o addopts="-p no:cacheprovider" -q

# Colab for real (tools/colab_env.py): builds build/colab/venv once (about 3 GB of downloads), then runs the unit
# tests of the widgets and every notebook there, offline, comparing `pip freeze` before and after the setup cell.
test-colab: install
	$(PYTHON) tools/colab_env.py
