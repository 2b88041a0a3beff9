//go:build race

package probe

// raceDetector is true in a test binary built with -race.
const raceDetector = true
