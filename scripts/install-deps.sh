#!/usr/bin/env bash
# install-deps.sh — what ProcMacroSrv's tests need on a Debian 12 (bookworm, amd64) machine.
# Run as root. Idempotent: a second run only checks (no apt-get update, no downloads).
#
#  1. apt packages (installed only when missing): gcc, libc6-dev, binutils, python3,
#     gcc-multilib (if the archive has it: 32-bit ELF test input), and the librust-*-dev
#     crate sources the fixture workspaces build offline (fixtures/.cargo/config.toml points
#     cargo at /usr/share/cargo/registry): the proc-macro crates for fixtures/real-macros and
#     the facade crates (serde, tokio, clap, ...) that fixtures/ra-derives uses them through.
#  2. Debian's rustc 1.63 (+ cargo 0.66), rustc-web 1.85 and rustc-web 1.96 side by side:
#     the packages conflict with each other, so the pinned .debs are fetched with
#     `apt-get download` into $DEB_CACHE and unpacked with `dpkg-deb -x`:
#         $PREFIX/rustc-<ver>/usr/...    package contents
#         $PREFIX/rustc-<ver>/bin/       wrappers: rustc, rustdoc, cargo, and
#                                        rust-analyzer-proc-macro-srv (1.85, 1.96 only)
#     The binaries have no RPATH; the wrappers set LD_LIBRARY_PATH, and the cargo wrapper sets
#     RUSTC/RUSTDOC to the wrappers next to it. Their shared-library dependencies (libllvm*,
#     libgit2, ...) are read from the packages' Depends and apt-installed.
#  3. rust-analyzer 1.96 (Debian's rust-web-analyzer, same pinned version as rustc-web 1.96) as
#     the real client for end-to-end tests (tests/ProcMacroSrv.RustAnalyzer.Tests):
#         $PREFIX/rust-analyzer-1.96/usr/...              package contents
#         $PREFIX/rust-analyzer-1.96/bin/rust-analyzer    wrapper (LD_LIBRARY_PATH: rustc 1.96's libs)
#     and rustc 1.96's sysroot library/ workspace made resolvable offline, because rust-analyzer
#     runs `cargo metadata` on it: library/.cargo/config.toml points crates-io at
#     $PREFIX/rustc-1.96/ra-vendor, which links the vendored crates and holds empty stand-ins
#     (with Cargo.lock's checksums) for the test-only crates Debian does not ship (rand, cc, ...).
#     Needs the 1.96 toolchain, so it is skipped when TOOLCHAINS leaves 1.96 out.
#  4. Checks that rustup's `stable` and `nightly` toolchains are installed (not installed
#     here: rustup needs the network); exits 1 with an explanation if not.
#
# Environment: PREFIX (default /opt), DEB_CACHE (default /var/cache/rust-debs),
#              TOOLCHAINS (default "1.63 1.85 1.96"), SKIP_RUSTUP_CHECK=1.
set -euo pipefail

PREFIX=${PREFIX:-/opt}
DEB_CACHE=${DEB_CACHE:-/var/cache/rust-debs}
TOOLCHAINS=${TOOLCHAINS:-1.63 1.85 1.96}
export DEBIAN_FRONTEND=noninteractive

# Pinned Debian versions (bookworm / bookworm-security).
DEBVER_1_63=1.63.0+dfsg1-2
DEBVER_CARGO_0_66=0.66.0+ds1-1
DEBVER_1_85=1.85.0+dfsg3-1~deb12u3
DEBVER_1_96=1.96.0+dfsg1-1~deb12u2

APT_PACKAGES="binutils gcc libc6-dev python3
  librust-serde-derive-dev librust-thiserror-impl-dev librust-async-trait-dev
  librust-clap-derive-dev librust-tracing-attributes-dev librust-pin-project-internal-dev
  librust-derive-more-dev librust-strum-macros-dev librust-tokio-macros-dev
  librust-serde-dev librust-thiserror-dev librust-strum-dev librust-pin-project-dev
  librust-tracing-dev librust-tokio-dev librust-clap-dev"
OPTIONAL_APT_PACKAGES="gcc-multilib"

log() { printf '[install-deps] %s\n' "$*"; }
die() { printf '[install-deps] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"
[ "$(dpkg --print-architecture)" = amd64 ] || die "only amd64 is supported"

# --- apt helpers -----------------------------------------------------------------------------
updated=0
apt_update_once() {
    [ $updated = 1 ] && return 0
    log "apt-get update"
    apt-get update -qq
    updated=1
}
is_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }
has_candidate() { # the archive knows the package (a candidate version exists)
    local policy
    policy=$(apt-cache policy "$1" 2>/dev/null || true)
    grep -q 'Candidate:' <<<"$policy" && ! grep -q 'Candidate: (none)' <<<"$policy"
}
has_version() { apt-cache show "$1=$2" >/dev/null 2>&1; }

