#!/usr/bin/env bash
# Downloads the test data sets into .cache/ (git-ignored; the MovieLens terms forbid redistribution, so it is
# never committed). Each wheel's members keep their path inside the wheel, under .cache/<distribution>/:
#   .cache/lifetimes/lifetimes/datasets/CDNOW_sample.txt                                (lifetimes 0.11.3)
#   .cache/lifetimes/lifetimes/datasets/cdnow_customers_summary_with_transactions.csv   (lifetimes 0.11.3)
#   .cache/recbole/recbole/dataset_example/ml-100k/ml-100k.inter                        (recbole 1.2.1)
# A file already there is not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly CACHE=.cache
PYTHON="${PYTHON:-python3}"

# fetch DISTRIBUTION VERSION MEMBER...: downloads one wheel (no dependencies) and extracts the members.
fetch() {
  local dist=$1 version=$2
  shift 2
  local dest="$CACHE/$dist" missing=0 member
  for member in "$@"; do [ -s "$dest/$member" ] || missing=1; done
  if [ "$missing" = 0 ]; then
    echo "data: $dist $version present in $dest/"
    return
  fi
  local tmp
  tmp=$(mktemp -d)
  echo "data: downloading the $dist $version wheel"
  "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$tmp" "$dist==$version"
  "$PYTHON" - "$tmp"/*.whl "$dest" "$@" <<'PY'
import os, sys, zipfile
wheel, dest, *members = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for member in members:
        out = os.path.join(dest, member)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out + ".part", "wb") as f:
            f.write(z.read(member))
        os.replace(out + ".part", out)
        print(f"data: {out} ({os.path.getsize(out)} bytes)")
PY
  rm -rf "$tmp"
}

fetch lifetimes 0.11.3 \
  lifetimes/datasets/CDNOW_sample.txt \
  lifetimes/datasets/cdnow_customers_summary_with_transactions.csv
fetch recbole 1.2.1 \
  recbole/dataset_example/ml-100k/ml-100k.inter
