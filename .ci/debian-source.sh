# Sourced by .ci/run (and test/integration/ci/debian-source.test.ts). Reads the machine's own apt configuration, so no
# package host is written in the repository.
# debian_source [ROOT]: prints "URI SUITE SIGNED-BY" (SIGNED-BY may be empty) of the first enabled `deb` source for this
# release's own suite (VERSION_CODENAME in ROOT/etc/os-release, not -security or -updates), from deb822
# ROOT/etc/apt/sources.list.d/*.sources or one-line ROOT/etc/apt/sources.list(.d/*.list); prints nothing if none.
debian_source() {
  local root=${1:-} codename
  codename=$(. "$root/etc/os-release" && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || return 1
  {
    for f in "$root"/etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && { cat "$f"; echo; }; done
    for f in "$root"/etc/apt/sources.list "$root"/etc/apt/sources.list.d/*.list; do [ -f "$f" ] && sed -n 's/^[[:space:]]*deb[[:space:]]/ONELINE &/p' "$f"; done
    echo
  } | awk -v want="$codename" '
    function trim(x) { sub(/^[[:space:]]+/, "", x); sub(/[[:space:]]+$/, "", x); return x }
    function stanza(   n, i, s, u) {
      if (!found && types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && uris != "" && enabled !~ /^[Nn][Oo]$/) {
        n = split(suites, s, /[[:space:]]+/)
        for (i = 1; i <= n; i++) if (s[i] == want) { split(uris, u, /[[:space:]]+/); print u[1], want, signed; found = 1; break }
      }
      types = uris = suites = signed = enabled = ""
    }
    /^ONELINE / {
      line = $0; sub(/^ONELINE[[:space:]]+deb[[:space:]]+/, "", line); opts = ""
      if (line ~ /^\[/) { opts = substr(line, 2, index(line, "]") - 2); line = trim(substr(line, index(line, "]") + 1)) }
      split(line, f, /[[:space:]]+/)
      if (!found && f[2] == want) {
        sb = ""; if (match(opts, /signed-by=[^[:space:]]+/)) sb = substr(opts, RSTART + 10, RLENGTH - 10)
        print f[1], want, sb; found = 1
      }
      next
    }
    /^[[:space:]]*#/ { next }
    /^[[:space:]]*$/ { stanza(); next }
    { key = tolower($1); val = $0; sub(/^[^:]*:/, "", val); val = trim(val) }
    key == "types:" { types = val }
    key == "uris:" { uris = val }
    key == "suites:" { suites = val }
    key == "enabled:" { enabled = val }
    key == "signed-by:" && val ~ /^\// { signed = val }
    END { stanza() }'
}
