#pragma once
// The binary payload of a journal record (replication_codec.cpp), for the
// journal itself (run_resume.cpp).

#include "caseload/model/model.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace caseload::report::detail {

// The bytes replication_bytes(r) takes.
[[nodiscard]] std::size_t payload_bytes(const model::ReplicationResult& r);
// Writes the payload_bytes(r) bytes of r's payload at `out`.
void write_payload(char* out, const model::ReplicationResult& r);
// The payload of a record of an earlier version (magic CLR1); empty when it is not one.
[[nodiscard]] std::optional<model::ReplicationResult> parse_replication_bytes_v1(std::string_view in);

}  // namespace caseload::report::detail
