// Package desktop is the desktop edge of the service: the resident process
// (tray, OS notifications, single instance), the window process (Wails,
// build tags desktop and production) and the private channel between them,
// and the bindings the window's dashboard calls. Without the desktop build
// tag it only reports that this binary has no window.
package desktop
