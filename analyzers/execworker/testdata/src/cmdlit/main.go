// Command cmdlit resizes images in worker processes that it describes as
// exec.Cmd literals, setting the path, the arguments and the streams in
// one place.
package main

import (
	"fmt"
	"log"
	"os"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "resize":
			if err := resize(os.Stdin, os.Stdout); err != nil {
				log.Fatal(err)
			}
			return
		case "probe":
			fmt.Println("ok")
			return
		}
	}

	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range os.Args[1:] {
		if err := runResizer(exe, name); err != nil {
			log.Fatal(err)
		}
	}
	if err := probe(); err != nil {
		log.Fatal(err)
	}
	if err := convert(os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}
