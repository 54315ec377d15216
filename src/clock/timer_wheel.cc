#include "clock/timer_wheel.h"

#include <bit>
#include <utility>

namespace wharf {
namespace {

// Flipping the sign bit maps int64 onto uint64 preserving order, so bit arithmetic works for
// any time, including negative ones.
constexpr uint64_t kBias = uint64_t{1} << 63;
uint64_t ToBiased(int64_t ms) { return static_cast<uint64_t>(ms) ^ kBias; }
int64_t FromBiased(uint64_t t) { return static_cast<int64_t>(t ^ kBias); }

// Mask of the bits below level `level` + 1 (all bits for the top level).
uint64_t LowMask(int level) {
  const int bits = 6 * (level + 1);
  return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
}

}  // namespace

TimerWheel::TimerWheel(int64_t now_ms) : now_(ToBiased(now_ms)) {}

int64_t TimerWheel::now_ms() const { return FromBiased(now_); }

uint32_t TimerWheel::Allocate() {
  if (free_head_ != kNil) {
    const uint32_t index = free_head_;
    free_head_ = At(index).next;
    return index;
  }
  if ((allocated_ >> kChunkBits) == chunks_.size()) {
    chunks_.push_back(std::make_unique<Node[]>(size_t{1} << kChunkBits));
  }
  const uint32_t index = allocated_++;
  At(index).generation = 1;
  return index;
}

void TimerWheel::Release(uint32_t index) {
  Node& node = At(index);
  node.list = kUnlinked;
  if (++node.generation == 0) node.generation = 1;
  node.next = free_head_;
  free_head_ = index;
}

void TimerWheel::PushBack(uint16_t list, uint32_t index) {
  Node& node = At(index);
  List& l = lists_[list];
  node.list = list;
  node.prev = l.tail;
  node.next = kNil;
  if (l.tail != kNil) {
    At(l.tail).next = index;
  } else {
    l.head = index;
    if (list != kDueList) occupied_[list / kSlots] |= uint64_t{1} << (list % kSlots);
  }
  l.tail = index;
}

void TimerWheel::Unlink(uint32_t index) {
  Node& node = At(index);
  List& l = lists_[node.list];
  if (node.prev != kNil) {
    At(node.prev).next = node.next;
  } else {
    l.head = node.next;
  }
  if (node.next != kNil) {
    At(node.next).prev = node.prev;
  } else {
    l.tail = node.prev;
  }
  if (l.head == kNil && node.list != kDueList) {
    occupied_[node.list / kSlots] &= ~(uint64_t{1} << (node.list % kSlots));
  }
  node.list = kUnlinked;
}

void TimerWheel::Place(uint32_t index) {
  const uint64_t due = At(index).due;
  if (due <= now_) {
    PushBack(kDueList, index);
    return;
  }
  const int highest_bit = 63 - std::countl_zero(due ^ now_);
  const int level = highest_bit / kBitsPerLevel;
  const int slot = static_cast<int>((due >> (kBitsPerLevel * level)) & (kSlots - 1));
  PushBack(static_cast<uint16_t>(level * kSlots + slot), index);
}

TimerId TimerWheel::Schedule(int64_t due_ms, std::function<void()> fn) {
  const uint32_t index = Allocate();
  Node& node = At(index);
  node.due = ToBiased(due_ms);
  node.fn = std::move(fn);
  Place(index);
  ++size_;
  return (TimerId{node.generation} << 32) | index;
}

bool TimerWheel::Cancel(TimerId id, std::function<void()>* removed) {
  const auto index = static_cast<uint32_t>(id & 0xffffffffu);
  const auto generation = static_cast<uint32_t>(id >> 32);
  if (index >= allocated_) return false;
  Node& node = At(index);
  if (node.generation != generation || node.list == kUnlinked) return false;
  Unlink(index);
  if (removed != nullptr) {
    *removed = std::move(node.fn);
  }
  node.fn = nullptr;
  Release(index);
  --size_;
  return true;
}

void TimerWheel::MoveToDue(uint16_t list) {
  List& from = lists_[list];
  if (from.head == kNil) return;
  for (uint32_t index = from.head; index != kNil; index = At(index).next) At(index).list = kDueList;
  List& due = lists_[kDueList];
  if (due.tail == kNil) {
    due.head = from.head;
  } else {
    At(due.tail).next = from.head;
    At(from.head).prev = due.tail;
  }
  due.tail = from.tail;
  from = List{};
  occupied_[list / kSlots] &= ~(uint64_t{1} << (list % kSlots));
}

bool TimerWheel::PopDue(std::function<void()>* fn) {
  const uint32_t index = lists_[kDueList].head;
  if (index == kNil) return false;
  Unlink(index);
  Node& node = At(index);
  *fn = std::move(node.fn);
  node.fn = nullptr;
  Release(index);
  --size_;
  return true;
}

bool TimerWheel::NextEvent(int* level, uint64_t* time) const {
  for (int l = 0; l < kLevels; ++l) {
    if (occupied_[l] == 0) continue;
    const auto slot = static_cast<uint64_t>(std::countr_zero(occupied_[l]));
    *level = l;
    *time = (now_ & ~LowMask(l)) | (slot << (kBitsPerLevel * l));
    return true;
  }
  return false;
}

std::optional<int64_t> TimerWheel::NextEventMs() const {
  if (lists_[kDueList].head != kNil) return FromBiased(now_);
  int level = 0;
  uint64_t time = 0;
  if (!NextEvent(&level, &time)) return std::nullopt;
  return FromBiased(time);
}

void TimerWheel::Advance(int64_t now_ms) {
  const uint64_t target = ToBiased(now_ms);
  int level = 0;
  uint64_t time = 0;
  // Each step jumps straight to the next non-empty slot: the lowest non-empty level always
  // holds the earliest event, and no other timer changes level or slot on the way there.
  while (NextEvent(&level, &time) && time <= target) {
    now_ = time;
    const int slot = static_cast<int>((time >> (kBitsPerLevel * level)) & (kSlots - 1));
    const auto list = static_cast<uint16_t>(level * kSlots + slot);
    if (level == 0) {
      MoveToDue(list);
      continue;
    }
    // Cascade: every timer of the slot moves to a finer level (or is due now).
    uint32_t index = lists_[list].head;
    lists_[list] = List{};
    occupied_[level] &= ~(uint64_t{1} << slot);
    while (index != kNil) {
      const uint32_t next = At(index).next;
      Place(index);
      index = next;
    }
  }
  if (target > now_) now_ = target;
}

}  // namespace wharf
