package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNearest(t *testing.T) {
	cands := []string{"startup.serve", "memory.idle_rss", "go-stdlib"}
	assert.Equal(t, "startup.serve", Nearest("startup.serv", cands))
	assert.Equal(t, "go-stdlib", Nearest("go-stdlb", cands))
	assert.Equal(t, "", Nearest("completely-different", cands))
	assert.Equal(t, 3, editDistance("kitten", "sitting"))
}
