//go:build linux

package desktop

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/netpulse/netpulse/internal/trayicons"
)

// watcher plays org.kde.StatusNotifierWatcher, the part of a panel that
// tray items register with.
type watcher struct {
	conn  *dbus.Conn
	items chan string // bus names of registered items
}

// RegisterStatusNotifierItem is the watcher method items call. systray passes
// its object path, not its bus name, so the item is the caller.
func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, _ string) *dbus.Error {
	select {
	case w.items <- string(sender):
	default:
	}
	return nil
}

// startWatcher claims the watcher name on the private bus; items that start
// afterwards see a panel and register.
func startWatcher(t *testing.T) *watcher {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	w := &watcher{conn: conn, items: make(chan string, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("cannot own the watcher name: %v (reply %d)", err, reply)
	}
	return w
}

func (w *watcher) waitItem(t *testing.T, timeout time.Duration) *item {
	t.Helper()
	select {
	case name := <-w.items:
		return &item{t: t, conn: w.conn, name: name}
	case <-time.After(timeout):
		t.Fatalf("no tray item registered within %s", timeout)
		return nil
	}
}

// item is a registered StatusNotifierItem seen from the panel's side.
type item struct {
	t    *testing.T
	conn *dbus.Conn
	name string
}

type pixmap struct {
	W, H int32
	Pix  []byte
}

func (it *item) prop(name string, v any) {
	it.t.Helper()
	obj := it.conn.Object(it.name, "/StatusNotifierItem")
	if err := obj.StoreProperty("org.kde.StatusNotifierItem."+name, v); err != nil {
		it.t.Fatalf("property %s: %v", name, err)
	}
}

func (it *item) tooltip() string {
	var tt struct {
		Name  string
		Icons []pixmap
		Title string
		Text  string
	}
	it.prop("ToolTip", &tt)
	return tt.Title
}

func (it *item) icon() pixmap {
	var px []pixmap
	it.prop("IconPixmap", &px)
	if len(px) != 1 {
		it.t.Fatalf("IconPixmap has %d images, want 1", len(px))
	}
	return px[0]
}

// menuEntry is one dbusmenu item.
type menuEntry struct {
	id      int32
	label   string
	visible bool
}

// menu returns the flattened dbusmenu layout. systray answers the first
// GetLayout with depth 1 only (a libdbusmenu workaround), so ask twice.
func (it *item) menu() []menuEntry {
	it.t.Helper()
	obj := it.conn.Object(it.name, "/StatusNotifierItem/menu")
	var (
		rev    uint32
		layout struct {
			ID       int32
			Props    map[string]dbus.Variant
			Children []dbus.Variant
		}
	)
	for range 2 {
		if err := obj.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
			it.t.Fatalf("GetLayout: %v", err)
		}
	}
	var out []menuEntry
	for _, c := range layout.Children {
		f, ok := c.Value().([]any)
		if !ok || len(f) < 2 {
			it.t.Fatalf("unexpected layout child %v", c)
		}
		props, _ := f[1].(map[string]dbus.Variant)
		e := menuEntry{id: f[0].(int32), visible: true}
		if v, ok := props["label"]; ok {
			e.label, _ = v.Value().(string)
		}
		if v, ok := props["visible"]; ok {
			e.visible, _ = v.Value().(bool)
		}
		if v, ok := props["type"]; ok && v.Value() == "separator" {
			e.label = "---"
		}
		out = append(out, e)
	}
	return out
}

func (it *item) click(id int32) {
	it.t.Helper()
	obj := it.conn.Object(it.name, "/StatusNotifierItem/menu")
	if err := obj.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		it.t.Fatalf("Event(%d, clicked): %v", id, err)
	}
}

// iconLevels finds which pre-rendered icon the pixmap shows, by converting
// the set the way systray does (ARGB32, A first).
func iconLevels(t *testing.T, px pixmap) (down, up int, ok bool) {
	t.Helper()
	for d := range trayicons.Levels {
		for u := range trayicons.Levels {
			img, err := png.Decode(bytes.NewReader(trayicons.Icon(d, u)))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(argb(img), px.Pix) {
				return d, u, true
			}
		}
	}
	return 0, 0, false
}

func argb(img image.Image) []byte {
	b := img.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy()*4)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			out = append(out, byte(a), byte(r), byte(g), byte(bl))
		}
	}
	return out
}

func (e menuEntry) String() string { return fmt.Sprintf("%d:%q(visible=%v)", e.id, e.label, e.visible) }
