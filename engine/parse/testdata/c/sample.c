/* A golden-test input for the C analyzer. */
#include <stdio.h>
#include "local.h"

struct point {
	int x, y;
};

typedef struct {
	int w;
} size_t2;

union value { int i; float f; };

enum color { RED, GREEN };

static int add(int a, int b)
{
	return a + b;
}

// classify has branches.
const char *classify(int n)
{
	if (n < 0 && n > -10)
		return "small negative";
	for (int i = 0; i < n; i++) {
		switch (i) {
		case 1:
			break;
		case 2:
			continue;
		default:
			break;
		}
	}
	while (n > 100)
		n /= 2;
	return n ? "positive" : "zero";
}

int (*get_handler(void))(int) { return 0; }

int main(void)
{
	printf("%d\n", add(1, 2));
	return 0;
}
