#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace gw::governance {

/// An insert-only concurrent hash map whose look-ups never take a lock: the per-key state store
/// of the limiters, the budget tracker and the metric families.
///
/// Layout: a chain of open-addressing segments, each twice the size of the one before. A slot
/// is claimed with one CAS on its hash tag; the claiming thread then constructs the key and
/// publishes the slot with a release store. Slots are never freed or moved, so a returned
/// `Value&` stays valid for the map's lifetime and look-ups of existing keys are a few atomic
/// loads. When a key's probe window (kMaxProbe slots) in a segment is full, it goes to the next
/// segment, created on demand with a CAS on the `next` pointer (the loser frees its copy).
///
/// Keys are never removed: the maps hold one entry per virtual key or label set, both small and
/// bounded by the configuration. `Value` must be default-constructible and should consist of
/// atomics (its initial state is its default state).
///
/// @par Thread Safety
/// getOrCreate() and find() are safe from any thread concurrently. The only wait is a reader
/// meeting a slot whose key another thread is constructing at that instant (first use of that
/// key); it spins until the key is published.
template <class Key, class Value, class Hash = std::hash<Key>>
class ConcurrentMap {
public:
  explicit ConcurrentMap(std::size_t initial_capacity = 64)
      : head_(new Segment(roundUp(initial_capacity))) {}
  ~ConcurrentMap() {
    Segment* s = head_;
    while (s != nullptr) {
      Segment* next = s->next.load(std::memory_order_acquire);
      delete s;
      s = next;
    }
  }
  ConcurrentMap(const ConcurrentMap&) = delete;
  ConcurrentMap& operator=(const ConcurrentMap&) = delete;

  /// The value of `key`, default-constructed on first use. The reference is stable.
  Value& getOrCreate(const Key& key) {
    const std::uint64_t tag = tagOf(key);
    for (Segment* seg = head_;; seg = nextSegment(seg)) {
      if (Value* v = probe(*seg, key, tag, true)) {
        return *v;
      }
    }
  }

  /// The value of `key`, or nullptr when it was never created.
  Value* find(const Key& key) const {
    const std::uint64_t tag = tagOf(key);
    for (Segment* seg = head_; seg != nullptr; seg = seg->next.load(std::memory_order_acquire)) {
      if (Value* v = probe(*seg, key, tag, false)) {
        return v;
      }
    }
    return nullptr;
  }

  /// Calls `fn(key, value)` for every published entry (scrapes, snapshots). Entries created
  /// concurrently may or may not be seen.
  template <class Fn>
  void forEach(Fn&& fn) const {
    for (Segment* seg = head_; seg != nullptr; seg = seg->next.load(std::memory_order_acquire)) {
      for (std::size_t i = 0; i < seg->capacity; ++i) {
        Slot& s = seg->slots[i];
        if (s.state.load(std::memory_order_acquire) == kReady) {
          fn(static_cast<const Key&>(s.key), s.value);
        }
      }
    }
  }

private:
  static constexpr std::size_t kMaxProbe = 16;
  static constexpr std::uint8_t kEmpty = 0;
  static constexpr std::uint8_t kReady = 1;

  struct Slot {
    std::atomic<std::uint64_t> tag{0};
    std::atomic<std::uint8_t> state{kEmpty};
    Key key{};
    Value value{};
  };

  struct Segment {
    explicit Segment(std::size_t cap) : capacity(cap), slots(new Slot[cap]) {}
    std::size_t capacity;
    std::unique_ptr<Slot[]> slots;
    std::atomic<Segment*> next{nullptr};
  };

  static std::size_t roundUp(std::size_t n) {
    std::size_t c = 16;
    while (c < n) {
      c <<= 1;
    }
    return c;
  }

  static std::uint64_t tagOf(const Key& key) {
    // splitmix64 finaliser: spreads poor hashes (std::hash<int64_t> is the identity).
    std::uint64_t z = static_cast<std::uint64_t>(Hash{}(key)) + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z == 0 ? 1 : z;  // 0 marks an empty slot
  }

  static bool holds(Slot& s, const Key& key, std::uint64_t tag) {
    if (s.tag.load(std::memory_order_acquire) != tag) {
      return false;
    }
    while (s.state.load(std::memory_order_acquire) != kReady) {
      // Another thread is constructing this slot's key right now (first use of a key).
    }
    return s.key == key;
  }

  Value* probe(Segment& seg, const Key& key, std::uint64_t tag, bool create) const {
    const std::size_t mask = seg.capacity - 1;
    const std::size_t window = seg.capacity < kMaxProbe ? seg.capacity : kMaxProbe;
    for (std::size_t i = 0; i < window; ++i) {
      Slot& s = seg.slots[(tag + i) & mask];
      std::uint64_t seen = s.tag.load(std::memory_order_acquire);
      if (seen == 0) {
        if (!create) {
          return nullptr;  // slots fill in probe order, so the key is nowhere further
        }
        if (s.tag.compare_exchange_strong(seen, tag, std::memory_order_acq_rel)) {
          s.key = key;
          s.state.store(kReady, std::memory_order_release);
          return &s.value;
        }
      }
      if (holds(s, key, tag)) {
        return &s.value;
      }
    }
    return nullptr;
  }

  Segment* nextSegment(Segment* seg) {
    Segment* next = seg->next.load(std::memory_order_acquire);
    if (next != nullptr) {
      return next;
    }
    auto fresh = std::make_unique<Segment>(seg->capacity * 2);
    if (seg->next.compare_exchange_strong(next, fresh.get(), std::memory_order_acq_rel)) {
      return fresh.release();
    }
    return next;  // another thread linked its segment first
  }

  Segment* head_;
};

}  // namespace gw::governance
