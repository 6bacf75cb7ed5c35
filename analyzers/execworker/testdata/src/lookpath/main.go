// Command lookpath renders pages in workers. It finds itself with
// exec.LookPath(os.Args[0]), which resolves a bare name through PATH when
// that is how the binary was started.
package main

import (
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "render" {
		if err := render(os.Stdin, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	self, err := exec.LookPath(os.Args[0])
	if err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command(self, "render") // want `worker spawned with exec\.Command re-executes this binary \(exec\.LookPath\(os\.Args\[0\]\)\) as role "render" served by render; a candidate to run as a goroutine`
	cmd.Stdin = strings.NewReader("# title\n")
	cmd.Stdout = os.Stdout
	if err := cmd.Run(); err != nil {
		log.Fatal(err)
	}

	// LookPath of another name finds another program: not reported.
	pandoc, err := exec.LookPath("pandoc")
	if err == nil {
		exec.Command(pandoc, "--version").Run()
	}
}

func render(r io.Reader, w io.Writer) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "<h1>"+strings.TrimPrefix(strings.TrimSpace(string(b)), "# ")+"</h1>\n")
	return err
}
