package cgocall

import "strings"

// libcFunc describes a libc function that POSIX does not require to be
// thread-safe (POSIX.1-2017, XSH 2.9.1 Thread-Safety, and the function
// pages that make an exception for NULL arguments).
type libcFunc struct {
	alt      string    // what to use instead: a reentrant variant or advice
	state    libcState // what state makes it unsafe
	nullArg  int       // unsafe only when this argument is NULL; -1: always
	copyable bool      // dereferencing the result copies all that the next call overwrites
	removed  bool      // in the POSIX.1-2001 list, removed from POSIX in 2008; glibc still has it
}

// libcState says what state a libc function keeps, which decides whether
// a lock around each call is enough.
type libcState int

const (
	// stateResult functions return a pointer into static storage that the
	// next call overwrites: a lock held until the result is copied is
	// enough.
	stateResult libcState = iota
	// stateCall functions update hidden state, a seed or a table, on each
	// call: a lock around each call is enough.
	stateCall
	// stateSequence functions keep a position between calls (strtok,
	// getpwent, readdir, getopt): a lock around one call does not keep
	// another thread from moving the position between two calls.
	stateSequence
	// stateProcess functions use state of the whole process that other
	// code, Go's runtime included, also uses (the environment, the working
	// directory, signal dispositions): a lock in one package covers none of
	// that other code.
	stateProcess
)

