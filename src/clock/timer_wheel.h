// A hierarchical timing wheel with 1 ms resolution: the data structure behind the Scheduler.
// 11 levels of 64 slots (6 bits each, 66 bits) cover every int64 time, so there is no overflow
// list. A timer sits at the level of the highest bit in which its due time differs from now, in
// the slot given by its due time's bits at that level; reaching a slot's start time cascades it
// one or more levels down. Occupancy bitmaps make "next non-empty slot" O(levels), so idle
// stretches of any length are skipped in one step.
//
// Schedule and Cancel are O(1) (intrusive doubly-linked lists over a chunked slab of nodes,
// ids carry a generation so stale ids are rejected). Memory: BytesPerTimer() bytes per pending
// timer (56 on 64-bit libstdc++), plus whatever the std::function allocates for captures larger
// than 16 bytes. Slab memory is reused, never returned.
//
// Not thread-safe: the Scheduler guards it with a mutex.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "wharf/clock/scheduler.h"

namespace wharf {

class TimerWheel {
 public:
  // `now_ms` is the wheel's time: every timer due at or before it counts as due.
  explicit TimerWheel(int64_t now_ms);
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;

  // Adds a timer; never returns 0. A due time <= now_ms() is due at once (PopDue returns it).
  TimerId Schedule(int64_t due_ms, std::function<void()> fn);
  // Removes a pending timer and, if `removed` is given, moves its callback there (so the caller
  // can destroy it outside its lock). Returns false if `id` is not pending (fired, cancelled,
  // never issued).
  bool Cancel(TimerId id, std::function<void()>* removed = nullptr);
  // Moves time to `now_ms` (never backwards: an earlier time is ignored), making every timer due
  // at or before it due. Due timers stay pending (cancellable) until PopDue hands them out.
  void Advance(int64_t now_ms);
  // Removes the first due timer and moves its callback to `fn`; false when none is due. Timers
  // come out in due-time order (timers scheduled already due: in scheduling order, before
  // those that became due later); equal due times in scheduling order.
  bool PopDue(std::function<void()>* fn);
  // The earliest time at which Advance has work: now_ms() when something is already due,
  // otherwise the due time of the next level-0 slot or the start of the next coarser slot to
  // cascade (never later than the next due timer). nullopt when no timer is pending.
  std::optional<int64_t> NextEventMs() const;

  size_t size() const { return size_; }  // pending timers, including due ones not yet popped
  int64_t now_ms() const;
  static constexpr size_t BytesPerTimer() { return sizeof(Node); }

 private:
  static constexpr int kBitsPerLevel = 6;
  static constexpr int kSlots = 64;
  static constexpr int kLevels = 11;
  static constexpr uint32_t kNil = UINT32_MAX;
  static constexpr uint16_t kDueList = kLevels * kSlots;  // timers already due
  static constexpr uint16_t kUnlinked = UINT16_MAX;
  static constexpr uint32_t kChunkBits = 12;  // 4096 nodes per slab chunk

  struct Node {
    uint64_t due;  // biased: order-preserving map of int64 onto uint64
    uint32_t prev;
    uint32_t next;  // also the free-list link
    uint32_t generation;
    uint16_t list;  // level * 64 + slot, kDueList, or kUnlinked
    std::function<void()> fn;
  };
  struct List {
    uint32_t head = kNil;
    uint32_t tail = kNil;
  };

  Node& At(uint32_t index) {
    return chunks_[index >> kChunkBits][index & ((1u << kChunkBits) - 1)];
  }
  uint32_t Allocate();
  void Release(uint32_t index);
  void Place(uint32_t index);  // links into the list its due time and now_ call for
  void PushBack(uint16_t list, uint32_t index);
  void Unlink(uint32_t index);
  void MoveToDue(uint16_t list);  // appends a whole slot list to the due list
  // The lowest non-empty level and its event time (biased); false when the wheel is empty.
  bool NextEvent(int* level, uint64_t* time) const;

  uint64_t now_;  // biased
  std::vector<std::unique_ptr<Node[]>> chunks_;
  uint32_t allocated_ = 0;  // nodes ever handed out of the chunks
  uint32_t free_head_ = kNil;
  size_t size_ = 0;
  std::array<List, kLevels * kSlots + 1> lists_;
  std::array<uint64_t, kLevels> occupied_{};  // bit s of level L: slot s is non-empty
};

}  // namespace wharf
