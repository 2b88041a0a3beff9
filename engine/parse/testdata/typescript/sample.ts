// A golden-test input for the TypeScript analyzer.
import { EventEmitter } from "events";
import fs = require("fs");

export interface Shape {
  area(): number;
}

type ID = string | number;

enum Direction {
  Up,
  Down,
}

abstract class Base {
  abstract name(): string;
}

export class Circle extends Base implements Shape {
  constructor(private r: number) {
    super();
  }

  area(): number {
    return this.r > 0 ? Math.PI * this.r * this.r : 0;
  }

  name(): string {
    return "circle";
  }
}

export function largest(shapes: Shape[]): Shape | undefined {
  let best: Shape | undefined;
  for (const s of shapes) {
    if (!best || s.area() > best.area()) {
      best = s;
    }
  }
  return best;
}

const area = (s: Shape): number => s.area();
