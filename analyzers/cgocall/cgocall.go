package cgocall

import (
	_ "embed"
	"fmt"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/procmigrate/procmigrate/analyzers/internal/analyzerdoc"
	"github.com/procmigrate/procmigrate/analyzers/internal/nolint"
	"github.com/procmigrate/procmigrate/analyzers/workers"
)

//go:embed doc.go
var doc string

// category is the diagnostic category of every report.
const category = "cgo"

// Analyzer reports calls into C that are unsafe to make from several
// threads at once and that concurrent code, or worker code about to
// become concurrent, makes.
var Analyzer = &analysis.Analyzer{
	Name:     "cgocall",
	Doc:      analyzerdoc.MustSection(doc, "cgocall"),
	URL:      "https://github.com/procmigrate/procmigrate/blob/main/docs/analyzers.md#cgocall",
	Requires: []*analysis.Analyzer{workers.Analyzer},
	Run:      nolint.Run(run),
}

// cgoPass is the state of one run of the analyzer on a package.
type cgoPass struct {
	pass    *analysis.Pass
	inspect *inspector.Inspector
	calls   *workers.Calls
	files   []*cgoFile
	code    *cCode
	libs    *libSet // libraries other than libc the C code uses
	sites   []*site // the C calls of worker and goroutine code
}

// finding is one diagnostic before it is reported.
type finding struct {
	site    *site
	message string
	lock    lock    // the lock that can serialize its calls; zero if none can
	covers  []*site // the calls its fix must change: site, and for a strtok loop or a library the others
	also    string  // what the other calls are, for the related information
	fix     *analysis.SuggestedFix
}

// lock is a mutex that serializes the calls into one body of C code.
type lock struct {
	key  string // base of the variable's name
	what string // what it serializes, for the fix title: "libc", "libfoo"
}

// The locks of libc and of the package's own C code.
var (
	libcLock = lock{key: "libc", what: "libc"}
	cgoLock  = lock{key: "cgo", what: "the package's C code"}
)

func run(pass *analysis.Pass) (any, error) {
	if !imports(pass.Pkg, "runtime/cgo") {
		return nil, nil // no import "C"
	}
	model := pass.ResultOf[workers.Analyzer].(*workers.Model)
	entries := workers.Entries(model, pass.Files, pass.TypesInfo)
	if len(entries) == 0 {
		return nil, nil // nothing runs concurrently
	}
	a := newCgoPass(pass)

	// Find the calls, decide which are unsafe, fix what can be fixed.
	a.sites = a.findSites(entries)
	findings := a.classify(a.sites)
	a.planFixes(findings)

	// Report.
	for _, f := range findings {
		d := analysis.Diagnostic{
			Pos:      f.site.pos,
			End:      f.site.end,
			Category: category,
			Message:  f.message,
		}
		for _, s := range f.covers[1:] {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: s.pos, Message: f.also})
		}
		if f.fix != nil {
			d.SuggestedFixes = []analysis.SuggestedFix{*f.fix}
		}
		pass.Report(d)
	}
	return nil, nil
}

// newCgoPass reads the package's C code and files as written.
func newCgoPass(pass *analysis.Pass) *cgoPass {
	files, code := loadCgoFiles(pass)
	return &cgoPass{
		pass: pass,
		// Built here rather than required from inspect.Analyzer: nearly
		// every package bails out before, and a required inspector would be
		// built for each of them and kept by the driver until the end of the
		// run, a quarter of migrate check's live heap on std.
		inspect: inspector.New(pass.Files),
		calls:   workers.NewCalls(pass.Files, pass.TypesInfo),
		files:   files,
		code:    code,
		libs:    newLibSet(code.units, packageDir(files)),
	}
}

// classify returns a finding for each unsafe call of sites: a call of a C
// function of the package that keeps state, of a libc function POSIX does
// not require to be thread-safe, and, in worker code, one finding for the
// calls into the other libraries the package uses.
func (a *cgoPass) classify(sites []*site) []*finding {
	var (
		findings []*finding
		folded   = make(map[*site]bool) // continuations of a strtok loop
		library  = make(map[string][]*site)
		libOrder []string // libraries in the order of their first call
	)
	for _, s := range sites {
		if folded[s] {
			continue
		}
		if f, ok := a.codeFinding(s); ok {
			if f != nil {
				findings = append(findings, f)
			}
			continue
		}
		if f, ok := a.libcFinding(s); ok {
			if f != nil {
				for _, c := range f.covers[1:] {
					folded[c] = true
				}
				findings = append(findings, f)
			}
			continue
		}
		if a.isLibraryCall(s) {
			lib := a.libs.of(s.name) // "" when it cannot be told
			if library[lib] == nil {
				libOrder = append(libOrder, lib)
			}
			library[lib] = append(library[lib], s)
		}
	}
	for _, lib := range libOrder {
		findings = append(findings, a.libraryFinding(lib, library[lib]))
	}
	return findings
}

