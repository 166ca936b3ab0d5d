#include "results_files.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>

namespace caseload::serve {

namespace fs = std::filesystem;

std::vector<std::string> result_files(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string n = it->path().filename().string();
        if (!n.empty() && n[0] != '.' && it->is_regular_file(ec) && !it->is_symlink(ec)) names.push_back(n);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<fs::path> results_zip(const fs::path& job_dir) {
    static std::mutex m;  // one zip at a time
    std::lock_guard lock(m);
    const fs::path zip = job_dir / "results.zip";
    std::error_code ec;
    if (fs::exists(zip, ec)) return zip;
    if (!fs::is_directory(job_dir / "results", ec)) return std::nullopt;
    const fs::path tmp = job_dir / ".results.zip.tmp";
    fs::remove(tmp, ec);
    const pid_t pid = ::fork();
    if (pid < 0) return std::nullopt;
    if (pid == 0) {
        if (::chdir(job_dir.c_str()) != 0) ::_exit(126);
        // -X: no extra file attributes; -y: links stored as links, never followed out of the folder.
        const char* argv[] = {"zip", "-q", "-r", "-X", "-y", ".results.zip.tmp", "results", nullptr};
        ::execvp("zip", const_cast<char* const*>(argv));
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fs::remove(tmp, ec);
        return std::nullopt;
    }
    fs::rename(tmp, zip, ec);
    if (ec) return std::nullopt;
    return zip;
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void send_file(httplib::Response& res, const fs::path& file, const std::string& name) {
    const std::string ext = file.extension().string();
    const char* type = ext == ".csv"    ? "text/csv; charset=utf-8"
                       : ext == ".json" ? "application/json"
                       : ext == ".yaml" ? "application/x-yaml; charset=utf-8"
                       : ext == ".md"   ? "text/markdown; charset=utf-8"
                       : ext == ".zip"  ? "application/zip"
                                        : "application/octet-stream";  // report.html too: downloaded, not shown
    res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    res.set_content(read_text(file), type);
}

}  // namespace caseload::serve
