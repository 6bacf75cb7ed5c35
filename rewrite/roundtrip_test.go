package rewrite

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"
)

// The rewriter prints only the files it changes, but it prints them whole:
// every line of such a file that the rewrite did not touch goes through the
// decorator and the restorer. A file the rewriter does not change must
// therefore come back byte for byte, or the rewrite of a file next to a
// change would reformat code it had no business with.
//
// TestRoundTripStd decorates packages of the standard library, tests
// included, exactly as the rewriter does (newEditor, which uses
// decorator.NewDecoratorFromPackage, and restore with importResolver, as
// apply does; cgo packages from their original files, as rewritePackage
// does) and compares each restored file with the file on disk.
//
// It takes every package of std, about half a minute on two cores, but
// for stdSample under -short and under the race detector, with which the
// whole of std takes several minutes: CI runs go test -race ./... after
// go test ./..., which has covered std already. PROCMIGRATE_STD=1 takes
// the whole of std in every mode.

// stdEnv names the environment variable that makes the standard library
// tests take the whole of std under -short and -race too.
const stdEnv = "PROCMIGRATE_STD"

// stdSample is a spread of standard packages: large ones with many kinds of
// declarations and comments (go/types, net/http), generics (slices, maps,
// iter), cgo (runtime/cgo, os/user), assembly stubs (math/big, crypto),
// build-constrained files (os, syscall, internal/poll), struct tags
// (encoding/json), directives (runtime/debug) and //line directives.
var stdSample = []string{
	"bufio", "cmp", "container/list", "context", "encoding/json",
	"errors", "flag", "go/ast", "go/format", "hash/crc32", "io",
	"iter", "log", "maps", "math/bits", "net/netip", "os", "os/exec",
	"os/user", "path/filepath", "runtime/cgo", "slices", "sort",
	"strconv", "strings", "sync", "text/template/parse", "time",
	"unicode/utf8",
}

// stdPatterns returns the patterns of a standard library test: all of
// std, or sample under -short or the race detector unless stdEnv is set.
func stdPatterns(t *testing.T, sample []string) []string {
	if os.Getenv(stdEnv) == "1" || !testing.Short() && !raceEnabled {
		return []string{"std"}
	}
	t.Logf("a sample of %d standard packages under -short or -race; %s=1 takes all of std", len(sample), stdEnv)
	return sample
}

func TestRoundTripStd(t *testing.T) {
	pkgs, err := load(Config{Dir: ".", Patterns: stdPatterns(t, stdSample)})
	if err != nil {
		t.Fatal(err)
	}
	ix := newExportIndex(pkgs[0].Dir, pkgs)
	// The go command fills in ix as a cgo package's imports are found, so
	// the packages checked in parallel take turns with it.
	var ixMu sync.Mutex
	cgoSrc := func(pkg *packages.Package) (*packages.Package, error) {
		ixMu.Lock()
		defer ixMu.Unlock()
		return cgoSource(ix, pkg)
	}

	// Round-trip the packages in parallel; each has a decorator of its own.
	type result struct {
		pkg            string
		files, skipped int
		problems       []string
	}
	results := make([]result, len(pkgs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, pkg := range pkgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			files, skipped, problems := roundTripPackage(cgoSrc, pkg)
			results[i] = result{pkg.PkgPath, files, skipped, problems}
		}()
	}
	wg.Wait()

	total, skipped := 0, 0
	for _, r := range results {
		total += r.files
		skipped += r.skipped
		for _, p := range r.problems {
			t.Errorf("%s: %s", r.pkg, p)
		}
	}
	t.Logf("%d packages, %d files restored, %d that import a package twice left out", len(pkgs), total, skipped)
	if total == 0 {
		t.Fatal("no file was restored")
	}
}

// roundTripPackage decorates and restores every file of pkg and returns
// how many it restored, how many it left out because apply would not
// print them, and how each one that differs from its source differs.
// cgoSrc reads the original files of a cgo package.
func roundTripPackage(cgoSrc func(*packages.Package) (*packages.Package, error), pkg *packages.Package) (restored, skipped int, problems []string) {
	if pkg.Types == nil || len(pkg.Syntax) == 0 {
		return 0, 0, nil
	}
	if usesCgo(pkg) {
		src, err := cgoSrc(pkg)
		if err != nil {
			return 0, 0, []string{fmt.Sprintf("original files of the cgo package: %v", err)}
		}
		pkg = src
	}
	x := newPkgIndex(pkg)
	e, err := newEditor(x)
	if err != nil {
		return 0, 0, []string{err.Error()}
	}
	resolver := importResolver(x)
	for af, df := range e.files {
		name := x.fset.File(af.FileStart).Name()
		if duplicateImport(af) != "" {
			skipped++ // apply refuses to print such a file; see duplicateImport
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		got, err := restore(x, resolver, df)
		restored++
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("restore %s: %v", name, err))
		case !bytes.Equal(got, want):
			problems = append(problems, fmt.Sprintf("%s does not round-trip:\n%s", name, goldenDiff(want, got)))
		}
	}
	sort.Strings(problems)
	return restored, skipped, problems
}
