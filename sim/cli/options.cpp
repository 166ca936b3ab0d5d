// What the commands share: parsing their options, the default results
// folder, quoting a word for the command that continues a stopped run.

#include "caseload/report/metadata.hpp"
#include "caseload/scenario/input_error.hpp"
#include "commands.hpp"

#include <boost/program_options.hpp>

#include <charconv>
#include <ctime>
#include <ostream>

namespace caseload::cli::detail {

namespace po = boost::program_options;
namespace fs = std::filesystem;

bool parse(const Args& args, const po::options_description& desc, const std::string& positional_name,
           std::vector<std::string>& positional, const std::string& help, const Streams& io) {
    po::options_description all;
    all.add(desc);
    all.add_options()(positional_name.c_str(), po::value<std::vector<std::string>>(&positional));
    po::positional_options_description pos;
    pos.add(positional_name.c_str(), -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
        if (vm.count("help")) {
            io.out << help << "\n" << desc << "\n";
            return false;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    return true;
}

long long whole_number(const std::string& option, const std::string& text, long long min, long long max) {
    long long v = 0;
    const char* end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, v);
    if (text.empty() || r.ec != std::errc{} || r.ptr != end || v < min || v > max)
        throw UsageError(option + " must be a whole number between " + std::to_string(min) + " and " +
                         std::to_string(max) + ", not '" + text + "'");
    return v;
}

po::typed_value<std::string>* whole_value(std::string option, long long min, long long max,
                                          std::function<void(long long)> set) {
    return po::value<std::string>()->notifier(
        [option = std::move(option), min, max, set = std::move(set)](const std::string& text) {
            set(whole_number(option, text, min, max));
        });
}

namespace {

std::string timestamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

}  // namespace

fs::path default_out(const std::string& name) {
    const fs::path base = fs::path("results") / (report::slug(name) + "-" + timestamp());
    fs::path p = base;
    std::error_code ec;  // an unreadable name is left for the folder's creation to report
    for (int k = 2; fs::exists(p, ec); ++k) p = base.string() + "-" + std::to_string(k);
    return p;
}

std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() && word.find_first_of(" \t'\"\\$`*?[]{}()<>|&;!#~") == std::string::npos;
    return plain ? word : "'" + word + "'";
}

}  // namespace caseload::cli::detail
