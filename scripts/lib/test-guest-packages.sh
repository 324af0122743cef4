# Downloads and unpacks the two Debian packages of the test guest: the current
# kernel and busybox-static. Nothing is installed on the machine.
# Sourced by scripts/build-test-guest. Sets kernel_package, kernel_package_version,
# busybox_package_version, kernel_tree and busybox_tree.

# Prints the versioned kernel package that linux-image-amd64 depends on, or nothing.
find_kernel_package() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# Sets kernel_package, running apt-get update once when apt has no package lists.
resolve_kernel_package() {
    kernel_package=$(find_kernel_package)
    if [[ -z $kernel_package ]]; then
        progress "apt-cache finds no linux-image-amd64: running apt-get update"
        run_logged apt-update apt-get update ||
            fail "apt-get update" "is the Debian archive reachable? Check /etc/apt/sources.list and run apt-get update" \
                "$work_dir/logs/apt-update.log"
        kernel_package=$(find_kernel_package)
    fi
    if [[ -z $kernel_package ]]; then
        fail "finding the kernel package" \
            "apt-cache depends linux-image-amd64 lists no linux-image-<version>-amd64: is Debian's main component in the apt sources?"
    fi
}

# Downloads the kernel and busybox-static .debs into $work_dir/debs.
download_packages() {
    local download_dir=$work_dir/debs
    mkdir -p "$download_dir"

    # apt drops privileges to the _apt user for downloads, and warns when that user
    # cannot write the target folder.
    if ((EUID == 0)) && id _apt >/dev/null 2>&1; then
        chown _apt "$download_dir"
    fi

    progress "downloading $kernel_package and busybox-static"
    (cd "$download_dir" && run_logged download apt-get download "$kernel_package" busybox-static) ||
        fail "apt-get download" "is the Debian archive reachable? run apt-get update" "$work_dir/logs/download.log"
}

# Unpacks both .debs into $work_dir/kernel and $work_dir/busybox.
unpack_packages() {
    local kernel_deb busybox_deb
    kernel_deb=$(find "$work_dir/debs" -name "${kernel_package}_*.deb" | head -n 1)
    busybox_deb=$(find "$work_dir/debs" -name 'busybox-static_*.deb' | head -n 1)
    if [[ -z $kernel_deb || -z $busybox_deb ]]; then
        fail "apt-get download" "the .deb files are missing from $work_dir/debs; run apt-get update and try again"
    fi
    kernel_package_version=$(dpkg-deb -f "$kernel_deb" Version)
    busybox_package_version=$(dpkg-deb -f "$busybox_deb" Version)

    progress "unpacking $kernel_package $kernel_package_version and busybox-static $busybox_package_version"
    kernel_tree=$work_dir/kernel
    busybox_tree=$work_dir/busybox
    run_logged unpack-kernel dpkg-deb -x "$kernel_deb" "$kernel_tree" ||
        fail "dpkg-deb -x $kernel_deb" "is the disk full? The kernel unpacks to about 400 MB" "$work_dir/logs/unpack-kernel.log"
    run_logged unpack-busybox dpkg-deb -x "$busybox_deb" "$busybox_tree" ||
        fail "dpkg-deb -x $busybox_deb" "is the disk full?" "$work_dir/logs/unpack-busybox.log"
}
