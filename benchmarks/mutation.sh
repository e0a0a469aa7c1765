#!/usr/bin/env bash
# Mutation testing of the pure core's rules (mutmut 3): rules.py, the same-day merge (same_day.py),
# follow_up.py and redflags.py, against the fast tests that pin them. Too slow for CI (minutes to
# an hour on two cores); run it before changing these rules and keep the table in the issue's note.
#
#   bash benchmarks/mutation.sh            # all four files
#   bash benchmarks/mutation.sh rules      # one of: rules same_day follow_up redflags
#
# It works in a scratch copy (nothing in the checkout changes) with its own virtual environment,
# where the project's dependencies are installed but the project itself is not, so the tests import
# mutmut's mutated copy of planner/. Prints a table: file, mutants, killed, survived, % survived.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${MUTATION_WORK:-$(mktemp -d)}"
targets=("${@:-rules same_day follow_up redflags}")
read -r -a targets <<< "${targets[*]}"

mkdir -p "$work/src"
tar -C "$here" --exclude=./.venv --exclude=./mutants --exclude=./.git --exclude='*.egg-info' -cf - . | tar -C "$work/src" -xf -
cd "$work/src"
if [ ! -x "$work/venv/bin/python" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q '.[test]' mutmut
    "$work/venv/bin/pip" uninstall -q -y rehab-planner
fi
only=$(printf '"planner/core/%s.py", ' "${targets[@]}")
cat > setup.cfg <<EOF
[mutmut]
source_paths = planner
only_mutate = ${only%, }
also_copy = templates exercises
pytest_add_cli_args = -o addopts= -p no:xdist -p no:cacheprovider -q -x
pytest_add_cli_args_test_selection = tests/test_rules.py tests/test_same_day.py tests/test_follow_up.py tests/test_clearance.py tests/test_over_time.py tests/test_screening.py tests/test_second_pass.py tests/test_true_sentences.py tests/test_clinician_actions.py tests/test_schedule.py tests/test_wording.py
EOF
# mutmut's setup.cfg reader takes lists one per line
python3 - <<'PY'
import configparser, pathlib
path = pathlib.Path("setup.cfg")
config = configparser.ConfigParser()
config.read(path)
section = config["mutmut"]
for key in ("only_mutate", "also_copy", "pytest_add_cli_args", "pytest_add_cli_args_test_selection"):
    parts = section[key].replace('"', "").replace(",", " ").split()
    section[key] = "\n" + "\n".join(p for p in parts if pathlib.Path(p).exists() or key != "pytest_add_cli_args_test_selection")
with path.open("w") as out:
    config.write(out)
PY
"$work/venv/bin/mutmut" run --max-children 2 > "$work/run.log" 2>&1 || true
"$work/venv/bin/mutmut" results --all true > "$work/results.txt" 2>&1 || true
python3 - "$work/results.txt" "${targets[@]}" <<'PY'
import collections, re, sys
lines = open(sys.argv[1]).read().splitlines()
counts = collections.defaultdict(collections.Counter)
for line in lines:
    match = re.match(r"\s*planner\.core\.(\w+)\.\S+: (\w[\w ]*)$", line)
    if match:
        counts[match.group(1)][match.group(2).strip()] += 1
print("| file | mutants | killed | survived | timeout/other | survived % |")
print("|---|---:|---:|---:|---:|---:|")
for name in sys.argv[2:]:
    c = counts[name]
    total = sum(c.values())
    killed, survived = c["killed"], c["survived"]
    other = total - killed - survived
    share = f"{100 * survived / total:.0f}%" if total else "-"
    print(f"| {name}.py | {total} | {killed} | {survived} | {other} | {share} |")
PY
echo "survivors: $work/results.txt (mutmut show NAME in $work/src)"
