#include "yaml_bounds.h"

#include <sstream>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include "evr/common/error.h"

namespace evr::config::detail {

namespace {

struct too_big {
    std::string problem;
    YAML::Mark mark;
};

class bounds_counter : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override {
        throw too_big{"YAML aliases (*name) are not accepted in a configuration; write the "
                      "value out in full",
                      m};
    }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  const std::string&) override {
        node(m);
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        open(m);
    }
    void OnSequenceEnd() override { --m_depth; }
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        open(m);
    }
    void OnMapEnd() override { --m_depth; }

private:
    void node(const YAML::Mark& m) {
        if (++m_nodes > max_yaml_nodes)
            throw too_big{"more than " + std::to_string(max_yaml_nodes) + " YAML nodes", m};
    }
    void open(const YAML::Mark& m) {
        node(m);
        if (++m_depth > max_yaml_depth)
            throw too_big{"nested deeper than " + std::to_string(max_yaml_depth) +
                              " levels of maps and lists",
                          m};
    }
    std::size_t m_nodes = 0;
    std::size_t m_depth = 0;
};

} // namespace

void check_yaml_bounds(const std::string& text, const std::string& where) {
    std::istringstream in(text);
    bounds_counter counter;
    try {
        // The first document only, as YAML::Load reads: asking for more documents loops
        // for ever on some broken texts (found by fuzz_config: a NUL inside a key).
        YAML::Parser parser(in);
        parser.HandleNextDocument(counter);
    } catch (const too_big& e) {
        throw input_error(where + (e.mark.is_null() ? "" : ":" + std::to_string(e.mark.line + 1)) +
                          ": " + e.problem);
    } catch (const YAML::Exception&) {
        // A syntax error: YAML::Load reports it with the usual message.
    }
}

} // namespace evr::config::detail
