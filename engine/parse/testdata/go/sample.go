// Package sample is a golden-test input for the Go analyzer.
package sample

import (
	"fmt"
	str "strings"
)

/*
A block comment
over three lines.
*/

// Shape is an interface.
type Shape interface {
	Area() float64
}

type Point struct {
	X, Y int
}

type Celsius float64

type Alias = Point

type List[T any] struct{ items []T }

func New(x, y int) *Point { return &Point{X: x, Y: y} }

// Dist has a pointer receiver and branches.
func (p *Point) Dist(q Point) int {
	d := 0
	if p.X > q.X && p.Y > q.Y {
		d = 1
	} else if p.X < q.X || p.Y < q.Y {
		d = 2
	}
	for i := 0; i < 3; i++ {
		switch i {
		case 0:
			d++
		case 1, 2:
			d--
		default:
		}
	}
	return d // trailing comment
}

func (l List[T]) Len() int { return len(l.items) }

func main() {
	f := func(s string) bool {
		if s == "" {
			return false
		}
		return true
	}
	fmt.Println(f(str.ToUpper("x")))
}
