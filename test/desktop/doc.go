// Package desktop tests the built desktop binary end to end: its window under
// Xvfb, and its tray on a private D-Bus session bus where the test itself is
// the StatusNotifierWatcher. Set NETPULSE_DESKTOP_BIN to the binary
// (`make desktop-test` does); without it every test skips. Linux only: it
// needs Xvfb, dbus-daemon and, for traffic, root and veth pairs.
package desktop
