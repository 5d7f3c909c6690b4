#!/usr/bin/env bash
# Seeds the fuzz corpora from the repository's pages (fuzz/corpus is git-ignored).
#
#   fuzz/seed.sh [EXTRA_DIR...]
#
# corpus/parse_page   every page of docs-input/ and tests/broken/ (and of the
#                     EXTRA_DIRs, e.g. a small sample of a real docs checkout)
# corpus/parse_pages  sets of up to 4 of those pages joined by a 0xFF byte, the
#                     separator the parse_pages target splits its input at: each
#                     API page with resource pages, the broken pages that belong
#                     together, and every 4 consecutive pages; each set twice,
#                     once with the leading `!` that makes the target emit too
# corpus/emit_model   the first 2 KiB of every page: its input is a recipe for a
#                     model, not a page, but varied bytes of some length give it
#                     larger models to start from than an empty corpus does
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz")"
mkdir -p "$fuzz/corpus/parse_page" "$fuzz/corpus/parse_pages" "$fuzz/corpus/emit_model"

mapfile -t pages < <(find "$repo/docs-input" "$repo/tests/broken" "$@" -name '*.md' -type f | sort)
mapfile -t api < <(printf '%s\n' "${pages[@]}" | grep '/api/' || true)
mapfile -t resources < <(printf '%s\n' "${pages[@]}" | grep '/resources/' || true)

for page in "${pages[@]}"; do
    rel="${page#"$repo"/}"
    cp "$page" "$fuzz/corpus/parse_page/seed-${rel//\//_}"
    head -c 2048 "$page" >"$fuzz/corpus/emit_model/seed-${rel//\//_}"
done

# join OUT PAGE... : the pages separated by 0xFF.
join() {
    local out="$1"
    shift
    local first=1
    for page in "$@"; do
        if [ "$first" = 0 ]; then printf '\xff'; fi
        cat "$page"
        first=0
    done >"$fuzz/corpus/parse_pages/$out"
    { printf '!'; cat "$fuzz/corpus/parse_pages/$out"; } >"$fuzz/corpus/parse_pages/$out-emit"
}

n=${#resources[@]}
for i in "${!api[@]}"; do
    if [ "$n" -gt 0 ]; then
        join "seed-api-$i" "${api[$i]}" "${resources[$((i % n))]}" "${resources[$(((i + 1) % n))]}" "${resources[$(((i + 2) % n))]}"
    fi
done
broken="$repo/tests/broken"
join seed-broken-cycle "$broken/inheritance-cycle-a.md" "$broken/inheritance-cycle-b.md"
join seed-broken-reserved "$broken"/reserved/request.md "$broken"/reserved/request-create.md "$broken"/reserved/request-get-result.md "$broken"/reserved/result.md
join seed-broken-colliding "$broken/colliding-names.md" "$broken/keyword-properties.md" "$broken/self-containing-type.md" "$broken/support/catalogitem.md"
for ((i = 0; i + 3 < ${#pages[@]}; i += 4)); do
    join "seed-run-$i" "${pages[@]:i:4}"
done

for dir in parse_page parse_pages emit_model; do
    echo "corpus/$dir: $(find "$fuzz/corpus/$dir" -type f | wc -l) files"
done
