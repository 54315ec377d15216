// Topic access policies (the topic's Policy attribute, as AddPermission writes it or a user sets
// it): which other accounts may call which SNS actions on a topic. The topic's owner is always
// allowed and is not checked here.
#pragma once

#include <string>
#include <string_view>

namespace wharf::sns {

// Whether the policy document `policy` (JSON text) lets 12-digit account `caller` perform
// `action` ("SNS:Publish"). A statement applies when its Action covers the action ("SNS:Publish",
// "SNS:*" or "*", case-insensitively; a string or a list), its Principal covers the caller ("*",
// {"AWS": "*"}, {"AWS": "<id>"} or {"AWS": "arn:aws:iam::<id>:root"}, or lists of these) and it
// has no Condition (conditions test request context wharf does not have, such as
// AWS:SourceOwner in the default policy, so they never match another account). An applying Deny
// wins over any Allow; no applying Allow means no access. Unparsable documents allow nothing.
bool PolicyAllows(const std::string& policy, const std::string& caller, std::string_view action);

}  // namespace wharf::sns
