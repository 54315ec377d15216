// Names the calling thread, so that `top -H`, `ps -L`, perf and gdb tell wharf's threads apart
// ("wharf-loop-0", "sqlite-writer", ...).
#pragma once

#include <string>
#include <string_view>

namespace wharf {

// Linux keeps 15 bytes of a thread's name: a longer `name` is cut to its first 15.
void NameThisThread(std::string_view name);

// The calling thread's name as the kernel has it.
std::string ThisThreadName();

}  // namespace wharf
