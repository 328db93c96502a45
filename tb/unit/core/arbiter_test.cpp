// The arbiter's policies, and the fault it exists to catch: a grant that follows the
// order requests were posted in (the kernel's wake order) instead of the policy.
#include <algorithm>
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <vector>

#include "evr/core/arbiter.h"

namespace evr::core {
namespace {

const std::vector<std::string> names = {"store", "assist", "local", "pool"};

// Posts one request per requester in cycle 5, in `posting` order, then grants them all in
// cycle 5 and returns the grant order.
std::vector<int> grants(arbiter_policy policy, const std::vector<std::string>& order,
                        const std::vector<std::uint32_t>& posting) {
    arbiter a("port", names, policy, order);
    for (std::uint32_t r : posting)
        a.request(r, 5);
    std::vector<int> out;
    for (int g = a.grant(5); g >= 0; g = a.grant(5))
        out.push_back(g);
    return out;
}

std::vector<std::vector<std::uint32_t>> every_posting_order() {
    std::vector<std::uint32_t> p = {0, 1, 2, 3};
    std::vector<std::vector<std::uint32_t>> all;
    do
        all.push_back(p);
    while (std::next_permutation(p.begin(), p.end()));
    return all;
}

// The property every configured policy must have; call_order is the planted fault.
bool independent_of_posting_order(arbiter_policy policy) {
    const auto all = every_posting_order();
    const std::vector<int> first = grants(policy, names, all.front());
    for (const auto& p : all)
        if (grants(policy, names, p) != first)
            return false;
    return true;
}

TEST(arbiter, priority_grants_in_the_named_order) {
    EXPECT_EQ(grants(arbiter_policy::priority, {"pool", "local", "store", "assist"}, {0, 1, 2, 3}),
              (std::vector<int>{3, 2, 0, 1}));
}

TEST(arbiter, round_robin_rotates_after_each_grant) {
    arbiter a("port", names, arbiter_policy::round_robin, names);
    a.request(0, 1);
    a.request(2, 1);
    EXPECT_EQ(a.grant(1), 0);
    a.request(0, 2);
    EXPECT_EQ(a.grant(2), 2); // store had the last grant: local comes before it
    EXPECT_EQ(a.grant(2), 0);
    EXPECT_EQ(a.grant(2), -1);
}

TEST(arbiter, only_requests_of_this_cycle_or_earlier_compete) {
    arbiter a("port", names, arbiter_policy::priority, names);
    a.request(1, 7);
    a.request(0, 9); // higher priority, but made later
    EXPECT_EQ(a.earliest(), 7u);
    EXPECT_EQ(a.grant(8), 1);
    EXPECT_EQ(a.grant(8), -1);
    EXPECT_EQ(a.grant(9), 0);
    EXPECT_EQ(a.stats(1).wait_cycles, 1u);
    EXPECT_EQ(a.stats(1).max_wait, 1u);
    EXPECT_EQ(a.stats(0).grants, 1u);
    EXPECT_EQ(a.stats(0).wait_cycles, 0u);
}

TEST(arbiter, configured_policies_do_not_depend_on_posting_order) {
    EXPECT_TRUE(independent_of_posting_order(arbiter_policy::priority));
    EXPECT_TRUE(independent_of_posting_order(arbiter_policy::round_robin));
}

TEST(arbiter, planted_call_order_fault_is_caught) {
    EXPECT_FALSE(independent_of_posting_order(arbiter_policy::call_order));
}

TEST(arbiter, order_must_name_every_requester_once) {
    EXPECT_THROW(arbiter("p", names, arbiter_policy::priority, {"store", "assist", "local"}),
                 std::invalid_argument);
    EXPECT_THROW(arbiter("p", names, arbiter_policy::priority, {"store", "store", "local", "pool"}),
                 std::invalid_argument);
    EXPECT_THROW(arbiter("p", names, arbiter_policy::priority, {"store", "assist", "local", "x"}),
                 std::invalid_argument);
    arbiter a("p", names, arbiter_policy::priority, names);
    a.request(0, 1);
    EXPECT_THROW(a.request(0, 1), std::logic_error);
}

} // namespace
} // namespace evr::core

// evr_core links SystemC, whose library calls sc_main; the arbiter itself needs no kernel.
int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
