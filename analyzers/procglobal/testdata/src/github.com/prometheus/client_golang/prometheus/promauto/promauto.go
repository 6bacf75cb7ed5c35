// Package promauto is a stand-in for the Prometheus client's promauto.
package promauto

import "github.com/prometheus/client_golang/prometheus"

type Factory struct{ r *prometheus.Registry }

func With(r *prometheus.Registry) Factory                                   { return Factory{r} }
func (f Factory) NewCounter(opts prometheus.CounterOpts) prometheus.Counter { return nil }
func NewCounter(opts prometheus.CounterOpts) prometheus.Counter             { return nil }
