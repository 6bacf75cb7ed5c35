package main

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsVetInvocation(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		// The handshake of go vet and go fix.
		{[]string{"-V=full"}, true},
		{[]string{"-flags"}, true},
		// go vet always passes -json; go vet -json passes the user's.
		{[]string{"/tmp/go-build/vet.cfg"}, true},
		{[]string{"-json", "/tmp/go-build/b001/vet.cfg"}, true},
		{[]string{"-execworker", "-pipeipc=false", "/tmp/go-build/vet.cfg"}, true},
		{[]string{"-procglobal=false", "-json", "/tmp/go-build/b001/vet.cfg"}, true},
		// go fix passes -fix, and -diff for go fix -diff; a -diff the user
		// gave is passed on as it is, before go's own.
		{[]string{"-fix", "/tmp/go-build/b001/vet.cfg"}, true},
		{[]string{"-fix", "-diff", "/tmp/go-build/b001/vet.cfg"}, true},
		{[]string{"-diff", "-fix", "-diff", "/tmp/go-build/b001/vet.cfg"}, true},
		{[]string{"-cgocall", "-fix", "/tmp/go-build/b001/vet.cfg"}, true},

		// A person running migrate.
		{[]string{"check", "./weird.cfg"}, false},
		{[]string{"rewrite", "-C", "dir", "x.cfg"}, false},
		{[]string{"check"}, false},
		{[]string{"-C", "dir", "check"}, false},
		{[]string{"-v"}, false},
		{[]string{"--version"}, false},
		{[]string{"--help"}, false},
		{nil, false},
	} {
		if got := isVetInvocation(tc.args); got != tc.want {
			t.Errorf("isVetInvocation(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

// TestVetToolFlags checks that migrate -flags, which go vet and go fix
// read to learn which flags to accept and pass on, lists an enable flag
// for every analyzer of the suite and its own flags as -NAME.FLAG.
func TestVetToolFlags(t *testing.T) {
	out, err := exec.Command(migrateOnPath(t), "-flags").Output()
	if err != nil {
		t.Fatalf("migrate -flags: %v", err)
	}
	var flags []struct {
		Name  string
		Bool  bool
		Usage string
	}
	if err := json.Unmarshal(out, &flags); err != nil {
		t.Fatalf("decode migrate -flags: %v\n%s", err, out)
	}
	isBool := make(map[string]bool)
	for _, f := range flags {
		isBool[f.Name] = f.Bool
	}

	want := map[string]bool{"json": true, "diff": true, "V": true, "flags": true}
	for _, a := range suite {
		want[a.Name] = true
		a.Flags.VisitAll(func(f *flag.Flag) {
			b, ok := f.Value.(interface{ IsBoolFlag() bool })
			want[a.Name+"."+f.Name] = ok && b.IsBoolFlag()
		})
	}
	for name, wantBool := range want {
		gotBool, ok := isBool[name]
		switch {
		case !ok:
			t.Errorf("migrate -flags lacks -%s", name)
		case gotBool != wantBool:
			t.Errorf("migrate -flags lists -%s with Bool %v, want %v", name, gotBool, wantBool)
		}
	}
}

// TestVetToolVersion checks the line migrate -V=full prints as the go
// command reads it (cmd/go's toolID): the first field is ignored for a
// -vettool, the second must be "version", and a version containing
// "devel" must end in a field "buildID=ID", whose ID go vet and go fix
// key their cache on. The ID must follow the binary's content, or a
// rebuilt migrate would be answered with the results of the old one.
func TestVetToolVersion(t *testing.T) {
	bin := migrateOnPath(t)
	id := vetToolID(t, bin)

	if again := vetToolID(t, bin); again != id {
		t.Errorf("migrate -V=full gave build ID %q, then %q", id, again)
	}

	// A copy with one more byte at the end still runs, as another build.
	changed := filepath.Join(t.TempDir(), "migrate") // the name selects main
	copyFile(t, bin, changed)
	f, err := os.OpenFile(changed, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte{0}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if other := vetToolID(t, changed); other == id {
		t.Errorf("a different migrate binary has the same build ID %q", id)
	}
}

// vetToolID runs bin -V=full and returns the build ID the go command
// takes from its output, failing the test where the go command would
// refuse the line.
func vetToolID(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "-V=full").Output()
	if err != nil {
		t.Fatalf("%s -V=full: %v", bin, err)
	}
	line := string(out)
	f := strings.Fields(line)
	if len(f) < 3 || f[1] != "version" || !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
		t.Fatalf("%s -V=full printed %q, want one line NAME version VERSION...", bin, line)
	}
	if !strings.Contains(f[2], "devel") {
		// A release version is taken whole as the ID: a rebuilt binary
		// with the same version would be answered from the old cache.
		t.Fatalf("%s -V=full printed %q, want a devel version with a build ID", bin, line)
	}
	id, ok := strings.CutPrefix(f[len(f)-1], "buildID=")
	if !ok || id == "" {
		t.Fatalf("%s -V=full printed %q: go vet refuses a devel version without buildID= last", bin, line)
	}
	return id
}

// migrateOnPath returns the migrate that testscript.Main put on PATH: this
// test binary, which runs main under that name.
func migrateOnPath(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("migrate")
	if err != nil {
		t.Fatalf("find migrate on PATH, where TestMain puts it: %v", err)
	}
	return bin
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
