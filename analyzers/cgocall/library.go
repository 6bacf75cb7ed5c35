package cgocall

import (
	"path/filepath"
	"slices"
	"strings"
)

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
	var linked, headers []string
	add := func(list *[]string, name string) {
		if name != "" && !slices.Contains(*list, name) {
			*list = append(*list, name)
		}
	}
	for _, u := range units {
		for _, d := range u.directives {
			switch kind, args := cgoDirective(d); kind {
			case "LDFLAGS":
				for i, arg := range args {
					add(&linked, ldflagLib(arg, args[min(i+1, len(args)-1)]))
				}
			case "pkg-config":
				for _, arg := range args {
					if !strings.HasPrefix(arg, "-") {
						add(&linked, arg)
					}
				}
			case "include":
				if len(args) == 1 && !isStdHeader(args[0]) {
					add(&headers, args[0])
				}
			}
		}
	}
	if len(linked) > 0 {
		return linked
	}
	return headers
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
