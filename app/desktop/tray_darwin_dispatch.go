//go:build desktop && darwin

package desktop

// The C side of launch: kept apart from tray_darwin.go because a file with
// //export may only declare C functions in its preamble, not define them.

/*
#include <stddef.h>
#include <dispatch/dispatch.h>

extern void netpulseTrayStart(void);

static void netpulseTrayStartOnMain(void *context) {
	(void)context;
	netpulseTrayStart();
}

static void netpulseDispatchTrayStart(void) {
	dispatch_async_f(dispatch_get_main_queue(), NULL, netpulseTrayStartOnMain);
}
*/
import "C"

func dispatchTrayStart() { C.netpulseDispatchTrayStart() }
