#include "messaging/topic_tree.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace v2x {

namespace {

/// Splits at '/' without allocating; calls f(level, is_last).
template <class F> void for_each_level(std::string_view s, F&& f)
{
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) {
      f(s.substr(start), true);
      return;
    }
    f(s.substr(start, slash - start), false);
    start = slash + 1;
  }
}

std::vector<std::string_view> levels(std::string_view s)
{
  std::vector<std::string_view> out;
  for_each_level(s, [&](std::string_view l, bool) { out.push_back(l); });
  return out;
}

} // namespace

bool valid_topic_filter(std::string_view filter)
{
  if (filter.empty())
    return false;
  bool ok = true;
  for_each_level(filter, [&](std::string_view l, bool last) {
    if (l.find('#') != std::string_view::npos && (l != "#" || !last))
      ok = false;
    if (l.find('+') != std::string_view::npos && l != "+")
      ok = false;
  });
  return ok;
}

bool topic_matches(std::string_view filter, std::string_view topic)
{
  const auto f = levels(filter);
  const auto t = levels(topic);
  std::size_t i = 0;
  for (; i < f.size(); ++i) {
    if (f[i] == "#")
      return true;  // matches the rest, including the parent level ("a/#" matches "a")
    if (i >= t.size())
      return false;
    if (f[i] != "+" && f[i] != t[i])
      return false;
  }
  return i == t.size();
}

/// Lets the trie look levels up by string_view, without building a std::string per level of every topic.
struct LevelHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct TopicTree::Node {
  std::unordered_map<std::string, std::unique_ptr<Node>, LevelHash, std::equal_to<>> children;  // literal levels
  std::unique_ptr<Node> plus;                                       // '+'
  std::vector<Subscriber> here;                                     // filters ending at this node
  std::vector<Subscriber> hash;                                     // filters ending with '#' below this node
};

TopicTree::TopicTree() : root_(std::make_unique<Node>()) {}
TopicTree::~TopicTree() = default;

void TopicTree::subscribe(std::string_view filter, Subscriber s)
{
  if (!valid_topic_filter(filter))
    throw std::invalid_argument("invalid MQTT topic filter '" + std::string(filter) + "'");
  Node* node = root_.get();
  std::vector<Subscriber>* target = nullptr;
  for_each_level(filter, [&](std::string_view l, bool last) {
    if (l == "#") {
      target = &node->hash;
      return;
    }
    std::unique_ptr<Node>& next = l == "+" ? node->plus : node->children[std::string(l)];
    if (!next)
      next = std::make_unique<Node>();
    node = next.get();
    if (last)
      target = &node->here;
  });
  if (std::find(target->begin(), target->end(), s) == target->end()) {
    target->push_back(s);
    ++count_;
  }
}

void TopicTree::unsubscribe(std::string_view filter, Subscriber s)
{
  if (!valid_topic_filter(filter))
    return;
  Node* node = root_.get();
  std::vector<Subscriber>* target = nullptr;
  bool found = true;
  for_each_level(filter, [&](std::string_view l, bool last) {
    if (!found)
      return;
    if (l == "#") {
      target = &node->hash;
      return;
    }
    Node* next = nullptr;
    if (l == "+")
      next = node->plus.get();
    else if (auto it = node->children.find(l); it != node->children.end())
      next = it->second.get();
    if (next == nullptr) {
      found = false;
      return;
    }
    node = next;
    if (last)
      target = &node->here;
  });
  if (!found || target == nullptr)
    return;
  auto it = std::find(target->begin(), target->end(), s);
  if (it != target->end()) {
    target->erase(it);
    --count_;
  }
}

void TopicTree::match(std::string_view topic, const std::function<void(Subscriber)>& out) const
{
  const auto t = levels(topic);
  // Depth-first over the trie; '#' below a node matches whatever remains, including nothing.
  std::vector<std::pair<const Node*, std::size_t>> stack{{root_.get(), 0}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    for (Subscriber s : node->hash)
      out(s);
    if (depth == t.size()) {
      for (Subscriber s : node->here)
        out(s);
      continue;
    }
    if (auto it = node->children.find(t[depth]); it != node->children.end())
      stack.emplace_back(it->second.get(), depth + 1);
    if (node->plus)
      stack.emplace_back(node->plus.get(), depth + 1);
  }
}

} // namespace v2x
