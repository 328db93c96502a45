// The -o folder of one run (docs/evrsim.md, "Run folders"). Every file of the run is
// created relative to directory descriptors, with O_EXCL and O_NOFOLLOW, inside a private
// (0700) staging folder with an unpredictable name, and moved into the run folder when the
// run ends: nothing planted in the folder (symlinks, FIFOs, devices) is ever followed or
// opened, a killed run leaves no stats.json, and two runs never share a folder (a lock).
#pragma once

#include <string>
#include <vector>

namespace evr::output {

class run_folder {
public:
    static constexpr const char* stats_name = "stats.json";

    // Names evrsim writes at the top of a run folder; anything else makes a folder foreign.
    static const std::vector<std::string>& output_names();

    // Opens (creating it and its parents when missing) and locks `path`, checks what it
    // holds, clears an earlier run when `force` is set, and makes the staging folder.
    // Throws evr::input_error with one line naming the folder or the entry at fault:
    // not a folder, a dangling link, not writable, in use by another run, not empty and
    // not a run folder, an earlier run without `force`.
    run_folder(const std::string& path, bool force);
    // Publishes what was written if publish() was not called (best effort, no throw), so
    // no staging folder is left behind by an exception.
    ~run_folder();
    run_folder(const run_folder&) = delete;
    run_folder& operator=(const run_folder&) = delete;

    // Creates `name` (a top-level output) or conn/`name` in the staging folder; returns a
    // descriptor the caller owns (O_RDWR | O_CLOEXEC, so a failed file can be cut back). Throws
    // input_error.
    int create(const std::string& name);
    int create_conn(const std::string& name);
    // Writes a whole small file (stats.json, config.yaml, provenance.json); on failure
    // removes it, so a half-written copy never appears. Throws input_error.
    void write_whole(const std::string& name, const std::string& content);
    // Takes `bytes` of disk now for the file `name` written later by write_whole(), so a
    // disk that fills up meanwhile cannot stop it (best effort: ignored where the file
    // system cannot preallocate).
    void reserve(const std::string& name, std::size_t bytes);
    // Removes a file this run created (a pcap whose header never reached the disk).
    void remove(const std::string& name);
    void remove_conn(const std::string& name);

    // Moves every file into the run folder, stats.json last, and removes the staging
    // folder. Idempotent. Throws input_error naming the entry that could not be moved.
    void publish();

    // The path the user gave, and "PATH/name" as messages show an output.
    const std::string& path() const { return m_path; }
    std::string display(const std::string& name) const { return m_path + "/" + name; }
    std::string display_conn(const std::string& name) const { return m_path + "/conn/" + name; }

    // True when `other` (a file the run reads or a waveform it writes) lies inside the
    // folder: such a path would be replaced by --force or mixed into the run's outputs.
    static bool contains(const std::string& folder, const std::string& other);

private:
    std::string m_path;
    std::string m_stage_name;
    int m_dir = -1;         // the run folder, locked (flock) for the life of the run
    int m_stage = -1;       // its staging folder
    int m_conn = -1;        // staging/conn
    std::string m_reserved; // the name reserve() took space for
    bool m_published = false;
};

} // namespace evr::output
