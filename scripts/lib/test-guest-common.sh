# Progress, failure and tool-check helpers for scripts/build-test-guest.
# Sourced, not run. Expects $build_started, and $work_dir once the work folder exists.

# Prints a progress line on stderr with the seconds since $build_started.
progress() {
    local elapsed
    elapsed=$(awk -v start="$build_started" -v now="$EPOCHREALTIME" 'BEGIN { printf "%5.1f", now - start }')
    printf 'build-test-guest [%s s]: %s\n' "$elapsed" "$*" >&2
}

# Prints "STEP failed: HINT" and the end of the step's log, if any, then exits 1.
fail() {
    local step=$1 hint=$2 log=${3:-}
    if [[ -n $log && -s $log ]]; then
        printf -- '--- last lines of output from %s:\n' "$step" >&2
        tail -n 20 "$log" >&2
        printf -- '---\n' >&2
    fi
    printf 'build-test-guest: %s failed: %s\n' "$step" "$hint" >&2
    exit 1
}

# Reports a command that failed outside the checked steps, with its place in the
# scripts, and exits 1. Installed as the ERR trap.
fail_unexpectedly() {
    local status=$? command=$BASH_COMMAND
    printf 'build-test-guest: unexpected error: "%s" failed with status %s at line %s of %s\n' \
        "$command" "$status" "${BASH_LINENO[0]}" "${BASH_SOURCE[1]}" >&2
    printf 'build-test-guest: run bash -x scripts/build-test-guest --force for a trace\n' >&2
    exit 1
}

# Runs a command with its output in $work_dir/logs/NAME.log, so that a failure can
# show it and a success stays quiet.
run_logged() {
    local name=$1
    shift
    "$@" >"$work_dir/logs/$name.log" 2>&1
}

# Exits with the apt-get install line for every tool that is not on PATH.
# Arguments are TOOL:PACKAGE pairs.
require_tools() {
    local pair tool package
    local -a missing_tools=() missing_packages=()
    for pair in "$@"; do
        tool=${pair%%:*}
        package=${pair#*:}
        if ! command -v "$tool" >/dev/null 2>&1; then
            missing_tools+=("$tool")
            missing_packages+=("$package")
        fi
    done
    if ((${#missing_tools[@]} > 0)); then
        local packages
        packages=$(printf '%s\n' "${missing_packages[@]}" | sort -u | tr '\n' ' ')
        progress "missing tools: ${missing_tools[*]}"
        fail "tool check" "install them with: apt-get install -y --no-install-recommends ${packages% }"
    fi
}

# Prints the SHA-256 of a file in hex.
sha256_of() {
    local sum
    sum=$(sha256sum "$1")
    printf '%s\n' "${sum%% *}"
}
