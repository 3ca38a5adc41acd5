package web

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// placeholderPage is served when the binary was built without the
// dashboard (frontend/dist empty): the API works, the page says what to do.
const placeholderPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Net-Pulse</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;line-height:1.5">
<h1>Net-Pulse</h1>
<p>The dashboard is not built into this binary yet. The JSON API works: try
<a href="/api/health">/api/health</a> or <a href="/api/interfaces">/api/interfaces</a>.</p>
<p>To build the dashboard, run <code>make build</code> (needs Node.js) and start the new binary.</p>
</body></html>
`

// staticHandler serves the embedded dashboard. Hashed build assets are
// cached for good; everything else, index.html included, is revalidated so
// an upgrade shows at once. fs.FS refuses ".." paths, so nothing outside
// the embedded files can be reached.
func staticHandler(assets fs.FS) http.Handler {
	if _, err := fs.Stat(assets, "index.html"); err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" && r.URL.Path != "/index.html" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Write([]byte(placeholderPage))
		})
	}
	files := http.FileServerFS(assets)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			methodNotAllowed(w, r)
			return
		}
		p := path.Clean("/" + r.URL.Path)
		if strings.HasPrefix(p, "/assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}
