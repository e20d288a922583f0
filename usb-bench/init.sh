#!/bin/busybox sh
# The guest's /init: loads the USB host and gadget stacks (dummy_hcd joins a virtual host
# controller to a virtual device controller in this one kernel), starts systemd-udevd, declares
# the wand gadget in configfs with one FunctionFS function, and runs the bench. The gadget is
# plugged in by the bench itself, once its FunctionFS side has written the descriptors.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
ln -s /proc/self/fd /dev/fd
echo "@@BOOT $(cut -d' ' -f1 /proc/uptime)"

fail() {
  echo "@@FATAL $*"
  poweroff -f
}

for m in usb-common usbcore udc-core configfs libcomposite usb_f_fs; do
  insmod /lib/modules/$m.ko || fail "insmod $m"
done
# Full speed: 64-byte bulk packets, as the wand's endpoints declare.
insmod /lib/modules/dummy_hcd.ko is_high_speed=0 || fail "insmod dummy_hcd"
mount -t configfs none /sys/kernel/config || fail "mount configfs"

mkdir -p /run/udev
/lib/systemd/systemd-udevd --daemon --resolve-names=never 2>/tmp/udevd.log || fail "systemd-udevd"

g=/sys/kernel/config/usb_gadget/wand
mkdir -p $g || fail "configfs gadget"
echo 0x1209 > $g/idVendor
echo 0x0001 > $g/idProduct
echo 0x0100 > $g/bcdDevice
echo 0x0200 > $g/bcdUSB
mkdir -p $g/strings/0x409
echo "Open Intrathecal Pump Project" > $g/strings/0x409/manufacturer
echo "Programmer wand (kernel bench)" > $g/strings/0x409/product
echo "W-SIM-0001" > $g/strings/0x409/serialnumber
mkdir -p $g/configs/c.1/strings/0x409
echo "wand" > $g/configs/c.1/strings/0x409/configuration
echo 100 > $g/configs/c.1/MaxPower
# Linked first: a function without interface that takes the endpoint numbers the UDC would
# otherwise give the wand's OUT endpoint (test/usb/gadget.ts).
mkdir -p $g/functions/ffs.filler $g/functions/ffs.wand || fail "FunctionFS functions"
ln -s $g/functions/ffs.filler $g/configs/c.1/ || fail "FunctionFS link"
ln -s $g/functions/ffs.wand $g/configs/c.1/ || fail "FunctionFS link"
mkdir -p /dev/ffs-filler /dev/ffs-wand
mount -t functionfs filler /dev/ffs-filler || fail "mount functionfs"
mount -t functionfs wand /dev/ffs-wand || fail "mount functionfs"

cd /app
UV_THREADPOOL_SIZE=16 timeout 130 node bench.cjs $(sed -n 's/.*usbbench=\([^ ]*\).*/\1/p' /proc/cmdline | tr ',' ' ')
status=$?
# The kernel's view, kept in the console log for diagnosis when something failed.
[ $status -ne 0 ] && dmesg | tail -n 80 | sed 's/^/dmesg: /'
echo "@@EXIT $status"
poweroff -f
