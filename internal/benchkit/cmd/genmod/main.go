// Command genmod writes a Go module full of worker shapes, for measuring
// migrate check and migrate rewrite on a tree of known size:
//
//	genmod -o DIR (-packages N | -lines N) [-blocks 5] [-module example.com/gen]
//
// It prints what it wrote: packages, files, lines and the packages of each
// kind and worker shape. See package genmod for what the module holds.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/procmigrate/procmigrate/internal/benchkit/genmod"
)

func main() {
	out := flag.String("o", "", "write the module into `dir`, which must not exist or be empty")
	cfg := genmod.Config{}
	flag.IntVar(&cfg.Packages, "packages", 0, "number of packages")
	flag.IntVar(&cfg.Lines, "lines", 0, "size of the module in lines, instead of -packages")
	flag.IntVar(&cfg.Blocks, "blocks", 5, "blocks of ordinary code per package, about 60 lines each")
	flag.StringVar(&cfg.Module, "module", "example.com/gen", "module path")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || (cfg.Packages > 0) == (cfg.Lines > 0) {
		fmt.Fprintln(os.Stderr, "usage: genmod -o dir (-packages n | -lines n) [-blocks n] [-module path]")
		os.Exit(2)
	}
	st, err := genmod.Generate(*out, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "genmod: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d packages, %d files, %d lines", st.Packages, st.Files, st.Lines)
	for _, k := range []genmod.Kind{genmod.Lib, genmod.OSFile, genmod.Conc, genmod.Worker} {
		fmt.Printf(", %d %s", st.Kinds[k], k)
	}
	var shapes []string
	for s := range st.Shapes {
		shapes = append(shapes, s)
	}
	sort.Strings(shapes)
	fmt.Print(" (")
	for i, s := range shapes {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%d %s", st.Shapes[s], s)
	}
	fmt.Println(")")
}
