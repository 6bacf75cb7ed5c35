// Command worker serves one shard of the fleet.
package main

import (
	"flag"
	"fmt"
)

func main() {
	shard := flag.Int("shard", 0, "the shard to serve")
	flag.Parse()
	fmt.Println("serving shard", *shard)
}
