package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"
)

// iconSizes are the hicolor theme's usual application icon sizes.
var iconSizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

// writeIcons scales src into out/SIZExSIZE/apps/NAME.png for each size, the
// layout of /usr/share/icons/hicolor.
func writeIcons(src, out, name string) error {
	if out == "" {
		return fmt.Errorf("icons: -out is empty")
	}
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("icons: %w", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("icons: %s: %w", src, err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < iconSizes[len(iconSizes)-1] {
		return fmt.Errorf("icons: %s is %dx%d; want a square of at least %d px", src, b.Dx(), b.Dy(), iconSizes[len(iconSizes)-1])
	}
	for _, n := range iconSizes {
		dst := image.NewNRGBA(image.Rect(0, 0, n, n))
		// CatmullRom takes every source pixel under a destination pixel
		// into account, so small sizes stay smooth rather than aliased.
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
		path := filepath.Join(out, fmt.Sprintf("%dx%d", n, n), "apps", name+".png")
		if err := writePNG(path, dst); err != nil {
			return fmt.Errorf("icons: %w", err)
		}
	}
	return nil
}

func writePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
