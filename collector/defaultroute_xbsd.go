//go:build freebsd || netbsd || openbsd

package collector

const rtfIfscope = 0
