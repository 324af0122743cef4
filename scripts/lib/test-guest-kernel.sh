# Takes the kernel images and the guest's modules out of the unpacked kernel package.
# Sourced by scripts/build-test-guest after test-guest-packages.sh. Sets
# kernel_version and module_count.

# Sets kernel_version from the single folder under lib/modules of the package.
find_kernel_version() {
    local -a versions
    mapfile -t versions < <(ls "$kernel_tree/lib/modules")
    if ((${#versions[@]} != 1)); then
        fail "reading the kernel version" "expected one folder in $kernel_tree/lib/modules, found: ${versions[*]:-none}"
    fi
    kernel_version=${versions[0]}
    if [[ ! -f $kernel_tree/boot/vmlinuz-$kernel_version ]]; then
        fail "finding the kernel image" "$kernel_package has no boot/vmlinuz-$kernel_version"
    fi
}

# Writes the decompressed ELF kernel to $1. QEMU boots it through its PVH entry
# point, which under TCG saves the seconds a bzImage spends decompressing itself.
extract_vmlinux() {
    local output=$1
    local vmlinuz=$kernel_tree/boot/vmlinuz-$kernel_version
    local xz_offset

    progress "decompressing vmlinuz-$kernel_version into vmlinux"

    # The bzImage carries the kernel as an xz stream after its setup code. grep prints
    # the byte offset of the first xz magic (FD 37 7A 58 5A 00).
    xz_offset=$({ LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" || true; } | head -n 1 | cut -d: -f1)
    if [[ -z $xz_offset ]]; then
        fail "decompressing the kernel" "vmlinuz-$kernel_version holds no xz stream; this build supports xz-compressed kernels only"
    fi

    # xz stops reading after the first stream, so tail may end with a broken pipe.
    # Only xz's status decides.
    { tail -c "+$((xz_offset + 1))" "$vmlinuz" || true; } | xz -dc --single-stream >"$output" ||
        fail "decompressing the kernel" "xz could not decompress vmlinuz-$kernel_version at byte $xz_offset"

    if [[ $(head -c 4 "$output" | od -An -c | tr -d ' ') != '177ELF' ]]; then
        fail "decompressing the kernel" "the decompressed kernel is not an ELF file"
    fi
}

# Copies each module listed in scripts/test-guest/modules flat into
# ROOTFS/lib/modules/<version>/, and writes ROOTFS/etc/modules-load in the same order.
# Modules built into this kernel are skipped. xz-compressed modules are decompressed,
# because busybox insmod loads plain .ko files only.
copy_modules() {
    local rootfs=$1 module_list=$2
    local package_modules=$kernel_tree/lib/modules/$kernel_version
    local target=$rootfs/lib/modules/$kernel_version
    local module module_file file_name
    local -A module_files=()
    mkdir -p "$target"
    : >"$rootfs/etc/modules-load"
    module_count=0

    while read -r module_file; do
        file_name=${module_file##*/}
        file_name=${file_name%.xz}
        module_files[${file_name%.ko}]=$module_file
    done < <(find "$package_modules/kernel" \( -name '*.ko' -o -name '*.ko.xz' \))

    while read -r module; do
        module_file=${module_files[$module]:-}
        if [[ -z $module_file ]]; then
            if grep -q "/$module\.ko\$" "$package_modules/modules.builtin" 2>/dev/null; then
                progress "module $module is built into $kernel_version: skipped"
                continue
            fi
            fail "copying kernel modules" "$module.ko is not in $kernel_package; update scripts/test-guest/modules for kernel $kernel_version"
        fi

        case $module_file in
            *.ko.xz) xz -dc "$module_file" >"$target/$module.ko" ;;
            *) cp "$module_file" "$target/$module.ko" ;;
        esac
        printf '%s\n' "$module" >>"$rootfs/etc/modules-load"
        module_count=$((module_count + 1))
    done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$module_list")
}
