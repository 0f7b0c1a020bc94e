# Sourced by scripts: extract_trixie_debs <dest> <package...> downloads those packages from Debian
# trixie and unpacks them under <dest> (dpkg-deb -x: files only, no maintainer scripts). Used for
# the compose v2 and buildx plugins, which bookworm does not package (its docker-compose is v1);
# they need only libc >= 2.34. A private apt configuration leaves the host's apt sources as they
# are. Needs debian-archive-keyring (trixie's key); env DEBIAN_MIRROR (default deb.debian.org).
extract_trixie_debs() {
  local dest="$1" work
  shift
  work="$(mktemp -d)"
  mkdir -p "$work/lists/partial" "$work/archives/partial" "$dest"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-trixie-stable.gpg] ${DEBIAN_MIRROR:-http://deb.debian.org/debian} trixie main" >"$work/sources.list"
  local apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work" -o "Dir::State::status=/dev/null"
    -o "APT::Architecture=amd64" -o "APT::Architectures::=amd64" -o "Debug::NoLocking=1")
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && apt-get "${apt_opts[@]}" download "$@" >/dev/null)
  local deb
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
  rm -rf "$work"
}
