#!/usr/bin/env bash
# Makes the Python modules the tests use importable by the python3 on PATH (PyPI first, Debian second).
set -euo pipefail
for m in "$@"; do
  python3 -c "import $m" 2>/dev/null && continue
  echo "installing python module: $m"
  python3 -m pip install --quiet "$m" 2>/dev/null || bash "$(dirname "$0")/ensure-packages.sh" "python3-$m"
done
