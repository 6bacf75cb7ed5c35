package cgocall

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// libSet is the libraries other than libc that the package's C code uses,
// and the headers of theirs the preambles include, read to tell which
// library a C function belongs to.
type libSet struct {
	names   []string // as libraries returns them
	linked  bool     // names are linked libraries, not headers
	headers []header // the headers outside libc that could be read, in order of inclusion
}

// header is a header a preamble includes, as named and as read.
type header struct {
	name string // as the #include names it: "sqlite3.h"
	text string
}

// newLibSet returns the libraries of units, the C code of the package in
// dir, with the headers their preambles include read where found.
func newLibSet(units []*cUnit, dir string) *libSet {
	l := &libSet{names: libraries(units), linked: len(linkedLibraries(units)) > 0}
	if len(l.names) < 2 {
		return l // every call is into the one library, or into none
	}
	dirs := []string{dir}
	for _, u := range units {
		for _, d := range u.directives {
			if kind, args := cgoDirective(d); kind == "CFLAGS" {
				for i, arg := range args {
					switch {
					case arg == "-I" && i+1 < len(args):
						dirs = append(dirs, srcDir(args[i+1], dir))
					case strings.HasPrefix(arg, "-I") && len(arg) > 2:
						dirs = append(dirs, srcDir(arg[2:], dir))
					}
				}
			}
		}
	}
	// Then where a header included with <> is found.
	//
	// TODO(procmigrate): the compiler's own include directories (gcc's, for
	// omp.h) are not searched; a package that links several libraries and
	// includes a header only found there gets its calls reported as not
	// attributed.
	dirs = append(dirs, "/usr/local/include", "/usr/include")
	for _, u := range units {
		for _, d := range u.directives {
			kind, args := cgoDirective(d)
			if kind != "include" || len(args) != 1 || isStdHeader(args[0]) {
				continue
			}
			for _, dir := range dirs {
				if b, err := os.ReadFile(filepath.Join(dir, args[0])); err == nil {
					l.headers = append(l.headers, header{args[0], string(b)})
					break
				}
			}
		}
	}
	return l
}

// srcDir resolves a directory of a #cgo line against the package's.
func srcDir(d, dir string) string {
	d = strings.ReplaceAll(d, "${SRCDIR}", dir)
	if !filepath.IsAbs(d) {
		d = filepath.Join(dir, d)
	}
	return d
}

// of returns the library the C function name belongs to, or "" when that
// cannot be told: with one library, that one; with several, the library
// of the first header the preambles include that declares name.
//
//	#cgo LDFLAGS: -lsqlite3 -lz
//	#include <sqlite3.h>          // declares sqlite3_open: libsqlite3
//	#include <zlib.h>             // declares deflate: libz
func (l *libSet) of(name string) string {
	if len(l.names) == 1 {
		return l.names[0]
	}
	for _, h := range l.headers {
		if declares(h.text, name) {
			return l.ofHeader(h.name)
		}
	}
	return ""
}

// ofHeader returns the library whose header h is: h itself when the
// libraries are named by their headers, else the linked library whose
// name matches the header's (libsqlite3 and sqlite3.h, libz and zlib.h,
// libbz2 and bzlib.h), or "".
func (l *libSet) ofHeader(h string) string {
	if !l.linked {
		return h
	}
	stem := libStem(strings.TrimSuffix(filepath.Base(h), filepath.Ext(h)))
	for _, lib := range l.names {
		short := libStem(lib)
		if stem != "" && short != "" && (strings.HasPrefix(stem, short) || strings.HasPrefix(short, stem)) {
			return lib
		}
	}
	return ""
}

// libStem reduces the name of a library or header to what the two share:
// its letters, lower case, without "lib": libbz2 and bzlib both give bz.
func libStem(name string) string {
	name = strings.ReplaceAll(strings.ToLower(name), "lib", "")
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r
		}
		return -1
	}, name)
}

