// Package prometheus is a stand-in for the Prometheus client with the few
// names the tests use.
package prometheus

type Collector interface{ Describe() }

type Counter interface {
	Collector
	Inc()
}

type CounterOpts struct{ Name string }

type Registry struct{}

func NewRegistry() *Registry                  { return &Registry{} }
func (r *Registry) MustRegister(...Collector) {}
func MustRegister(...Collector)               {}
func NewCounter(opts CounterOpts) Counter     { return nil }
