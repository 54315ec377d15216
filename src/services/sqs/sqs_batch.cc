#include "services/sqs/sqs_batch.h"

#include <cctype>
#include <set>
#include <string>

#include "services/sqs/sqs_errors.h"

namespace wharf::sqs {

Status CheckBatchEntries(const nlohmann::json& entries, std::string_view entry_name) {
  if (!entries.is_array() || entries.empty()) {
    return Error("EmptyBatchRequest",
                 "There should be at least one " + std::string(entry_name) + " in the request.");
  }
  if (entries.size() > 10) {
    return Error("TooManyEntriesInBatchRequest",
                 "Maximum number of entries per request are 10. You have sent " +
                     std::to_string(entries.size()) + ".");
  }
  std::set<std::string> seen;
  for (const auto& e : entries) {
    const std::string id = e.value("Id", "");
    bool ok = !id.empty() && id.size() <= 80;
    for (char c : id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') ok = false;
    }
    if (!ok) {
      return Error("InvalidBatchEntryId",
                   "A batch entry id can only contain alphanumeric characters, hyphens and "
                   "underscores. It can be at most 80 letters long.");
    }
    if (!seen.insert(id).second) {
      return Error("BatchEntryIdsNotDistinct", "Id " + id + " repeated.");
    }
  }
  return OkStatus();
}

nlohmann::json FailedEntry(const std::string& id, const AwsError& error) {
  return {{"Id", id},
          {"SenderFault", error.sender_fault},
          {"Code", error.QueryCode()},
          {"Message", error.message}};
}

void DropEmptyBatchLists(nlohmann::json& output) {
  for (const char* list : {"Successful", "Failed"}) {
    auto it = output.find(list);
    if (it != output.end() && it->empty()) output.erase(it);
  }
}

}  // namespace wharf::sqs
