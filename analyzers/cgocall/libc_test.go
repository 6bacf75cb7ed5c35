package cgocall

import (
	"sort"
	"strings"
	"testing"
)

// posix2017 is the list of POSIX.1-2017 (XSH 2.9.1 Thread-Safety) of the
// functions that need not be thread-safe, each with the reentrant or safe
// alternative the table must name, or "" where POSIX has none.
var posix2017 = map[string]string{
	"asctime": "asctime_r", "basename": "", "catgets": "", "crypt": "",
	"ctime": "ctime_r", "dbm_clearerr": "", "dbm_close": "", "dbm_delete": "",
	"dbm_error": "", "dbm_fetch": "", "dbm_firstkey": "", "dbm_nextkey": "",
	"dbm_open": "", "dbm_store": "", "dirname": "", "dlerror": "",
	"drand48": "erand48", "encrypt": "", "endgrent": "", "endpwent": "",
	"endutxent": "", "ftw": "", "getc_unlocked": "getc",
	"getchar_unlocked": "getchar", "getdate": "", "getenv": "",
	"getgrent": "", "getgrgid": "getgrgid_r", "getgrnam": "getgrnam_r",
	"gethostent": "", "getlogin": "getlogin_r", "getnetbyaddr": "",
	"getnetbyname": "", "getnetent": "", "getopt": "", "getprotobyname": "",
	"getprotobynumber": "", "getprotoent": "", "getpwent": "",
	"getpwnam": "getpwnam_r", "getpwuid": "getpwuid_r", "getservbyname": "",
	"getservbyport": "", "getservent": "", "getutxent": "", "getutxid": "",
	"getutxline": "", "gmtime": "gmtime_r", "hcreate": "", "hdestroy": "",
	"hsearch": "", "inet_ntoa": "inet_ntop", "l64a": "", "lgamma": "",
	"lgammaf": "", "lgammal": "", "localeconv": "", "localtime": "localtime_r",
	"lrand48": "nrand48", "mblen": "mbrlen", "mbtowc": "mbrtowc",
	"mrand48": "jrand48", "nftw": "", "nl_langinfo": "nl_langinfo_l",
	"ptsname": "", "putc_unlocked": "putc", "putchar_unlocked": "putchar",
	"putenv": "", "pututxline": "", "rand": "rand_r", "readdir": "",
	"setenv": "", "setgrent": "", "setkey": "", "setlocale": "uselocale",
	"setpwent": "", "setutxent": "", "strerror": "strerror_r",
	"strsignal": "", "strtok": "strtok_r", "system": "", "ttyname": "ttyname_r",
	"unsetenv": "", "wcstombs": "wcsrtombs", "wctomb": "wcrtomb",
}

// posix2017Null are the functions whose own pages let them be unsafe with
// a NULL argument only, with that argument.
var posix2017Null = map[string]int{
	"ctermid": 0, "tmpnam": 0, "mbrlen": 2, "mbrtowc": 3, "mbsnrtowcs": 4,
	"mbsrtowcs": 3, "wcrtomb": 2, "wcsnrtombs": 4, "wcsrtombs": 3,
}

// posix2001Removed are in POSIX.1-2001's list and no longer in POSIX.
var posix2001Removed = []string{"ecvt", "fcvt", "gcvt", "gethostbyaddr", "gethostbyname"}

// TestLibcTable pins the table of libc functions that are not thread-safe
// to the list of the standard: every function is in it, always unsafe,
// with the alternative named; the NULL-argument exceptions and the removed
// functions are marked so; nothing else is in it; and none of them is on
// the list of thread-safe functions.
func TestLibcTable(t *testing.T) {
	for name, alt := range posix2017 {
		f, ok := libc[name]
		switch {
		case !ok:
			t.Errorf("%s: missing from the table", name)
			continue
		case f.nullArg != -1 || f.removed:
			t.Errorf("%s: nullArg %d, removed %v; want always unsafe and in POSIX", name, f.nullArg, f.removed)
		case alt != "" && !strings.HasPrefix(f.alt, alt):
			t.Errorf("%s: alternative %q, want %s", name, f.alt, alt)
		}
	}
	for name, arg := range posix2017Null {
		if f, ok := libc[name]; !ok || f.nullArg != arg {
			t.Errorf("%s: in table %v with nullArg %d, want %d", name, ok, f.nullArg, arg)
		}
	}
	for _, name := range posix2001Removed {
		if f, ok := libc[name]; !ok || !f.removed {
			t.Errorf("%s: in table %v, removed %v; want both", name, ok, f.removed)
		}
	}
	var extra []string
	for name := range libc {
		_, inList := posix2017[name]
		_, inNull := posix2017Null[name]
		if !inList && !inNull && !libc[name].removed {
			extra = append(extra, name)
		}
		if libcNames[name] {
			t.Errorf("%s: both unsafe and on the list of thread-safe functions", name)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("in the table but not in POSIX's list: %s", strings.Join(extra, " "))
	}
}

// TestLibraryOf checks the attribution of C functions to libraries by the
// headers that declare them, as real headers do, through macros.
func TestLibraryOf(t *testing.T) {
	l := &libSet{
		names:  []string{"libz", "libbz2"},
		linked: true,
		headers: []header{
			{"zlib.h", "ZEXTERN int ZEXPORT deflate OF((z_streamp strm, int flush));\nZEXTERN int ZEXPORT deflateEnd OF((z_streamp strm));"},
			{"bzlib.h", "BZ_EXTERN int BZ_API(BZ2_bzCompress) (\n bz_stream* strm, int action );"},
		},
	}
	for name, want := range map[string]string{
		"deflate":        "libz",
		"deflateEnd":     "libz",
		"BZ2_bzCompress": "libbz2",
		"deflateInit":    "", // no header names it whole
		"inflate":        "",
	} {
		if got := l.of(name); got != want {
			t.Errorf("of(%s) = %q, want %q", name, got, want)
		}
	}
	headersOnly := &libSet{names: []string{"a.h", "b.h"}, headers: []header{{"a.h", "int a_f(void);"}, {"b.h", "int b_f(void);"}}}
	if got := headersOnly.of("b_f"); got != "b.h" {
		t.Errorf("of(b_f) = %q, want b.h", got)
	}
}