// declares reports whether the C text names name as a whole identifier.
// It looks no further than that: headers declare functions through macros
// (ZEXTERN int ZEXPORT deflate OF((...)), BZ_API(BZ2_bzCompress) (...)),
// and a library's header that names a function is where it comes from.
func declares(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		i = end
		if (start == 0 || !isIdentByte(text[start-1])) && (end == len(text) || !isIdentByte(text[end])) {
			return true
		}
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// libraries names the libraries other than the C library that the
// package's C code uses: the -l flags and archives of #cgo LDFLAGS lines
// and the packages of #cgo pkg-config lines, in order of appearance; or,
// when there are none, the headers outside the C and POSIX libraries that
// preambles include, since a library can also be linked by other means.
//
//	#cgo LDFLAGS: -lsqlite3 -L/opt/lib   =>  libsqlite3
//	#cgo pkg-config: libpng              =>  libpng
//	#include "vendor/fastjson.h"         =>  fastjson.h (if nothing is linked)
func libraries(units []*cUnit) []string {
	if linked := linkedLibraries(units); len(linked) > 0 {
		return linked
	}
	var headers []string
	for _, u := range units {
		for _, d := range u.directives {
			if kind, args := cgoDirective(d); kind == "include" && len(args) == 1 && !isStdHeader(args[0]) {
				headers = appendNew(headers, args[0])
			}
		}
	}
	return headers
}

// linkedLibraries returns the libraries of the -l flags and archives of
// #cgo LDFLAGS lines and the packages of #cgo pkg-config lines.
func linkedLibraries(units []*cUnit) []string {
	var linked []string
	for _, u := range units {
		for _, d := range u.directives {
			switch kind, args := cgoDirective(d); kind {
			case "LDFLAGS":
				for i, arg := range args {
					linked = appendNew(linked, ldflagLib(arg, args[min(i+1, len(args)-1)]))
				}
			case "pkg-config":
				for _, arg := range args {
					if !strings.HasPrefix(arg, "-") {
						linked = appendNew(linked, arg)
					}
				}
			}
		}
	}
	return linked
}

// appendNew appends name to list unless it is empty or there already.
func appendNew(list []string, name string) []string {
	if name == "" || slices.Contains(list, name) {
		return list
	}
	return append(list, name)
}

// cgoDirective splits a preprocessor line of a preamble into its kind
// and arguments: LDFLAGS or pkg-config for #cgo lines, whatever their
// build constraints, and include, with the header name unquoted, for
// #include lines. Other lines have the kind "".
func cgoDirective(d string) (kind string, args []string) {
	d = strings.TrimSpace(strings.TrimPrefix(d, "#"))
	switch {
	case strings.HasPrefix(d, "include"):
		h := strings.TrimSpace(strings.TrimPrefix(d, "include"))
		if len(h) > 2 && (h[0] == '<' && h[len(h)-1] == '>' || h[0] == '"' && h[len(h)-1] == '"') {
			return "include", []string{h[1 : len(h)-1]}
		}
	case strings.HasPrefix(d, "cgo"):
		head, rest, ok := strings.Cut(d, ":")
		if !ok {
			return "", nil
		}
		words := strings.Fields(head)
		if len(words) < 2 {
			return "", nil
		}
		return words[len(words)-1], strings.Fields(rest)
	}
	return "", nil
}

// ldflagLib returns the library an LDFLAGS argument links, or "": -lfoo
// and -l foo give libfoo, a path to libfoo.a or libfoo.so gives libfoo.
// Libraries that are parts of the C library give "".
func ldflagLib(arg, next string) string {
	var name string
	switch {
	case arg == "-l":
		if strings.HasPrefix(next, "-") {
			return ""
		}
		name = next
	case strings.HasPrefix(arg, "-l"):
		name = arg[2:]
	case strings.HasPrefix(arg, "-"):
		return ""
	default:
		base := filepath.Base(arg)
		ext := filepath.Ext(base)
		if ext != ".a" && ext != ".so" && !strings.Contains(base, ".so.") {
			return ""
		}
		base, _, _ = strings.Cut(base, ".")
		name = strings.TrimPrefix(base, "lib")
	}
	if name == "" || stdLibs[name] {
		return ""
	}
	return "lib" + name
}

// orList joins names as an English alternative: "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	last := len(names) - 1
	return strings.Join(names[:last], ", ") + " or " + names[last]
}
