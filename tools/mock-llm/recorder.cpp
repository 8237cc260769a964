#include "recorder.hpp"

#include <boost/json.hpp>

namespace gw::mock {

namespace json = boost::json;

std::uint64_t Recorder::add(RecordedRequest&& r) {
  std::lock_guard lock(mu_);
  r.id = next_id_++;
  ++requests_;
  records_.push_back(std::move(r));
  if (records_.size() > kMaxRecords) {
    records_.pop_front();
  }
  return records_.back().id;
}

void Recorder::markDisconnected(std::uint64_t id) {
  std::lock_guard lock(mu_);
  ++disconnects_;
  if (records_.empty() || id < records_.front().id) {
    return;
  }
  std::size_t index = id - records_.front().id;
  if (index < records_.size()) {
    records_[index].client_disconnected = true;
  }
}

std::string Recorder::requestsJson() const {
  json::array data;
  std::lock_guard lock(mu_);
  data.reserve(records_.size());
  for (const auto& r : records_) {
    json::object headers;
    for (const auto& [name, value] : r.headers) {
      auto it = headers.find(name);
      if (it == headers.end()) {
        headers.emplace(name, value);
      } else {
        it->value() = json::string(std::string(it->value().as_string()) + ", " + value);
      }
    }
    data.push_back(json::object{{"id", r.id},
                                {"method", r.method},
                                {"target", r.target},
                                {"headers", std::move(headers)},
                                {"body", r.body},
                                {"time_ms", r.time_ms},
                                {"status", r.status},
                                {"streaming", r.streaming},
                                {"client_disconnected", r.client_disconnected}});
  }
  return json::serialize(json::object{{"data", std::move(data)}});
}

std::string Recorder::statsJson() const {
  std::lock_guard lock(mu_);
  return json::serialize(
      json::object{{"requests", requests_},
                   {"client_disconnects", disconnects_},
                   {"active_streams", active_streams_.load(std::memory_order_relaxed)}});
}

void Recorder::clear() {
  std::lock_guard lock(mu_);
  records_.clear();
  requests_ = 0;
  disconnects_ = 0;
}

} // namespace gw::mock
