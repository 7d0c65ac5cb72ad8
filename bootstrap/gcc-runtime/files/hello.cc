// Toolchain check: a C++ program using iostream, exceptions across a thread
// boundary, std::thread, a mutex and the standard containers.
#include <exception>
#include <iostream>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

static int risky(int n)
{
	if (n > 3)
		throw std::runtime_error("too big: " + std::to_string(n));
	return n * n;
}

int main()
{
	std::mutex m;
	std::vector<int> results;
	std::exception_ptr failure;
	std::vector<std::thread> threads;
	for (int i = 1; i <= 4; i++)
		threads.emplace_back([&, i] {
			try {
				int r = risky(i);
				std::lock_guard<std::mutex> g(m);
				results.push_back(r);
			} catch (...) {
				std::lock_guard<std::mutex> g(m);
				failure = std::current_exception();
			}
		});
	for (auto &t : threads)
		t.join();
	int sum = std::accumulate(results.begin(), results.end(), 0);
	try {
		if (failure)
			std::rethrow_exception(failure);
		std::cout << "no exception?" << std::endl;
		return 1;
	} catch (const std::runtime_error &e) {
		std::cout << "hello from C++: sum=" << sum << " caught=\"" << e.what() << "\""
			  << std::endl;
	}
	return sum == 14 ? 0 : 1;
}
