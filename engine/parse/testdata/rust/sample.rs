// A golden-test input for the Rust analyzer.
use std::collections::HashMap;
use std::fmt::{self, Display};

/// A point.
pub struct Point {
    x: i32,
    y: i32,
}

pub enum Shape {
    Circle(f64),
    Square(f64),
}

pub trait Area {
    fn area(&self) -> f64;
    fn describe(&self) -> String {
        String::from("shape")
    }
}

type Map = HashMap<String, i32>;

impl Point {
    pub fn new(x: i32, y: i32) -> Self {
        Point { x, y }
    }

    fn quadrant(&self) -> u8 {
        if self.x >= 0 && self.y >= 0 {
            1
        } else if self.x < 0 || self.y < 0 {
            2
        } else {
            3
        }
    }
}

impl Area for Shape {
    fn area(&self) -> f64 {
        match self {
            Shape::Circle(r) => 3.14 * r * r,
            Shape::Square(s) => s * s,
        }
    }
}

impl<T> Display for Wrapper<T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "w")
    }
}

/* block
   comment */
fn main() {
    for i in 0..3 {
        println!("{}", i);
    }
}

mod tests {
    fn helper() {}
}

macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}
