# Assembles the guest's file tree and packs it as the initramfs and the ext4 root disk.
# Sourced by scripts/build-test-guest after test-guest-kernel.sh.

# Size of the root disk. The tree takes about 7 MB, and the rest stays free for tests
# that write into the guest.
readonly root_disk_size=64M

# Builds the tree in ROOTFS from busybox, the modules and scripts/test-guest/.
assemble_tree() {
    local rootfs=$1 guest_source_dir=$2
    local applet

    progress "assembling the guest tree"
    mkdir -p "$rootfs"/{bin,sbin,etc/acpi/PWRF,proc,sys,dev,tmp,root,run,var/log,mnt/context,newroot}
    chmod 1777 "$rootfs/tmp"

    install -m 755 "$busybox_tree/bin/busybox" "$rootfs/bin/busybox"
    for applet in $("$rootfs/bin/busybox" --list); do
        [[ $applet == busybox ]] && continue
        ln -s busybox "$rootfs/bin/$applet"
    done
    # /sbin/init is where switch_root and the kernel look for init.
    for applet in init poweroff reboot halt switch_root insmod modprobe; do
        ln -s ../bin/busybox "$rootfs/sbin/$applet"
    done

    copy_modules "$rootfs" "$guest_source_dir/modules"

    install -m 755 "$guest_source_dir/init" "$rootfs/init"
    install -m 755 "$guest_source_dir/rc" "$rootfs/etc/rc"
    install -m 755 "$guest_source_dir/rc.shutdown" "$rootfs/etc/rc.shutdown"
    install -m 644 "$guest_source_dir/rc.context" "$rootfs/etc/rc.context"
    install -m 644 "$guest_source_dir/inittab" "$rootfs/etc/inittab"
    install -m 755 "$guest_source_dir/power-button" "$rootfs/etc/acpi/PWRF/00000080"
    install -m 644 "$guest_source_dir/passwd" "$rootfs/etc/passwd"
    install -m 644 "$guest_source_dir/group" "$rootfs/etc/group"
    install -m 644 "$guest_source_dir/profile" "$rootfs/etc/profile"
    printf '%s\n' stratus-guest >"$rootfs/etc/hostname"

    # The kernel opens /dev/console for /init before devtmpfs is mounted. mknod needs
    # root, and without the node /init reopens the console itself.
    if ((EUID == 0)); then
        mknod -m 600 "$rootfs/dev/console" c 5 1
        mknod -m 666 "$rootfs/dev/null" c 1 3
    else
        progress "not root: the initramfs gets no /dev/console node, /init opens it from devtmpfs"
    fi
}

# Packs ROOTFS as a gzip-compressed newc cpio archive. busybox's own cpio does it, so
# the machine needs no cpio package. gzip's default level 6 is used: -9 took seven
# times longer for an archive 0.7 % smaller.
pack_initramfs() {
    local rootfs=$1 output=$2
    progress "packing the initramfs"
    (cd "$rootfs" && find . | LC_ALL=C sort | ./bin/busybox cpio -o -H newc 2>"$work_dir/logs/cpio.log" | gzip -n >"$output") ||
        fail "packing the initramfs" "busybox cpio or gzip failed" "$work_dir/logs/cpio.log"
}

# Writes ROOTFS into a new ext4 filesystem that covers the whole disk, with no
# partition table, and converts it to qcow2. mkfs.ext4 -d fills it without mounting.
make_root_disk() {
    local rootfs=$1 output=$2
    local raw_disk=$work_dir/disk.raw
    progress "making the $root_disk_size ext4 root disk"
    truncate -s "$root_disk_size" "$raw_disk"
    run_logged mkfs mkfs.ext4 -q -F -L stratus-root -d "$rootfs" "$raw_disk" ||
        fail "mkfs.ext4 -d" "e2fsprogs 1.43 or newer is needed for -d: apt-get install -y e2fsprogs" "$work_dir/logs/mkfs.log"
    run_logged qemu-img qemu-img convert -f raw -O qcow2 "$raw_disk" "$output" ||
        fail "qemu-img convert" "is qemu-utils installed and the disk not full?" "$work_dir/logs/qemu-img.log"
    rm -f "$raw_disk"
}
