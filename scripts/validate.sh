#!/usr/bin/env bash
# Runs each validation script given (tests/validate/NAME.py) against peer libraries, in one virtualenv
# (.venv, created once) with tests/validate/NAME.requirements.txt installed. Python is only ever used here,
# to check the engine's figures against published peers; the product never depends on it.
# Usage: scripts/validate.sh tests/validate/a.py [tests/validate/b.py ...]
set -euo pipefail
cd "$(dirname "$0")/.."

readonly VENV=.venv
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "validate: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

passed=0
failed=0
for script in "$@"; do
  name=$(basename "$script" .py)
  requirements="tests/validate/$name.requirements.txt"
  echo "== validate: $script"
  if [ -f "$requirements" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  fi
  if "$VENV/bin/python" "$script"; then
    passed=$((passed + 1))
  else
    echo "validate: FAILED: $script" >&2
    failed=$((failed + 1))
    break
  fi
done
echo "validate: $passed passed, $failed failed"
[ "$failed" = 0 ]
