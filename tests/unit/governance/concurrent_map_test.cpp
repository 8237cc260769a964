#include "governance/concurrent_map.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace gw::governance {
namespace {

struct Counter {
  std::atomic<int> n{0};
};

TEST(ConcurrentMap, GrowsPastItsFirstSegmentAndKeepsReferencesStable) {
  ConcurrentMap<std::int64_t, Counter> map(16);
  std::vector<Counter*> refs;
  for (std::int64_t k = 0; k < 1000; ++k) {
    refs.push_back(&map.getOrCreate(k));
  }
  for (std::int64_t k = 0; k < 1000; ++k) {
    EXPECT_EQ(&map.getOrCreate(k), refs[static_cast<std::size_t>(k)]);
    EXPECT_EQ(map.find(k), refs[static_cast<std::size_t>(k)]);
  }
  EXPECT_EQ(map.find(5000), nullptr);
  int count = 0;
  map.forEach([&](std::int64_t, Counter&) { ++count; });
  EXPECT_EQ(count, 1000);
}

TEST(ConcurrentMap, ConcurrentInsertersAgreeOnOneEntryPerKey) {
  ConcurrentMap<std::string, Counter> map(16);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 300; ++k) {
        map.getOrCreate("key-" + std::to_string(k)).n.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  int entries = 0;
  map.forEach([&](const std::string&, Counter& c) {
    ++entries;
    EXPECT_EQ(c.n.load(), 8);
  });
  EXPECT_EQ(entries, 300);
}

}  // namespace
}  // namespace gw::governance
