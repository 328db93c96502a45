// evr_config_doc: prints the configuration key table generated from the schema, or with
// --update [FILE] rewrites the generated part of docs/config.md.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "evr/config/schema.h"

int main(int argc, char** argv) {
    const std::string table = evr::config::reference_table();
    const std::string arg = argc > 1 ? argv[1] : "";
    if (arg.empty()) {
        std::cout << table;
        return 0;
    }
    if (arg != "--update" || argc > 3) {
        std::cerr << "usage: evr_config_doc [--update [docs/config.md]]\n";
        return 2;
    }
    const std::string path = argc > 2 ? argv[2] : EVR_SOURCE_DIR "/docs/config.md";
    std::ifstream in(path);
    if (!in) {
        std::cerr << path << ": cannot open\n";
        return 2;
    }
    std::ostringstream doc;
    doc << in.rdbuf();
    in.close();
    try {
        const std::string updated = evr::config::replace_generated_table(doc.str(), table);
        if (updated == doc.str()) {
            std::cout << path << " is up to date\n";
            return 0;
        }
        std::ofstream(path) << updated;
        std::cout << "updated " << path << "\n";
    } catch (const std::exception& e) {
        std::cerr << path << ": " << e.what() << "\n";
        return 2;
    }
    return 0;
}