// libc is every function POSIX.1-2017 section 2.9.1 lists as not required
// to be thread-safe, with the five functions of POSIX.1-2001's list that
// POSIX.1-2008 removed, and the functions whose pages say they need not be
// thread-safe with a NULL argument.
var libc = map[string]libcFunc{
	"asctime":          {alt: "asctime_r", nullArg: -1},
	"basename":         {alt: "filepath.Base in Go, or a copy made under a lock", nullArg: -1},
	"catgets":          {nullArg: -1},
	"crypt":            {alt: "crypt_r", nullArg: -1},
	"ctime":            {alt: "ctime_r", nullArg: -1},
	"dbm_clearerr":     {state: stateCall, nullArg: -1},
	"dbm_close":        {state: stateCall, nullArg: -1},
	"dbm_delete":       {state: stateCall, nullArg: -1},
	"dbm_error":        {state: stateCall, nullArg: -1},
	"dbm_fetch":        {nullArg: -1},
	"dbm_firstkey":     {state: stateSequence, nullArg: -1},
	"dbm_nextkey":      {state: stateSequence, nullArg: -1},
	"dbm_open":         {state: stateCall, nullArg: -1},
	"dbm_store":        {state: stateCall, nullArg: -1},
	"dirname":          {alt: "filepath.Dir in Go, or a copy made under a lock", nullArg: -1},
	"dlerror":          {nullArg: -1},
	"drand48":          {alt: "erand48 with a state per goroutine", state: stateCall, nullArg: -1},
	"ecvt":             {alt: "snprintf", nullArg: -1, removed: true},
	"encrypt":          {state: stateSequence, nullArg: -1},
	"endgrent":         {state: stateSequence, nullArg: -1},
	"endpwent":         {state: stateSequence, nullArg: -1},
	"endutxent":        {state: stateSequence, nullArg: -1},
	"fcvt":             {alt: "snprintf", nullArg: -1, removed: true},
	"ftw":              {alt: "filepath.WalkDir in Go", state: stateProcess, nullArg: -1},
	"gcvt":             {alt: "snprintf", nullArg: -1, removed: true},
	"getc_unlocked":    {alt: "getc, or flockfile around the calls", state: stateCall, nullArg: -1},
	"getchar_unlocked": {alt: "getchar, or flockfile around the calls", state: stateCall, nullArg: -1},
	"getdate":          {nullArg: -1},
	"getenv":           {alt: "os.Getenv, which reads Go's copy of the environment", state: stateProcess, nullArg: -1},
	"getgrent":         {state: stateSequence, nullArg: -1},
	"getgrgid":         {alt: "getgrgid_r", nullArg: -1},
	"getgrnam":         {alt: "getgrnam_r", nullArg: -1},
	"gethostbyaddr":    {alt: "getnameinfo", nullArg: -1, removed: true},
	"gethostbyname":    {alt: "getaddrinfo", nullArg: -1, removed: true},
	"gethostent":       {state: stateSequence, nullArg: -1},
	"getlogin":         {alt: "getlogin_r", nullArg: -1},
	"getnetbyaddr":     {nullArg: -1},
	"getnetbyname":     {nullArg: -1},
	"getnetent":        {state: stateSequence, nullArg: -1},
	"getopt":           {alt: "the flag package", state: stateSequence, nullArg: -1},
	"getprotobyname":   {nullArg: -1},
	"getprotobynumber": {nullArg: -1},
	"getprotoent":      {state: stateSequence, nullArg: -1},
	"getpwent":         {state: stateSequence, nullArg: -1},
	"getpwnam":         {alt: "getpwnam_r", nullArg: -1},
	"getpwuid":         {alt: "getpwuid_r", nullArg: -1},
	"getservbyname":    {nullArg: -1},
	"getservbyport":    {nullArg: -1},
	"getservent":       {state: stateSequence, nullArg: -1},
	"getutxent":        {state: stateSequence, nullArg: -1},
	"getutxid":         {state: stateSequence, nullArg: -1},
	"getutxline":       {state: stateSequence, nullArg: -1},
	"gmtime":           {alt: "gmtime_r", nullArg: -1, copyable: true},
	"hcreate":          {state: stateCall, nullArg: -1},
	"hdestroy":         {state: stateCall, nullArg: -1},
	"hsearch":          {state: stateCall, nullArg: -1},
	"inet_ntoa":        {alt: "inet_ntop", nullArg: -1},
	"l64a":             {nullArg: -1},
	"lgamma":           {alt: "lgamma_r", state: stateCall, nullArg: -1},
	"lgammaf":          {alt: "lgammaf_r", state: stateCall, nullArg: -1},
	"lgammal":          {alt: "lgammal_r", state: stateCall, nullArg: -1},
	"localeconv":       {nullArg: -1},
	"localtime":        {alt: "localtime_r", nullArg: -1, copyable: true},
	"lrand48":          {alt: "nrand48 with a state per goroutine", state: stateCall, nullArg: -1},
	"mblen":            {alt: "mbrlen with a local mbstate_t", state: stateCall, nullArg: -1},
	"mbtowc":           {alt: "mbrtowc with a local mbstate_t", state: stateCall, nullArg: -1},
	"mrand48":          {alt: "jrand48 with a state per goroutine", state: stateCall, nullArg: -1},
	"nftw":             {alt: "filepath.WalkDir in Go", state: stateProcess, nullArg: -1},
	"nl_langinfo":      {alt: "nl_langinfo_l", nullArg: -1},
	"ptsname":          {alt: "ptsname_r", nullArg: -1},
	"putc_unlocked":    {alt: "putc, or flockfile around the calls", state: stateCall, nullArg: -1},
	"putchar_unlocked": {alt: "putchar, or flockfile around the calls", state: stateCall, nullArg: -1},
	"putenv":           {alt: "setting the environment before the workers start", state: stateProcess, nullArg: -1},
	"pututxline":       {state: stateSequence, nullArg: -1},
	"rand":             {alt: "rand_r", state: stateCall, nullArg: -1},
	"readdir":          {alt: "a DIR stream per goroutine (readdir_r is deprecated)", state: stateSequence, nullArg: -1},
	"setenv":           {alt: "setting the environment before the workers start", state: stateProcess, nullArg: -1},
	"setgrent":         {state: stateSequence, nullArg: -1},
	"setkey":           {state: stateSequence, nullArg: -1},
	"setlocale":        {alt: "uselocale with a locale from newlocale, which changes only the calling thread's", state: stateProcess, nullArg: -1},
	"setpwent":         {state: stateSequence, nullArg: -1},
	"setutxent":        {state: stateSequence, nullArg: -1},
	"strerror":         {alt: "strerror_r", nullArg: -1},
	"strsignal":        {nullArg: -1},
	"strtok":           {alt: "strtok_r", state: stateSequence, nullArg: -1},
	"system":           {alt: "os/exec", state: stateProcess, nullArg: -1},
	"ttyname":          {alt: "ttyname_r", nullArg: -1},
	"unsetenv":         {alt: "setting the environment before the workers start", state: stateProcess, nullArg: -1},
	"wcstombs":         {alt: "wcsrtombs with a local mbstate_t", state: stateCall, nullArg: -1},
	"wctomb":           {alt: "wcrtomb with a local mbstate_t", state: stateCall, nullArg: -1},

	// Unsafe only with a NULL argument: the function then uses internal
	// storage or an internal mbstate_t.
	"ctermid":    {alt: "a buffer of L_ctermid bytes", nullArg: 0},
	"tmpnam":     {alt: "mkstemp", nullArg: 0},
	"mbrlen":     {alt: "a local mbstate_t", state: stateCall, nullArg: 2},
	"mbrtowc":    {alt: "a local mbstate_t", state: stateCall, nullArg: 3},
	"mbsnrtowcs": {alt: "a local mbstate_t", state: stateCall, nullArg: 4},
	"mbsrtowcs":  {alt: "a local mbstate_t", state: stateCall, nullArg: 3},
	"wcrtomb":    {alt: "a local mbstate_t", state: stateCall, nullArg: 2},
	"wcsnrtombs": {alt: "a local mbstate_t", state: stateCall, nullArg: 4},
	"wcsrtombs":  {alt: "a local mbstate_t", state: stateCall, nullArg: 3},
}

