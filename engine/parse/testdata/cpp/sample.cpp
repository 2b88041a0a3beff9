// A golden-test input for the C++ analyzer.
#include <vector>
#include "widget.hpp"

namespace app {

class Widget {
public:
	Widget() {}
	int size() const { return n_ > 0 ? n_ : 0; }
	void grow(int by);

private:
	int n_ = 0;
};

struct Pair {
	int a, b;
	int sum() { return a + b; }
};

enum class Mode { On, Off };

using Ints = std::vector<int>;

void Widget::grow(int by)
{
	if (by > 0 || by < -1) {
		n_ += by;
	}
	for (int x : Ints{1, 2}) {
		n_ += x;
	}
	try {
		n_++;
	} catch (...) {
	}
}

template <typename T>
T max_of(T a, T b)
{
	return a > b ? a : b;
}

} // namespace app

int main()
{
	app::Widget w;
	return w.size();
}
