package collector

// rtfIfscope marks macOS's per-interface scoped default routes, which are
// not the system's default route.
const rtfIfscope = 0x1000000
