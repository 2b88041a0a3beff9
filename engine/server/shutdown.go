package server

import (
	"fmt"
	"sync"
	"time"
)

// handlerCount counts requests being handled. Unlike a sync.WaitGroup it
// may be waited on while new requests still arrive (keep-alive connections
// finishing during shutdown).
type handlerCount struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to 0; nil while n is 0
}

func (c *handlerCount) add() {
	c.mu.Lock()
	if c.n == 0 {
		c.idle = make(chan struct{})
	}
	c.n++
	c.mu.Unlock()
}

func (c *handlerCount) done() {
	c.mu.Lock()
	c.n--
	if c.n == 0 {
		close(c.idle)
		c.idle = nil
	}
	c.mu.Unlock()
}

// wait returns nil once no request is being handled, or an error naming
// how many still are after d.
func (c *handlerCount) wait(d time.Duration) error {
	c.mu.Lock()
	idle := c.idle
	c.mu.Unlock()
	if idle == nil {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-idle:
		return nil
	case <-t.C:
		c.mu.Lock()
		n := c.n
		c.mu.Unlock()
		return fmt.Errorf("%d requests still running %s", n, d)
	}
}
