// A golden-test input for the JavaScript analyzer.
import { readFile } from "fs";
const path = require("path");

/**
 * Greeter says hello.
 */
class Greeter {
  constructor(name) {
    this.name = name;
  }

  greet() {
    if (this.name && this.name.length > 0) {
      return `hello ${this.name}`;
    }
    return "hello";
  }
}

function add(a, b) {
  return a + b;
}

function* counter() {
  let i = 0;
  while (true) yield i++;
}

const double = (x) => x * 2;

var legacy = function (x) {
  switch (x) {
    case 1:
      return "one";
    default:
      return x ?? "none";
  }
};

export { Greeter, add };
