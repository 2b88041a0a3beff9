// A golden-test input for the Java analyzer.
package sample;

import java.util.List;
import java.util.*;

/**
 * A shape.
 */
public interface Shape {
    double area();
}

enum Color { RED, GREEN }

record Pair(int a, int b) {}

public class Circle implements Shape {
    private final double r;

    public Circle(double r) {
        this.r = r;
    }

    @Override
    public double area() {
        return r > 0 ? Math.PI * r * r : 0;
    }

    static int count(List<Shape> shapes) {
        int n = 0;
        for (Shape s : shapes) {
            if (s != null && s.area() > 0) {
                n++;
            }
        }
        try {
            n += 0;
        } catch (RuntimeException e) {
            n = -1;
        }
        switch (n) {
            case 0:
                return 0;
            case 1, 2:
                return 1;
            default:
                return n;
        }
    }

    class Inner {
        void run() {}
    }
}
