package fakeserver

import "time"

// An Option configures a Server at creation.
type Option func(*config)

type config struct {
	latency time.Duration
	jitter  time.Duration
	seed    uint64
	faults  []Fault
}

// DefaultLatency is the latency of a server made without WithLatency: slow
// enough that waiting dominates, as it did for the real sites, and short
// enough that 160 sequential requests take a few seconds.
const DefaultLatency = 20 * time.Millisecond

func defaultConfig() config {
	return config{latency: DefaultLatency, seed: 1}
}

// WithLatency sets how long the server waits before answering each request.
// Zero answers at once; a negative latency is treated as zero.
func WithLatency(d time.Duration) Option {
	return func(c *config) { c.latency = max(d, 0) }
}

// WithJitter adds to each request's latency a pseudo-random extra in
// [0, spread), drawn from a generator seeded with seed: the same seed gives the
// same extras to the same sequence of requests. Jitter makes requests finish
// in a different order from the one they started in.
func WithJitter(spread time.Duration, seed uint64) Option {
	return func(c *config) { c.jitter, c.seed = max(spread, 0), seed }
}

// WithFaults adds faults, in order of precedence (see Fault).
func WithFaults(faults ...Fault) Option {
	return func(c *config) { c.faults = append(c.faults, faults...) }
}
