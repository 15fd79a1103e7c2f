// MQTT topic semantics, against the examples of the MQTT 3.1.1 specification (OASIS, section 4.7).
#include "messaging/topic_tree.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>

using namespace v2x;

TEST_CASE("topic filters: the validity rules of MQTT 3.1.1 section 4.7.1", "[topics]")
{
  for (const char* ok : {"sport/tennis/player1", "sport/tennis/#", "#", "+", "+/tennis/#", "sport/+/player1", "/+"})
    CHECK(valid_topic_filter(ok));
  for (const char* bad : {"sport/tennis#", "sport/tennis/#/ranking", "sport+", "", "a/b+/c"})
    CHECK_FALSE(valid_topic_filter(bad));
}

TEST_CASE("topic matching: the examples of MQTT 3.1.1 sections 4.7.1.2 and 4.7.1.3", "[topics]")
{
  // '#': "sport/tennis/player1/#" matches these three.
  CHECK(topic_matches("sport/tennis/player1/#", "sport/tennis/player1"));
  CHECK(topic_matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
  CHECK(topic_matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
  CHECK(topic_matches("sport/#", "sport"));  // also the parent level
  // '+': one whole level.
  CHECK(topic_matches("sport/tennis/+", "sport/tennis/player1"));
  CHECK_FALSE(topic_matches("sport/tennis/+", "sport/tennis/player1/ranking"));
  CHECK_FALSE(topic_matches("sport/+", "sport"));
  CHECK(topic_matches("sport/+", "sport/"));
  CHECK(topic_matches("+/+", "/finance"));
  CHECK(topic_matches("/+", "/finance"));
  CHECK_FALSE(topic_matches("+", "/finance"));
}

TEST_CASE("the topic tree finds exactly the matching subscriptions", "[topics]")
{
  TopicTree t;
  t.subscribe("v2x/+/veh7/cam", 1);
  t.subscribe("v2x/3_4/+/cam", 2);
  t.subscribe("v2x/#", 3);
  t.subscribe("v2x/3_4/veh7/cam", 4);
  t.subscribe("v2x/3_4/veh7/cam", 4);  // duplicate pair kept once
  t.subscribe("other/#", 5);
  CHECK(t.size() == 5);
  auto hits = [&](const std::string& topic) {
    std::vector<TopicTree::Subscriber> out;
    t.match(topic, [&](TopicTree::Subscriber s) { out.push_back(s); });
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(hits("v2x/3_4/veh7/cam") == std::vector<TopicTree::Subscriber>{1, 2, 3, 4});
  CHECK(hits("v2x/3_5/veh7/cam") == std::vector<TopicTree::Subscriber>{1, 3});
  CHECK(hits("v2x/3_4/veh8/cam") == std::vector<TopicTree::Subscriber>{2, 3});
  CHECK(hits("v2x") == std::vector<TopicTree::Subscriber>{3});
  CHECK(hits("x/3_4/veh7/cam").empty());
  t.unsubscribe("v2x/#", 3);
  t.unsubscribe("v2x/+/nobody/cam", 1);  // not subscribed: no effect
  CHECK(hits("v2x/3_4/veh7/cam") == std::vector<TopicTree::Subscriber>{1, 2, 4});
  CHECK_THROWS_AS(t.subscribe("v2x/#/cam", 9), std::invalid_argument);

  // Agrees with the reference matcher on every (filter, topic) pair of a small grid.
  const std::vector<std::string> filters{"a/b/c", "a/+/c", "a/#", "+/+/+", "#", "a/b/+", "+/b/#", "a/+"};
  const std::vector<std::string> topics{"a/b/c", "a/x/c", "a", "a/b", "b/b/c", "a/b/c/d", "/b/c"};
  TopicTree g;
  for (std::uint32_t i = 0; i < filters.size(); ++i)
    g.subscribe(filters[i], i);
  for (const auto& topic : topics) {
    std::vector<TopicTree::Subscriber> expected, got;
    for (std::uint32_t i = 0; i < filters.size(); ++i)
      if (topic_matches(filters[i], topic))
        expected.push_back(i);
    g.match(topic, [&](TopicTree::Subscriber s) { got.push_back(s); });
    std::sort(got.begin(), got.end());
    CHECK(got == expected);
  }
}

