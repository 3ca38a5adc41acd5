//go:build desktop && darwin

package desktop

/*
#cgo CFLAGS: -x objective-c
#cgo LDFLAGS: -framework Cocoa
#import <Cocoa/Cocoa.h>

// An accessory app: a menu bar item and no Dock icon. The window process
// is a regular app with its own Dock icon while it runs.
static void netpulseRunApp(void) {
	[NSApplication sharedApplication];
	[NSApp setActivationPolicy:NSApplicationActivationPolicyAccessory];
	[NSApp run];
}
*/
import "C"

// runLoop runs AppKit's loop on the main thread (the main goroutine is
// locked to it by systray's init) until quit: tray.finish stops the loop
// through systray's Quit. launch queued the status item's creation on the
// main queue, which this loop serves.
func (sh *shell) runLoop() {
	if !sh.finishTrayAtQuit() {
		<-sh.done
		return
	}
	C.netpulseRunApp()
}
