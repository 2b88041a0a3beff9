// Input for TestJavaMatchesReference and FuzzJava: Java whose definitions
// hide where a shallow scan must look deep (local, anonymous and enum
// constant classes, lambdas, initializers, string interpolations) and whose
// tokens the lexer must read as tree-sitter-java does (text blocks, their
// comments, wildcards against conditions, switch patterns).
package sample.nested;

import java.util.*;
import java.util.function.Supplier;
import static java.util.Objects.requireNonNull;

@FunctionalInterface
interface Visitor<T> {
    T visit(Object o);

    default Visitor<T> orElse(Visitor<? extends T> other) {
        return o -> { T t = visit(o); return t != null ? t : other.visit(o); };
    }
}

@interface Tag {
    String value() default "";
    Class<?>[] types() default {};
}

public class Nested<K extends Comparable<? super K>, V> extends AbstractMap<K, V> {
    private static final Comparator<String> BY_LENGTH = new Comparator<String>() {
        @Override
        public int compare(String a, String b) {
            return a.length() == b.length() ? a.compareTo(b) : a.length() - b.length();
        }
    };

    private final Map<K, List<? extends V>> map = new HashMap<>();
    private final Supplier<Runnable> factory = () -> new Runnable() {
        public void run() {
            if (map.isEmpty() && BY_LENGTH != null || map.size() > 1) {
                System.out.println("empty");
            }
        }
    };

    static {
        Thread t = new Thread() {
            @Override
            public void run() {
                for (int i = 0; i < 3; i++) {
                    Thread.yield();
                }
            }
        };
        t.setDaemon(true);
    }

    {
        class InitHelper {
            int twice(int x) { return x * 2; }
        }
        new InitHelper().twice(1);
    }

    public Nested() {
        super();
        Object lock = new Object() {
            @Override
            public String toString() {
                return "lock";
            }
        };
        requireNonNull(lock);
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        record Pair<A, B>(A first, B second) implements Comparable<Pair<A, B>> {
            Pair {
                if (first == null) {
                    throw new IllegalArgumentException();
                }
            }

            public int compareTo(Pair<A, B> o) {
                return 0;
            }
        }
        enum Mode { FAST, SLOW { @Override boolean slow() { return true; } }; boolean slow() { return false; } }
        interface Local { void call(); }
        Local l = () -> {
            class InLambda {
                void deep() {
                    Runnable r = new Runnable() { public void run() { while (false) {} } };
                }
            }
        };
        return Collections.emptySet();
    }

    String describe(Object o) {
        return switch (o) {
            case Integer i when i > 0 && i < 10 -> "small";
            case Integer i -> "int";
            case String s -> {
                String t = """
                    a "text" block \""" with // no comment here
                    \{s.isEmpty() ? "e" : "f"}
                    """;
                yield t;
            }
            case null, default -> "other";
        };
    }

    int count(List<?> xs, Class<? super Integer> c) {
        int n = 0;
        try {
            for (Object x : xs) {
                n += x instanceof Number num && num.intValue() > 0 ? 1 : 0;
            }
        } catch (ClassCastException | IllegalStateException e) {
            n = -1;
        } finally {
            n++;
        }
        do {
            n--;
        } while (n > 10);
        Class<?> k = Nested.class;
        return n;
    }

    enum Op {
        ADD("+") {
            int apply(int a, int b) { return a + b; }
        },
        NEG("-") {
            int apply(int a, int b) { return b == 0 ? -a : a - b; }
        };

        private final String symbol;

        Op(String symbol) { this.symbol = symbol; }

        abstract int apply(int a, int b);
    }

    static class Inner implements Visitor<String> {
        public String visit(Object o) {
            return new Object() {
                String name() { return String.valueOf(o); }
            }.name();
        }
    }
}
