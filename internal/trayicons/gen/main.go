// Command gen draws Net-Pulse's icons: the tray set (one icon per pair of
// download/upload levels, as PNG and as Windows .ico) and the application icon
// in the sizes the platforms want. Run it through `go generate
// ./internal/trayicons`; the outputs are committed, so builds never run it.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
)

// levels must match trayicons.Levels.
const levels = 5

// trayPixels is the edge of the tray PNG: within the 22–32 px that panels
// draw without blurring, and small as a D-Bus IconPixmap (4 KiB of ARGB).
const trayPixels = 32

// trayICOSizes cover the small-icon size at 100–200 % scaling; LoadImage picks
// the entry closest to the size Windows asks for.
var trayICOSizes = []int{16, 20, 24, 32, 48}

// appICOSizes are the sizes Wails' own generator puts into icon.ico.
var appICOSizes = []int{16, 24, 32, 48, 64, 128, 256}

func main() {
	root := flag.String("root", "../..", "repository root")
	flag.Parse()
	log.SetFlags(0)
	for _, f := range outputs() {
		path := filepath.Join(*root, f.path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(path, f.data(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// output is one generated file, relative to the repository root.
type output struct {
	path string
	data func() []byte
}

func outputs() []output {
	var out []output
	for _, alert := range []bool{false, true} {
		for d := range levels {
			for u := range levels {
				name := trayName(d, u, alert)
				out = append(out,
					output{"internal/trayicons/png/" + name + ".png", func() []byte {
						return encodePNG(drawTray(d, u, alert, trayPixels))
					}},
					output{"internal/trayicons/ico/" + name + ".ico", func() []byte {
						return encodeICO(trayICOSizes, func(px int) image.Image { return drawTray(d, u, alert, px) })
					}},
				)
			}
		}
	}
	return append(out,
		output{"build/appicon.png", func() []byte { return encodePNG(drawApp(1024)) }},
		output{"build/linux/netpulse.png", func() []byte { return encodePNG(drawApp(256)) }},
		output{"internal/trayicons/app.png", func() []byte { return encodePNG(drawApp(256)) }},
		output{"build/windows/icon.ico", func() []byte { return encodeICO(appICOSizes, func(px int) image.Image { return drawApp(px) }) }},
	)
}

// trayName must match trayicons.Icon and trayicons.AlertIcon.
func trayName(d, u int, alert bool) string {
	if alert {
		return fmt.Sprintf("tray-%d%d-alert", d, u)
	}
	return fmt.Sprintf("tray-%d%d", d, u)
}

// Colours shared by the tray and the app icon.
var (
	downColor  = rgba{0x22, 0xc5, 0x5e, 1}   // green: received
	upColor    = rgba{0x3b, 0x82, 0xf6, 1}   // blue: sent
	trackColor = rgba{0x9c, 0xa3, 0xaf, .45} // grey: visible on light and dark panels
	alertColor = rgba{0xf5, 0x9e, 0x0b, 1}   // amber: a data plan passed a threshold
)

// drawTray draws the tray icon for download level d and upload level u on a
// 32-unit grid: an arrow over a bar gauge per direction. Level 0 (idle) dims
// the arrow and leaves the gauge empty. The alert variant (a data plan past
// its first threshold) draws amber tracks and an amber dot between the
// gauges, so it reads at a glance while the rates stay visible.
func drawTray(d, u int, alert bool, px int) *image.NRGBA {
	var c canvas
	track := trackColor
	if alert {
		track = rgba{alertColor.r, alertColor.g, alertColor.b, .7}
		c.add(roundRect{12.6, 22, 19.4, 28.8, 3.4}, alertColor)
	}
	for i, lv := range []int{d, u} {
		x0 := 2.0 + float64(i)*15 // left column ↓, right column ↑
		col := downColor
		arrow := polygon{{x0, 2}, {x0 + 13, 2}, {x0 + 6.5, 11}}
		if i == 1 {
			col = upColor
			arrow = polygon{{x0, 11}, {x0 + 13, 11}, {x0 + 6.5, 2}}
		}
		if lv == 0 {
			col.a = .5
		}
		c.add(arrow, col)
		c.add(roundRect{x0 + 2.5, 13.5, x0 + 10.5, 30.5, 1.5}, track)
		if lv > 0 {
			top := 30.5 - 17*float64(lv)/float64(levels-1)
			c.add(roundRect{x0 + 2.5, top, x0 + 10.5, 30.5, 1.5}, col)
		}
	}
	return c.render(px, 32)
}

// drawApp draws the application icon on a 1024-unit grid: a dark rounded
// square with a pulse trace and the tray's two arrows.
func drawApp(px int) *image.NRGBA {
	var c canvas
	c.addFunc(roundRect{64, 64, 960, 960, 200}, func(_, y float64) rgba {
		t := (y - 64) / 896
		return rgba{lerp(0x1e, 0x0b, t), lerp(0x29, 0x12, t), lerp(0x3b, 0x20, t), 1}
	})
	c.add(polyline{w: 44, pts: []pt{
		{170, 600}, {360, 600}, {430, 430}, {520, 780}, {610, 500}, {660, 600}, {854, 600},
	}}, rgba{0x2d, 0xd4, 0xbf, 1})
	c.add(polygon{{352, 200}, {500, 200}, {426, 310}}, downColor)
	c.add(polygon{{524, 310}, {672, 310}, {598, 200}}, upColor)
	return c.render(px, 1024)
}

func lerp(a, b, t float64) float64 { return a + (b-a)*t }

// rgba is a straight (not premultiplied) colour with 0–255 channels and 0–1 alpha.
type rgba struct{ r, g, b, a float64 }

type pt struct{ x, y float64 }

type shape interface{ contains(x, y float64) bool }

type layer struct {
	s     shape
	paint func(x, y float64) rgba
}

// canvas composites shapes in order with 4×4 supersampling; no dependency
// beyond the standard library is worth it for a handful of icons.
type canvas struct{ layers []layer }

func (c *canvas) add(s shape, col rgba) {
	c.addFunc(s, func(_, _ float64) rgba { return col })
}

func (c *canvas) addFunc(s shape, paint func(x, y float64) rgba) {
	c.layers = append(c.layers, layer{s, paint})
}

func (c *canvas) render(px int, units float64) *image.NRGBA {
	const ss = 4
	img := image.NewNRGBA(image.Rect(0, 0, px, px))
	scale := units / float64(px)
	for py := range px {
		for pxx := range px {
			var r, g, b, a float64 // premultiplied sums
			for sy := range ss {
				for sx := range ss {
					x := (float64(pxx) + (float64(sx)+.5)/ss) * scale
					y := (float64(py) + (float64(sy)+.5)/ss) * scale
					var cr, cg, cb, ca float64
					for _, l := range c.layers {
						if !l.s.contains(x, y) {
							continue
						}
						p := l.paint(x, y)
						cr = p.r*p.a + cr*(1-p.a)
						cg = p.g*p.a + cg*(1-p.a)
						cb = p.b*p.a + cb*(1-p.a)
						ca = p.a + ca*(1-p.a)
					}
					r, g, b, a = r+cr, g+cg, b+cb, a+ca
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			img.SetNRGBA(pxx, py, color.NRGBA{
				R: uint8(math.Round(r / a)), G: uint8(math.Round(g / a)), B: uint8(math.Round(b / a)),
				A: uint8(math.Round(a / n * 255)),
			})
		}
	}
	return img
}

type roundRect struct{ x0, y0, x1, y1, r float64 }

func (q roundRect) contains(x, y float64) bool {
	if x < q.x0 || x > q.x1 || y < q.y0 || y > q.y1 {
		return false
	}
	cx := math.Max(q.x0+q.r, math.Min(x, q.x1-q.r))
	cy := math.Max(q.y0+q.r, math.Min(y, q.y1-q.r))
	return math.Hypot(x-cx, y-cy) <= q.r
}

type polygon []pt

// contains uses the even-odd rule.
func (p polygon) contains(x, y float64) bool {
	in := false
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		a, b := p[i], p[j]
		if (a.y > y) != (b.y > y) && x < (b.x-a.x)*(y-a.y)/(b.y-a.y)+a.x {
			in = !in
		}
	}
	return in
}

// polyline is a stroke with round joins and caps.
type polyline struct {
	w   float64
	pts []pt
}

func (l polyline) contains(x, y float64) bool {
	for i := 1; i < len(l.pts); i++ {
		if segDist(pt{x, y}, l.pts[i-1], l.pts[i]) <= l.w/2 {
			return true
		}
	}
	return false
}

func segDist(p, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	t := ((p.x-a.x)*dx + (p.y-a.y)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p.x-(a.x+t*dx), p.y-(a.y+t*dy))
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

// encodeICO writes an .ico with one image per size. Sizes below 256 are
// 32-bit DIBs, which every Windows version loads; 48 and up are PNG (loaded
// since Vista), which keeps the 25-icon set small.
func encodeICO(sizes []int, draw func(px int) image.Image) []byte {
	var head, body bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&head, le, [3]uint16{0, 1, uint16(len(sizes))})
	offset := 6 + 16*len(sizes)
	for _, px := range sizes {
		img := draw(px)
		var data []byte
		if px >= 48 {
			data = encodePNG(img)
		} else {
			data = dib(img)
		}
		dim := uint8(px)
		if px >= 256 {
			dim = 0 // 0 means 256 in an ICONDIRENTRY
		}
		_ = binary.Write(&head, le, struct {
			W, H, Colors, Reserved uint8
			Planes, BitCount       uint16
			Size, Offset           uint32
		}{dim, dim, 0, 0, 1, 32, uint32(len(data)), uint32(offset)})
		body.Write(data)
		offset += len(data)
	}
	return append(head.Bytes(), body.Bytes()...)
}

// dib encodes img as an icon DIB: BITMAPINFOHEADER with doubled height,
// bottom-up BGRA rows, then an all-zero AND mask (the alpha channel rules).
func dib(img image.Image) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	maskRow := (w + 31) / 32 * 4
	var buf bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&buf, le, struct {
		Size                   uint32
		Width, Height          int32
		Planes, BitCount       uint16
		Compression, SizeImage uint32
		XPels, YPels           int32
		ClrUsed, ClrImportant  uint32
	}{40, int32(w), int32(2 * h), 1, 32, 0, uint32(w*h*4 + maskRow*h), 0, 0, 0, 0})
	for y := h - 1; y >= 0; y-- {
		for x := range w {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			buf.Write([]byte{c.B, c.G, c.R, c.A})
		}
	}
	buf.Write(make([]byte, maskRow*h))
	return buf.Bytes()
}
