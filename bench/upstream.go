// A function server fast enough that a watchdog's own cost shows (bench/vs-go.sh): a 29-byte answer to any GET,
// the body echoed back with its length to POST /echo. Only Go's standard library: `go run bench/upstream.go PORT`.
package main

import (
	"io"
	"net/http"
	"os"
	"strconv"
)

func main() {
	port := "3000"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	answer := []byte("Hello from the Go function\n\n\n")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/echo" {
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write(answer)
	})
	http.ListenAndServe("127.0.0.1:"+port, nil)
}
