package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netpulse/netpulse/internal/vnstat"
	"github.com/netpulse/netpulse/storage"
)

// ImportVnStat runs `netpulse import-vnstat [--data-dir DIR] [--map OLD=NEW
// ...] [--vnstat-config FILE] [--dry-run] PATH` (args without the
// subcommand) and returns the exit status: 0 done, 1 refused or failed, 2
// bad usage.
func ImportVnStat(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	opts, err := parseImportArgs(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "netpulse import-vnstat:", err)
		return 2
	}
	if err := importVnStat(ctx, opts, stdout); err != nil {
		fmt.Fprintln(stderr, "netpulse import-vnstat:", err)
		return 1
	}
	return 0
}

// importOptions are the parsed arguments of import-vnstat.
type importOptions struct {
	dataDir string
	rename  map[string]string // vnStat's name → Net-Pulse's
	dryRun  bool
	config  string // vnStat's configuration file; "": where vnstatd reads it, if anywhere
	path    string
}

func parseImportArgs(args []string, getenv func(string) string, usage io.Writer) (importOptions, error) {
	o := importOptions{dataDir: getenv("NETPULSE_DATA_DIR"), rename: map[string]string{}}
	fs := flag.NewFlagSet("netpulse import-vnstat", flag.ContinueOnError)
	// A bad flag is one line (the caller prints the error); the usage
	// text is for --help alone.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.dataDir, "data-dir", o.dataDir, "data folder holding netpulse.db (env NETPULSE_DATA_DIR; default: the OS's per-user data folder)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print what would be imported, per interface and tier, and change nothing")
	fs.StringVar(&o.config, "vnstat-config", "", "vnStat's configuration file, for its MonthRotate, MonthRotateAffectsYears and UseUTC (default: /etc/vnstat.conf or /usr/local/etc/vnstat.conf, if there)")
	fs.Func("map", "import vnStat's interface OLD as NEW (OLD=NEW, repeatable)", func(v string) error {
		old, name, ok := strings.Cut(v, "=")
		if !ok || old == "" || name == "" {
			return fmt.Errorf("%q is not OLD=NEW", v)
		}
		if _, dup := o.rename[old]; dup {
			return fmt.Errorf("%s is mapped twice", old)
		}
		o.rename[old] = name
		return nil
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(usage, "usage: netpulse import-vnstat [--data-dir DIR] [--map OLD=NEW ...] [--vnstat-config FILE] [--dry-run] PATH")
			fmt.Fprintln(usage, "imports the history in vnStat 2.x's database PATH (usually /var/lib/vnstat/vnstat.db); stop Net-Pulse first")
			fs.SetOutput(usage)
			fs.PrintDefaults()
		}
		return o, err
	}
	if fs.NArg() != 1 {
		return o, errors.New("give one vnStat database file, e.g. /var/lib/vnstat/vnstat.db, after the flags")
	}
	o.path = fs.Arg(0)
	if o.dataDir == "" {
		var err error
		if o.dataDir, err = defaultDataDir(getenv); err != nil {
			return o, fmt.Errorf("--data-dir: no default data folder (%v); set --data-dir or NETPULSE_DATA_DIR", err)
		}
	}
	return o, nil
}

