package lib

import (
	"fmt"
	"os"
	"os/signal"
)

// Server stops on an interrupt.
type Server struct{ addr string }

// Serve reaches two kinds at once.
func (s *Server) Serve() { // want Serve:`^reaches signals: signal\.Notify at example\.com/app/lib/server\.go:15; stdio: fmt\.Println at example\.com/app/lib/server\.go:19 via lib\.announce$`
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	announce(s.addr)
}

func announce(addr string) { fmt.Println("serving on", addr) }

// Addr touches nothing process-wide.
func (s Server) Addr() string { return s.addr }
