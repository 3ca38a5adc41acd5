// Command netlab creates and drives the veth test networks that Net-Pulse's
// browser, desktop and benchmark tests use. It needs root.
//
//	netlab up -name NP [-default-route]   create netns NP-ns and veth NP0 <-> NP1
//	netlab traffic -name NP -rate 2MB -duration 30s
//	netlab send -name NP -bytes 10MB      send that much each way, then exit
//	netlab down -name NP
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: netlab up|down|traffic|send -name NAME [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("netlab "+os.Args[1], flag.ExitOnError)
	name := fs.String("name", "", "pair name, at most 13 characters")
	defRoute := fs.Bool("default-route", false, "up: route the namespace's default traffic through the pair")
	rate := fs.String("rate", "1MB", "traffic: bytes per second each way (KB, MB suffixes)")
	dur := fs.Duration("duration", 30*time.Second, "traffic: how long")
	amount := fs.String("bytes", "1MB", "send: bytes each way")
	fs.Parse(os.Args[2:])
	if *name == "" || len(*name) > 13 {
		fmt.Fprintln(os.Stderr, "netlab: -name is required, at most 13 characters")
		os.Exit(2)
	}
	if err := testnet.Available(); err != nil {
		fmt.Fprintln(os.Stderr, "netlab:", err)
		os.Exit(1)
	}
	p := testnet.NewPair(*name)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "up":
		if err = p.Up(*defRoute); err == nil {
			fmt.Printf("host=%s peer=%s ns=%s host_ip=%s peer_ip=%s\n", p.Host, p.Peer, p.NS, p.HostIP, p.PeerIP)
		}
	case "down":
		p.Down()
	case "traffic":
		var r int64
		if r, err = parseSize(*rate); err == nil {
			tctx, cancel := context.WithTimeout(ctx, *dur)
			err = p.Stream(tctx, r)
			cancel()
		}
	case "send":
		var n int64
		if n, err = parseSize(*amount); err == nil {
			err = p.Send(ctx, n, n)
		}
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "netlab:", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30} {
		if v, ok := strings.CutSuffix(strings.ToUpper(s), suffix); ok {
			s, mult = v, m
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size such as 500KB or 2MB", s)
	}
	return n * mult, nil
}
