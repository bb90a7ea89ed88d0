#!/usr/bin/env bash
# Builds what an admin installs on a jump host, on a Debian/Ubuntu x86_64 build machine with
# the Rust toolchain (rustup) and gcc:
#
#   target/dist-out/zitadesk-VERSION-x86_64-linux-musl   one fully static file, any x86_64 Linux
#   target/dist-out/zitadesk_VERSION-1_amd64.deb          that binary, man pages, completions,
#                                                         the licence note, an example config
#
# Both hold the same binary: the `dist` profile (fat LTO, one codegen unit, symbols stripped,
# panic = unwind) for x86_64-unknown-linux-musl, statically linked — so the package also
# installs on releases whose glibc is older than the build machine's. One LTO build: several
# minutes on 2 cores. Not part of .ci/run; `cargo test --test dist` checks what this left.
#
# What it needs and installs when missing (apt-get as root or through sudo; --no-install only
# checks): musl-tools (musl-gcc, for aws-lc's C code), file, the rustup target
# x86_64-unknown-linux-musl, cargo-deb.
#
# Usage: scripts/dist.sh [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-unknown-linux-musl
CARGO_DEB_VERSION=3.8.0 # the version this script was tested with
install=yes
case "${1:-}" in
  --no-install) install=no ;;
  "") ;;
  *) echo "usage: scripts/dist.sh [--no-install]" >&2; exit 2 ;;
esac

say() { printf '== %s\n' "$*"; }
die() { printf 'dist.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root (or sudo) to run: $*"
  fi
}

apt_updated=no
need_deb_package() { # command, package
  command -v "$1" >/dev/null && return 0
  [ "$install" = yes ] || die "$1 is missing: apt-get install $2 (or run without --no-install)"
  say "installing $2 (for $1)"
  if [ "$apt_updated" = no ]; then as_root apt-get update -q; apt_updated=yes; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2"
}

say "toolchain pieces"
command -v cargo >/dev/null || die "no cargo: install the Rust toolchain with rustup first"
need_deb_package musl-gcc musl-tools
need_deb_package file file
need_deb_package dpkg-deb dpkg
if ! rustup target list --installed | grep -qx "$TARGET"; then
  [ "$install" = yes ] || die "the Rust target $TARGET is missing: rustup target add $TARGET"
  say "adding the Rust target $TARGET"
  rustup target add "$TARGET"
fi
if ! cargo deb --version >/dev/null 2>&1; then
  [ "$install" = yes ] || die "cargo-deb is missing: cargo install cargo-deb --locked --version $CARGO_DEB_VERSION"
  say "installing cargo-deb $CARGO_DEB_VERSION"
  cargo install cargo-deb --locked --version "$CARGO_DEB_VERSION"
fi

target_dir="${CARGO_TARGET_DIR:-target}"
out_dir="$target_dir/$TARGET/dist"
bin="$out_dir/zitadesk"

say "cargo build --profile dist --target $TARGET (LTO: several minutes)"
# cc picks musl-gcc for this target by itself; said here so a changed default cannot slip a
# glibc-headers build of aws-lc into a musl binary.
CC_x86_64_unknown_linux_musl=musl-gcc cargo build --locked --profile dist --target "$TARGET" --bin zitadesk

say "checking that $bin is static"
file_says="$(file -b "$bin")"
echo "file: $file_says"
case "$file_says" in
  *"statically linked"* | *"static-pie linked"*) ;;
  *) die "not a static binary: $file_says" ;;
esac
# ldd exits 1 for a file without a dynamic section; it must name no library.
ldd_says="$(ldd "$bin" 2>&1 || true)"
echo "ldd: $ldd_says"
case "$ldd_says" in
  *"not a dynamic executable"* | *"statically linked"*) ;;
  *) die "ldd finds libraries: $ldd_says" ;;
esac
version_line="$("$bin" --version)"
echo "--version: $version_line"

say "man pages and completions, from the binary itself"
rm -rf "$out_dir/man" "$out_dir/completions"
"$bin" man --out-dir "$out_dir/man"
gzip -9n "$out_dir"/man/*.1 # Debian policy; cargo-deb compresses only man pages it did not build
mkdir -p "$out_dir/completions"
"$bin" completions bash >"$out_dir/completions/zitadesk.bash"
"$bin" completions zsh >"$out_dir/completions/_zitadesk"
"$bin" completions fish >"$out_dir/completions/zitadesk.fish"

say "cargo deb --profile dist --target $TARGET --no-build"
deb="$(cargo deb --profile dist --target "$TARGET" --no-build | tail -n 1)"
[ -f "$deb" ] || die "cargo deb made no package (its last line: $deb)"
listing="$(dpkg-deb -c "$deb")"
for path in ./usr/bin/zitadesk ./usr/share/man/man1/zitadesk.1.gz \
  ./usr/share/bash-completion/completions/zitadesk ./usr/share/zsh/vendor-completions/_zitadesk \
  ./usr/share/fish/vendor_completions.d/zitadesk.fish ./usr/share/doc/zitadesk/copyright \
  ./usr/share/doc/zitadesk/config.example.toml; do
  grep -q " $path\$" <<<"$listing" || die "$deb lacks $path"
done

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
mkdir -p "$target_dir/dist-out"
static="$target_dir/dist-out/zitadesk-$version-x86_64-linux-musl"
cp "$bin" "$static"
cp "$deb" "$target_dir/dist-out/"
(cd "$target_dir/dist-out" && sha256sum "$(basename "$static")" "$(basename "$deb")" >SHA256SUMS)

say "done: $version_line"
ls -l "$target_dir/dist-out"
