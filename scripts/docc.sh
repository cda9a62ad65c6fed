#!/usr/bin/env bash
# Builds the DocC documentation of library targets (default: LMDB HosoStore) and fails on any
# DocC warning: a ``Symbol`` link that no longer resolves, a missing article, a bad topic
# group. Symbol graphs come from the modules of the debug build (`swift build` first);
# the archives land in .build/docc/NAME.doccarchive.
#
#   scripts/docc.sh                 LMDB and HosoStore
#   scripts/docc.sh HosoStore       one module
#
# The code examples themselves are compiled and run by the test build (scripts/doc-examples.py).
set -euo pipefail
cd "$(dirname "$0")/.."
modules=("$@")
[ ${#modules[@]} -eq 0 ] && modules=(LMDB HosoStore)
bin="$(dirname "$(readlink -f "$(command -v swift)")")"
triple="$(swift -print-target-info | sed -n 's/.*"triple": "\(.*\)".*/\1/p' | head -1)"
maps=()
for map in Sources/*/module.modulemap; do maps+=(-Xcc "-fmodule-map-file=$PWD/$map"); done
for module in "${modules[@]}"; do
  [ -f ".build/debug/Modules/$module.swiftmodule" ] || { echo "docc: build first (swift build): no .build/debug/Modules/$module.swiftmodule" >&2; exit 1; }
  graphs=".build/docc/$module.symbols"
  rm -rf "$graphs" && mkdir -p "$graphs"
  "$bin/swift-symbolgraph-extract" -module-name "$module" -target "$triple" -I .build/debug/Modules "${maps[@]}" \
    -minimum-access-level public -output-dir "$graphs"
  "$bin/docc" convert "Sources/$module/$module.docc" --additional-symbol-graph-dir "$graphs" \
    --output-path ".build/docc/$module.doccarchive" --fallback-display-name "$module" \
    --fallback-bundle-identifier "hoso.$module" --warnings-as-errors
  echo "docc: $module documented without warnings (.build/docc/$module.doccarchive)" >&2
done
