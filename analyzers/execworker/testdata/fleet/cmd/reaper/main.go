// Command reaper removes old files of the fleet.
package main

import (
	"flag"
	"fmt"
	"time"
)

func main() {
	older := flag.Duration("older", time.Hour, "remove files older than this")
	flag.Parse()
	fmt.Println("reaping files older than", *older)
}