// libcNames are functions of the C and POSIX libraries that are thread-safe.
// A call to one of them is never attributed to another library the
// preamble links, which would otherwise report C.free or C.strlen as calls
// into that library.
//
// TODO(procmigrate): the list holds the functions cgo code commonly calls,
// not all of POSIX; a libc function missing from it, called from a package
// that also links a library, is reported as a call into that library.
var libcNames = setOf(`
	abort abs atexit atof atoi atol atoll bsearch calloc div exit _Exit free
	labs ldiv llabs lldiv malloc mbstowcs qsort realloc srand
	strtod strtof strtol strtold strtoll strtoul strtoull aligned_alloc
	posix_memalign mkstemp mkdtemp realpath random srandom erand48 nrand48
	jrand48 srand48 seed48 lcong48 rand_r reallocarray arc4random getrandom
	memchr memcmp memcpy memmove memset strcat strchr strcmp strcoll strcpy
	strcspn strlen strncat strncmp strncpy strpbrk strrchr strspn strstr
	strxfrm strdup strndup strnlen stpcpy stpncpy strerror_r strcasecmp
	strncasecmp memccpy strtok_r strsep strlcpy strlcat explicit_bzero
	clearerr fclose feof ferror fflush fgetc fgetpos fgets fopen fprintf fputc
	fputs fread freopen fscanf fseek fseeko fsetpos ftell ftello fwrite getc
	getchar perror printf putc putchar puts remove rename rewind scanf setbuf
	setvbuf snprintf sprintf sscanf tmpfile ungetc vfprintf vprintf vsnprintf
	vsprintf vsscanf fdopen fileno popen pclose getline getdelim dprintf
	fmemopen open_memstream flockfile funlockfile ftrylockfile asprintf
	acos asin atan atan2 ceil cos cosh exp fabs floor fmod frexp ldexp log
	log10 modf pow sin sinh sqrt tan tanh cbrt hypot round trunc lround
	llround nearbyint rint fmin fmax fma expm1 log1p log2 exp2 erf erfc tgamma
	copysign nextafter remainder acosf asinf atanf atan2f ceilf cosf expf
	fabsf floorf fmodf logf log10f powf sinf sqrtf tanf roundf truncf lgamma_r
	clock difftime mktime strftime time nanosleep clock_gettime clock_getres
	gettimeofday tzset asctime_r ctime_r gmtime_r localtime_r strptime timegm
	isalnum isalpha isblank iscntrl isdigit isgraph islower isprint ispunct
	isspace isupper isxdigit tolower toupper
	access alarm chdir chown close dup dup2 execv execve execvp execl _exit fork
	fsync fdatasync ftruncate getcwd getegid geteuid getgid getpid getppid
	getuid isatty link lseek pipe pipe2 read readlink rmdir setsid sleep
	symlink sysconf unlink usleep write pread pwrite getpagesize gethostname
	open openat creat fcntl stat fstat lstat fstatat mkdir chmod fchmod umask
	opendir closedir rewinddir readdir_r fdopendir dirfd
	kill raise signal sigaction sigemptyset sigfillset sigaddset sigdelset
	sigprocmask pthread_sigmask
	pthread_create pthread_join pthread_detach pthread_self pthread_equal
	pthread_mutex_init pthread_mutex_lock pthread_mutex_trylock
	pthread_mutex_unlock pthread_mutex_destroy pthread_once pthread_key_create
	pthread_key_delete pthread_getspecific pthread_setspecific
	pthread_cond_init pthread_cond_wait pthread_cond_signal
	pthread_cond_broadcast pthread_cond_destroy pthread_rwlock_rdlock
	pthread_rwlock_wrlock pthread_rwlock_unlock pthread_attr_init
	socket bind listen accept accept4 connect send recv sendto recvfrom
	sendmsg recvmsg setsockopt getsockopt shutdown getaddrinfo freeaddrinfo
	gai_strerror getnameinfo inet_ntop inet_pton htons htonl ntohs ntohl
	poll select epoll_create1 epoll_ctl epoll_wait
	mmap munmap mprotect msync madvise mlock munlock
	wcslen wcscpy wcsncpy wcscmp wcscat wmemcpy wmemset mbsinit btowc wctob
	newlocale uselocale freelocale duplocale
	dlopen dlsym dlclose dladdr
	getpwnam_r getpwuid_r getgrnam_r getgrgid_r getlogin_r ttyname_r
	ptsname_r crypt_r hcreate_r hsearch_r hdestroy_r
	sysinfo getrlimit setrlimit getrusage uname waitpid wait
	`)