# apt_install [--optional] PKG... — installs the packages that are not installed yet
apt_install() {
    local optional=0 missing=() p
    if [ "${1:-}" = --optional ]; then optional=1; shift; fi
    for p in "$@"; do is_installed "$p" || missing+=("$p"); done
    [ ${#missing[@]} = 0 ] && return 0
    for p in "${missing[@]}"; do has_candidate "$p" || { apt_update_once; break; }; done
    local installable=()
    for p in "${missing[@]}"; do
        if has_candidate "$p"; then installable+=("$p")
        elif [ $optional = 1 ]; then log "$p: not in the apt archive, skipped"
        else die "$p: not in the apt archive (are bookworm and bookworm-security enabled?)"
        fi
    done
    [ ${#installable[@]} = 0 ] && return 0
    log "apt-get install ${installable[*]}"
    apt-get install -y -qq --no-install-recommends "${installable[@]}" >/dev/null
}

# --- 1. apt packages -------------------------------------------------------------------------
# shellcheck disable=SC2086 # word splitting of the package lists is intended
apt_install $APT_PACKAGES
# shellcheck disable=SC2086
apt_install --optional $OPTIONAL_APT_PACKAGES
log "apt packages: ok"

# --- 2. Debian toolchains --------------------------------------------------------------------
# download PKG VERSION -> path of the cached .deb
download() {
    local pkg=$1 ver=$2 deb
    deb=$(find "$DEB_CACHE" -maxdepth 1 -name "${pkg}_${ver//:/%3a}_*.deb" -size +0 -print -quit 2>/dev/null)
    if [ -z "$deb" ]; then
        has_version "$pkg" "$ver" || apt_update_once
        has_version "$pkg" "$ver" || die "$pkg=$ver is not in the apt archive (bookworm-security enabled?)"
        log "apt-get download $pkg=$ver" >&2
        mkdir -p "$DEB_CACHE"
        (cd "$DEB_CACHE" && apt-get download -qq "$pkg=$ver" 2>&1 | grep -v 'unsandboxed' >&2 || true)
        deb=$(find "$DEB_CACHE" -maxdepth 1 -name "${pkg}_${ver//:/%3a}_*.deb" -size +0 -print -quit)
        [ -n "$deb" ] || die "download of $pkg=$ver failed"
    fi
    printf '%s\n' "$deb"
}

# Depends of a .deb without versions, first alternative only, minus the toolchain's own packages
library_depends() {
    dpkg-deb -f "$1" Depends | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/ //g' |
        grep -v -E '^(rustc|rustc-web|cargo|cargo-web|libstd-rust.*|rust-.*src|)$' |
        sed -e 's/^libc-dev$/libc6-dev/'
}

write_wrapper() { # write_wrapper FILE BODY...
    local file=$1; shift
    { echo '#!/bin/sh'; printf '%s\n' "$@"; } > "$file"
    chmod 755 "$file"
}

toolchain_ready() { # toolchain_ready DIR VER
    local dir=$1 ver=$2 version
    version=$("$dir/bin/rustc" -V 2>/dev/null) || return 1
    [[ $version == "rustc $ver."* ]] || return 1
    "$dir/bin/cargo" -V >/dev/null 2>&1 || return 1
    [ "$ver" = 1.63 ] || [ -x "$dir/bin/rust-analyzer-proc-macro-srv" ]
}

install_toolchain() { # install_toolchain VER
    local ver=$1 dir=$PREFIX/rustc-$1 debver packages
    case $ver in
        1.63) debver=$DEBVER_1_63; packages="rustc libstd-rust-1.63 libstd-rust-dev rust-src cargo" ;;
        1.85) debver=$DEBVER_1_85; packages="rustc-web libstd-rust-web-1.85 libstd-rust-web-dev rust-web-src cargo-web" ;;
        1.96) debver=$DEBVER_1_96; packages="rustc-web libstd-rust-web-1.96 libstd-rust-web-dev rust-web-src cargo-web" ;;
        *) die "unknown toolchain $ver (known: 1.63 1.85 1.96)" ;;
    esac
    if toolchain_ready "$dir" "$ver"; then
        log "rustc $ver: present in $dir ($("$dir/bin/rustc" -V))"
        return 0
    fi

    local pkg pkgver deb deps=()
    mkdir -p "$dir/.debs" "$dir/bin"
    for pkg in $packages; do
        pkgver=$debver
        [ "$pkg" = cargo ] && pkgver=$DEBVER_CARGO_0_66
        deb=$(download "$pkg" "$pkgver")
        mapfile -t -O ${#deps[@]} deps < <(library_depends "$deb")
        if [ ! -e "$dir/.debs/${pkg}_$pkgver" ]; then
            log "dpkg-deb -x $(basename "$deb") -> $dir"
            dpkg-deb -x "$deb" "$dir"
            touch "$dir/.debs/${pkg}_$pkgver"
        fi
    done
    # shellcheck disable=SC2046 # one package name per line
    apt_install $(printf '%s\n' "${deps[@]}" | sort -u)

    local libs="export LD_LIBRARY_PATH=\"$dir/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
    write_wrapper "$dir/bin/rustc" "$libs" "exec \"$dir/usr/bin/rustc\" \"\$@\""
    write_wrapper "$dir/bin/rustdoc" "$libs" "exec \"$dir/usr/bin/rustdoc\" \"\$@\""
    write_wrapper "$dir/bin/cargo" "export RUSTC=\"$dir/bin/rustc\" RUSTDOC=\"$dir/bin/rustdoc\"" \
        "exec \"$dir/usr/bin/cargo\" \"\$@\""
    if [ -x "$dir/usr/libexec/rust-analyzer-proc-macro-srv" ]; then
        write_wrapper "$dir/bin/rust-analyzer-proc-macro-srv" "$libs" \
            "exec \"$dir/usr/libexec/rust-analyzer-proc-macro-srv\" \"\$@\""
    fi
    toolchain_ready "$dir" "$ver" || die "rustc $ver in $dir does not run after installation"
    log "rustc $ver: installed in $dir ($("$dir/bin/rustc" -V); $("$dir/bin/cargo" -V))"
}

for ver in $TOOLCHAINS; do install_toolchain "$ver"; done

# --- 3. rust-analyzer 1.96 -------------------------------------------------------------------
RA_DIR=$PREFIX/rust-analyzer-1.96
RA_TOOLCHAIN=$PREFIX/rustc-1.96

rust_analyzer_ready() {
    local version
    version=$("$RA_DIR/bin/rust-analyzer" --version 2>/dev/null) || return 1
    [[ $version == "rust-analyzer 1.96."* ]]
}

install_rust_analyzer() {
    if rust_analyzer_ready; then
        log "rust-analyzer 1.96: present in $RA_DIR ($("$RA_DIR/bin/rust-analyzer" --version))"
        return 0
    fi
    local deb
    deb=$(download rust-web-analyzer "$DEBVER_1_96")
    mkdir -p "$RA_DIR/.debs" "$RA_DIR/bin"
    if [ ! -e "$RA_DIR/.debs/rust-web-analyzer_$DEBVER_1_96" ]; then
        log "dpkg-deb -x $(basename "$deb") -> $RA_DIR"
        dpkg-deb -x "$deb" "$RA_DIR"
        touch "$RA_DIR/.debs/rust-web-analyzer_$DEBVER_1_96"
    fi
    # shellcheck disable=SC2046 # one package name per line (libstd-rust-web-1.96 is the toolchain's)
    apt_install $(library_depends "$deb" | sort -u)
    write_wrapper "$RA_DIR/bin/rust-analyzer" \
        "export LD_LIBRARY_PATH=\"$RA_TOOLCHAIN/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\"" \
        "exec \"$RA_DIR/usr/bin/rust-analyzer\" \"\$@\""
    rust_analyzer_ready || die "rust-analyzer in $RA_DIR does not run after installation"
    log "rust-analyzer 1.96: installed in $RA_DIR ($("$RA_DIR/bin/rust-analyzer" --version))"
}

# The sysroot's library/ workspace, where rust-analyzer looks for it (rustc --print sysroot).
sysroot_library() { printf '%s/lib/rustlib/src/rust/library\n' "$("$RA_TOOLCHAIN/bin/rustc" --print sysroot)"; }

library_resolves() { # library_resolves DIR [ERROR_FILE]
    (cd "$1" && CARGO_NET_OFFLINE=true "$RA_TOOLCHAIN/bin/cargo" metadata --offline --format-version 1 \
        >/dev/null 2>"${2:-/dev/null}")
}

# Writes an empty crate into VENDOR for every registry package of library/Cargo.lock that Debian
# does not vendor; each gets every feature the library's manifests ask of it, and the lock's checksum.
write_library_stand_ins() { # write_library_stand_ins LIBRARY VENDOR
    python3 - "$1" "$2" <<'PY'
import json, pathlib, re, sys, tomllib
library, vendor = map(pathlib.Path, sys.argv[1:3])
features = {}
for manifest_path in library.rglob("Cargo.toml"):
    try:
        manifest = tomllib.loads(manifest_path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        continue
    sections = [manifest, *manifest.get("target", {}).values()]
    tables = [s.get(k, {}) for s in sections for k in ("dependencies", "dev-dependencies", "build-dependencies")]
    tables.append(manifest.get("workspace", {}).get("dependencies", {}))
    for table in tables:
        for name, spec in table.items():
            spec = spec if isinstance(spec, dict) else {}
            wanted = features.setdefault(spec.get("package", name), set())
            wanted.update(f for f in spec.get("features", []) if re.fullmatch(r"[A-Za-z0-9_-]+", f))
lock = tomllib.loads((library / "Cargo.lock").read_text())
for package in lock.get("package", []):
    if not package.get("source", "").startswith("registry+"):
        continue
    name, version = package["name"], package["version"]
    if (library / "vendor" / f"{name}-{version}").is_dir():
        continue
    crate = vendor / f"{name}-{version}"
    (crate / "src").mkdir(parents=True, exist_ok=True)
    lines = ["[package]", f'name = "{name}"', f'version = "{version}"', 'edition = "2021"', "", "[features]", "default = []"]
    lines += [f"{f} = []" for f in sorted(features.get(name, set()) - {"default"})]
    (crate / "Cargo.toml").write_text("\n".join(lines) + "\n")
    (crate / "src" / "lib.rs").write_text("// stand-in: Debian does not ship this crate; only tests of the library use it\n")
    (crate / ".cargo-checksum.json").write_text(json.dumps({"files": {}, "package": package.get("checksum")}))
    print(f"{name} {version}")
PY
}

prepare_sysroot_library() {
    local library vendor=$RA_TOOLCHAIN/ra-vendor crate error
    library=$(sysroot_library)
    [ -f "$library/Cargo.toml" ] || die "no library workspace at $library (rust-web-src 1.96 not unpacked?)"
    if library_resolves "$library"; then
        log "rustc 1.96 sysroot library workspace: resolves offline"
        return 0
    fi
    mkdir -p "$vendor" "$library/.cargo"
    for crate in "$library"/vendor/*/; do
        crate=${crate%/}
        [ -e "$vendor/$(basename "$crate")" ] || ln -s "$crate" "$vendor/"
    done
    write_library_stand_ins "$library" "$vendor" | while read -r name version; do
        log "stand-in crate $name $version in $vendor"
    done
    printf '%s\n' '# Written by ProcMacroSrv scripts/install-deps.sh: resolve the library offline (rust-analyzer).' \
        '[source.crates-io]' 'replace-with = "ra-vendor"' '' '[source.ra-vendor]' "directory = \"$vendor\"" \
        > "$library/.cargo/config.toml"
    error=$(mktemp)
    if ! library_resolves "$library" "$error"; then
        cat "$error" >&2
        rm -f "$error"
        die "cargo metadata still fails in $library (see above)"
    fi
    rm -f "$error"
    log "rustc 1.96 sysroot library workspace: made resolvable offline"
}

if toolchain_ready "$RA_TOOLCHAIN" 1.96; then
    install_rust_analyzer
    prepare_sysroot_library
else
    log "rust-analyzer 1.96: skipped (rustc 1.96 is not in TOOLCHAINS=\"$TOOLCHAINS\")"
fi

# --- 4. rustup toolchains --------------------------------------------------------------------
[ "${SKIP_RUSTUP_CHECK:-0}" = 1 ] && { log "done (rustup check skipped)"; exit 0; }
rustup=$(command -v rustup || true)
for candidate in "${CARGO_HOME:-}/bin/rustup" "${HOME:-/root}/.cargo/bin/rustup"; do
    [ -z "$rustup" ] && [ -x "$candidate" ] && rustup=$candidate
done
[ -n "$rustup" ] || die "rustup not found (PATH, \$CARGO_HOME/bin, ~/.cargo/bin): install rustup, then
    rustup toolchain install stable nightly --profile minimal"
problems=0
for tc in stable nightly; do
    if sysroot=$("$rustup" run "$tc" rustc --print sysroot 2>/dev/null); then
        srv="$sysroot/libexec/rust-analyzer-proc-macro-srv"
        [ -x "$srv" ] || { log "error: rustup $tc has no $srv"; problems=1; }
        log "rustup $tc: $("$rustup" run "$tc" rustc -V)"
    else
        log "error: rustup toolchain '$tc' is missing: rustup toolchain install $tc --profile minimal"
        problems=1
    fi
done
[ $problems = 0 ] || die "rustup toolchains incomplete (see above)"
log "done"