func importVnStat(ctx context.Context, o importOptions, out io.Writer) error {
	// vnStat's configuration says which time a row stands for: a month
	// read as the calendar month when vnStat's begin on the 15th would
	// count half a month's days twice.
	var conf vnstat.Config
	var err error
	if o.config != "" {
		conf, err = vnstat.ReadConfig(o.config)
	} else {
		conf, err = vnstat.FindConfig(vnstat.ConfigPaths())
	}
	if err != nil {
		return fmt.Errorf("--vnstat-config: %w", err)
	}
	printConfig(out, conf)
	src, err := vnstat.Open(ctx, o.path)
	if err != nil {
		return err
	}
	defer src.Close()
	// vnStat writes its own zone's local times (unless UseUTC); this
	// process runs in the same zone unless TZ says otherwise.
	ifaces, err := src.Interfaces(ctx, conf, time.Local)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, in := range ifaces {
		names[in.Name] = true
	}
	for old := range o.rename {
		if !names[old] {
			return fmt.Errorf("--map: %s has no interface %q", o.path, old)
		}
	}
	dbPath := filepath.Join(o.dataDir, "netpulse.db")
	var im *storage.Importer
	if o.dryRun {
		// Plan against a copy that is thrown away: the database itself
		// is neither created nor migrated.
		tmp, err := os.MkdirTemp("", "netpulse-dry-run")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		im, err = storage.OpenImporterCopy(ctx, dbPath, tmp)
		if err != nil {
			return err
		}
	} else {
		if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
			return fmt.Errorf("create the data folder: %w", err)
		}
		if im, err = storage.OpenImporter(ctx, dbPath); err != nil {
			return err
		}
	}
	defer im.Close()
	abs, _ := filepath.Abs(o.path)
	for _, in := range ifaces {
		name := in.Name
		if n, ok := o.rename[name]; ok {
			name = n
		}
		levels := make([][]storage.ImportPeriod, len(vnstat.Levels))
		for _, l := range vnstat.Levels {
			for _, p := range in.Periods[l] {
				levels[l] = append(levels[l], storage.ImportPeriod{Start: p.Start.Unix(), End: p.End.Unix(), Rx: p.Rx, Tx: p.Tx, Straddled: p.Straddled})
			}
		}
		rep, err := im.Import(ctx, name, "vnstat:"+abs+":"+in.Name, levels)
		if err != nil {
			return err
		}
		printImport(out, in.Name, rep, o.dryRun)
	}
	if o.dryRun {
		fmt.Fprintln(out, "dry run: nothing was imported")
		return nil
	}
	return im.Commit()
}

// printConfig tells how vnStat's rows are read where its configuration
// makes them other than calendar periods in local time.
func printConfig(w io.Writer, c vnstat.Config) {
	if c.MonthRotate > 1 {
		years := "years begin on 1 January"
		if c.RotateYears {
			years = fmt.Sprintf("years on %d January", c.MonthRotate)
		}
		fmt.Fprintf(w, "vnStat's months begin on day %d and %s, as %s says\n", c.MonthRotate, years, c.Path)
	}
	if c.UseUTC {
		fmt.Fprintf(w, "vnStat's times are in UTC, as %s says\n", c.Path)
	}
}

// printImport tells what was (or would be) imported for one interface.
func printImport(w io.Writer, from string, r storage.ImportReport, dryRun bool) {
	verb := "imported"
	if dryRun {
		verb = "would import"
	}
	name := r.Interface
	if from != name {
		name += " (vnStat's " + from + ")"
	}
	day := func(t int64) string { return time.Unix(t, 0).Format("2006-01-02 15:04") }
	if r.Periods == 0 {
		fmt.Fprintf(w, "%s: nothing to import\n", name)
	} else {
		fmt.Fprintf(w, "%s: %s %d periods from %s to %s: rx %d bytes, tx %d bytes\n", name, verb, r.Periods, day(r.Start), day(r.End), r.Rx, r.Tx)
		for _, t := range r.Tiers {
			fmt.Fprintf(w, "  %-12s %6d buckets  rx %d  tx %d\n", t.Table, t.Buckets, t.Rx, t.Tx)
		}
	}
	if r.Repeated > 0 {
		fmt.Fprintf(w, "  skipped %d periods imported before\n", r.Repeated)
	}
	if r.Later > 0 {
		fmt.Fprintf(w, "  skipped %d periods that end after Net-Pulse's own history begins (%s)\n", r.Later, day(r.OwnStart))
	}
	if r.Excess > 0 {
		fmt.Fprintf(w, "  %d periods held less traffic than the shorter periods inside them; the shorter ones were kept\n", r.Excess)
	}
}