// stdHeaders are the headers of the C and POSIX libraries. A preamble that
// includes only these calls no other library.
var stdHeaders = setOf(`
	assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h
	limits.h locale.h math.h setjmp.h signal.h stdalign.h stdarg.h
	stdatomic.h stdbool.h stddef.h stdint.h stdio.h stdlib.h stdnoreturn.h
	string.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h
	aio.h cpio.h dirent.h dlfcn.h fcntl.h fmtmsg.h fnmatch.h ftw.h glob.h
	grp.h iconv.h langinfo.h libgen.h monetary.h mqueue.h ndbm.h netdb.h
	nl_types.h poll.h pthread.h pwd.h regex.h sched.h search.h semaphore.h
	spawn.h strings.h stropts.h syslog.h tar.h termios.h trace.h ulimit.h
	unistd.h utime.h utmpx.h wordexp.h
	alloca.h crypt.h endian.h err.h error.h execinfo.h features.h getopt.h
	link.h malloc.h paths.h pty.h shadow.h stdio_ext.h sysexits.h utmp.h
	values.h xlocale.h ifaddrs.h
	`)

// stdHeaderDirs hold only headers of the C library and the kernel.
var stdHeaderDirs = []string{"sys/", "arpa/", "net/", "netinet/", "bits/", "linux/", "asm/"}

// stdLibs are the -l libraries that are parts of the C library.
var stdLibs = setOf(`c m pthread dl rt util resolv crypt anl nsl gcc gcc_s`)

// isStdHeader reports whether the #include name h is a header of the C
// and POSIX libraries.
func isStdHeader(h string) bool {
	if stdHeaders[h] {
		return true
	}
	for _, dir := range stdHeaderDirs {
		if strings.HasPrefix(h, dir) {
			return true
		}
	}
	return false
}

// processLibc are the functions of libcNames that are thread-safe but act
// on the whole process: a worker that calls them changed only its own
// process, and no lock or goroutine gives that back.
var processLibc = setOf(`
	abort atexit exit _Exit _exit fork execv execve execvp execl chdir umask
	setsid setrlimit signal sigaction sigprocmask pthread_sigmask kill raise
	alarm dlopen dlclose system
	`)

// ThreadSafe reports whether the C function name is a function of the C
// library that POSIX requires to be thread-safe and that acts on nothing
// of the whole process: goroutines may call it at once, as the threads of
// one process may, with no lock (strlen, free, strtok_r).
func ThreadSafe(name string) bool {
	return libcNames[name] && !processLibc[name]
}
