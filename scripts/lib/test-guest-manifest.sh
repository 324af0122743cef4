# Writes and checks guest.json, the description of a built test guest that tests and
# the qemu driver read. Sourced by scripts/build-test-guest.

readonly manifest_format_version=1
readonly guest_kernel_command_line='console=ttyS0 quiet panic=-1 root=/dev/vda'
readonly guest_output_files=(vmlinux vmlinuz initrd.gz disk.qcow2)

# Prints one SHA-256 over the build script, its helpers and the guest's files, so that
# a change to any of them makes the cached guest out of date.
hash_build_sources() {
    local scripts_dir=$1
    (cd "$scripts_dir" && sha256sum build-test-guest lib/test-guest-*.sh test-guest/*) | sha256sum | cut -d' ' -f1
}

# Prints guest.json for the files in DIR. Reads kernel_version, kernel_package,
# kernel_package_version, busybox_package_version and source_sha256.
render_manifest() {
    local dir=$1
    cat <<JSON
{
  "formatVersion": $manifest_format_version,
  "kernelVersion": "$kernel_version",
  "packages": {
    "kernel": { "name": "$kernel_package", "version": "$kernel_package_version" },
    "busybox": { "name": "busybox-static", "version": "$busybox_package_version" }
  },
  "kernelCommandLine": "$guest_kernel_command_line",
  "readyMarker": "STRATUS-GUEST-READY",
  "markers": {
    "booted": "STRATUS-GUEST-BOOTED",
    "context": "STRATUS-CONTEXT",
    "ready": "STRATUS-GUEST-READY",
    "acpiPowerOff": "STRATUS-GUEST-ACPI-POWEROFF",
    "shutdown": "STRATUS-GUEST-SHUTDOWN"
  },
  "files": {
    "kernel": { "name": "vmlinux", "sha256": "$(sha256_of "$dir/vmlinux")" },
    "compressedKernel": { "name": "vmlinuz", "sha256": "$(sha256_of "$dir/vmlinuz")" },
    "initrd": { "name": "initrd.gz", "sha256": "$(sha256_of "$dir/initrd.gz")" },
    "rootDisk": { "name": "disk.qcow2", "format": "qcow2", "sha256": "$(sha256_of "$dir/disk.qcow2")" }
  },
  "sourceSha256": "$source_sha256"
}
JSON
}

# Prints the first capture of a sed pattern that matches a whole line of FILE.
read_manifest_line() {
    local file=$1 pattern=$2
    sed -n "s/^${pattern}\$/\\1/p" "$file" | head -n 1
}

# Succeeds when every guest file and guest.json exist in DIR and guest.json is exactly
# what render_manifest writes for those files today: same format, same checksums and
# same build sources. Sets the package variables from guest.json on the way.
cache_is_current() {
    local dir=$1 manifest=$1/guest.json
    local name
    for name in "${guest_output_files[@]}" guest.json; do
        [[ -f $dir/$name ]] || return 1
    done

    kernel_version=$(read_manifest_line "$manifest" '  "kernelVersion": "\([^"]*\)",')
    kernel_package=$(read_manifest_line "$manifest" '    "kernel": { "name": "\([^"]*\)", "version": .*')
    kernel_package_version=$(read_manifest_line "$manifest" '    "kernel": { "name": "[^"]*", "version": "\([^"]*\)" },')
    busybox_package_version=$(read_manifest_line "$manifest" '    "busybox": { "name": "busybox-static", "version": "\([^"]*\)" }')

    render_manifest "$dir" | cmp -s - "$manifest"
}