// codeFinding reports a call of a function defined in the package's C
// code that keeps state. It returns false if s calls no such function, and
// a nil finding if the function keeps no state, whatever its name.
//
//	C.next_id()   // static int next_id(void) { return ++counter; }
func (a *cgoPass) codeFinding(s *site) (*finding, bool) {
	u, fn := a.code.lookup(s.file.unit, s.name)
	if fn == nil {
		return nil, false
	}
	h := a.code.hazard(u, fn)
	if h == nil {
		return nil, true
	}
	where := "preamble definition"
	if !u.preamble {
		where = "definition in " + u.name
	}
	l := cgoLock
	if h.libc {
		l = libcLock
	}
	return &finding{
		site:    s,
		message: fmt.Sprintf("%s calls C.%s, whose %s %s", a.who(s.entry), s.name, where, h.reason),
		lock:    l,
		covers:  []*site{s},
	}, true
}

// libcFinding reports a call of a libc function that POSIX does not
// require to be thread-safe. It returns false if s calls no such
// function, and a nil finding if it does in a way that is safe.
//
//	C.strtok(s, sep)   // use strtok_r
func (a *cgoPass) libcFinding(s *site) (*finding, bool) {
	f, ok := libc[s.name]
	if !ok {
		return nil, false
	}
	call := fmt.Sprintf("C.%s", s.name)
	if f.nullArg >= 0 {
		if !a.nilArg(s, f.nullArg) {
			return nil, true
		}
		call += " with a nil argument"
	}
	msg := fmt.Sprintf("%s calls %s, which %s", a.who(s.entry), call, posixPhrase(f))
	if f.alt != "" {
		msg += "; use " + f.alt
	}
	fd := &finding{site: s, message: msg, covers: []*site{s}}
	if f.state == stateResult || f.state == stateCall {
		fd.lock = libcLock
	}
	if s.name == "strtok" {
		if next := a.strtokContinuation(s); next != nil {
			fd.covers = append(fd.covers, next)
			fd.also = "the loop continues the tokenization here"
		}
	}
	return fd, true
}

// isLibraryCall reports whether s, in worker code, calls a function of a
// library other than libc that the package uses.
func (a *cgoPass) isLibraryCall(s *site) bool {
	return s.entry.Kind == workers.WorkerEntry && len(a.libs.names) > 0 && !libcNames[s.name]
}

// libraryFinding reports the calls into one of the package's other
// libraries from worker code once, at the first: nothing says whether a
// library is thread-safe, and most programs that link one call it in
// many places. lib is "" for the calls that cannot be told apart between
// the libraries, which get no fix: a lock of one library would not keep
// out the calls into the other.
func (a *cgoPass) libraryFinding(lib string, sites []*site) *finding {
	var (
		s     = sites[0]
		what  = lib
		count = ""
	)
	if len(sites) > 1 {
		count = fmt.Sprintf(" (%d calls into it from worker code)", len(sites))
	}
	if lib == "" {
		what = orList(a.libs.names)
		if len(sites) > 1 {
			count = fmt.Sprintf(" (%d such calls from worker code)", len(sites))
		}
		return &finding{
			site: s,
			message: fmt.Sprintf("%s calls C.%s, which no header of %s is found to declare, so which library it is in is not known; it may not be thread-safe once the workers share one process%s",
				a.who(s.entry), s.name, what, count),
			covers: sites,
			also:   "another such call",
		}
	}
	return &finding{
		site: s,
		message: fmt.Sprintf("%s calls C.%s from %s, which may not be thread-safe once the workers share one process%s",
			a.who(s.entry), s.name, lib, count),
		lock:   lock{key: mutexBase(lib), what: lib},
		covers: sites,
		also:   "another call into " + lib,
	}
}

// packageDir returns the directory of the package's files as written.
func packageDir(files []*cgoFile) string {
	if len(files) == 0 {
		return ""
	}
	return filepath.Dir(files[0].name)
}

// imports reports whether pkg imports path directly.
func imports(pkg *types.Package, path string) bool {
	for _, p := range pkg.Imports() {
		if p.Path() == path {
			return true
		}
	}
	return false
}
