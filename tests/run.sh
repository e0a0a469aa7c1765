#!/usr/bin/env bash
# The test command. Lint, types and the architecture's import contracts run on the source tree; the
# tests then run against the built wheel, installed into a fresh virtual environment (so packaged
# data paths are exercised), with branch coverage measured and gated at 95%.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv --clear .venv-test
py=.venv-test/bin/python
rm -rf dist
"$py" -m pip install -q --disable-pip-version-check build
"$py" -m build -q --wheel --outdir dist . >/dev/null
wheel=$(ls dist/rehab_planner-*.whl)
"$py" -m pip install -q --disable-pip-version-check "${wheel}[test]"

echo "== ruff";          .venv-test/bin/ruff check . && .venv-test/bin/ruff format --check .
echo "== mypy";          .venv-test/bin/mypy
echo "== import-linter"; .venv-test/bin/lint-imports --no-cache | tail -n 4
echo "== pytest (the installed wheel, with branch coverage)"
# PYTHONSAFEPATH keeps the checkout's planner/ off sys.path here and in every subprocess the tests start;
# the 15 slowest tests are listed, to keep the suite short.
PYTHONSAFEPATH=1 REHAB_PLANNER_TEST_INSTALLED=1 "$py" -m pytest -n auto -q -p no:cacheprovider \
  --durations=15 --cov --cov-report=term "$@"
