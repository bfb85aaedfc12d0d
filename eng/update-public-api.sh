#!/usr/bin/env bash
# Declares the public API of runtime/GrpcServer in its PublicAPI.*.txt files, from the code, after a deliberate change.
# The build fails on any public change that is not declared there (RS0016: added, RS0017: removed or changed).
#
#   eng/update-public-api.sh               declare what changed since the baseline: every new or changed member is
#                                          added to PublicAPI.Unshipped.txt; a removed one leaves Unshipped, or, when
#                                          it was in PublicAPI.Shipped.txt, is marked *REMOVED* in Unshipped
#   eng/update-public-api.sh --rebaseline  make the public API as it is now the baseline: all of it in
#                                          PublicAPI.Shipped.txt, Unshipped empty (after a release, or after merging
#                                          branches that each changed the API)
#
# Review the diff of the two files before committing it: it is the change to the public API.
set -euo pipefail
cd "$(dirname "$0")/.."

project=runtime/GrpcServer/GrpcServer.csproj
shipped=runtime/GrpcServer/PublicAPI.Shipped.txt
unshipped=runtime/GrpcServer/PublicAPI.Unshipped.txt
header='#nullable enable'

rebaseline=false
case "${1:-}" in
  --rebaseline) rebaseline=true ;;
  "") ;;
  *) echo "usage: $0 [--rebaseline]" >&2; exit 2 ;;
esac

if $rebaseline; then
  printf '%s\n' "$header" > "$shipped"
  printf '%s\n' "$header" > "$unshipped"
else
  # RS0017 has no code fix: the build names each declared line that the code no longer has.
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  dotnet build "$project" --no-incremental -p:BuildProjectReferences=false -nologo -v q > "$log" 2>&1 || true
  sed -n "s/.*error RS0017: Symbol '\(.*\)' is part of the declared API, but is either not public or could not be found.*/\1/p" "$log" \
    | sort -u | while IFS= read -r line; do
      if grep -qxF -- "$line" "$unshipped"; then
        grep -vxF -- "$line" "$unshipped" > "$unshipped.tmp" || true
        mv "$unshipped.tmp" "$unshipped"
      elif grep -qxF -- "$line" "$shipped"; then
        printf '*REMOVED*%s\n' "$line" >> "$unshipped"
      fi
    done
fi

# RS0016's code fix adds every undeclared public member to PublicAPI.Unshipped.txt, with nullable annotations.
dotnet format analyzers "$project" --diagnostics RS0016 --severity warn --no-restore -v q

if $rebaseline; then
  { printf '%s\n' "$header"; grep -vxF -- "$header" "$unshipped" || true; } > "$shipped"
  printf '%s\n' "$header" > "$unshipped"
fi

# The declaration must now build.
dotnet build "$project" -p:BuildProjectReferences=false -nologo -v q
