#include "wharf/config/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace wharf {
namespace {

Result<Config> Parse(std::vector<const char*> args, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "wharf");
  return ParseConfig(static_cast<int>(args.size()), args.data(), env);
}

TEST(ConfigTest, DefaultsWithoutFlagsOrEnv) {
  auto config = Parse({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->host, "127.0.0.1");
  EXPECT_EQ(config->port, 4566);
  EXPECT_EQ(config->default_account, "000000000000");
  EXPECT_FALSE(config->in_memory);
  EXPECT_FALSE(config->virtual_clock);
  EXPECT_FALSE(config->auth_verify);
}

TEST(ConfigTest, FlagsInBothForms) {
  auto config = Parse({"--port", "0", "--host=0.0.0.0", "--in-memory", "--clock", "virtual",
                       "--account=123456789012", "--max-body", "1m", "--log-json",
                       "--log-level=debug", "--sqs-purge-cooldown", "0", "--threads=4",
                       "--sqs-queue-url-host", "example:1234", "--admin-token", "tok"});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->port, 0);
  EXPECT_EQ(config->host, "0.0.0.0");
  EXPECT_TRUE(config->in_memory);
  EXPECT_TRUE(config->virtual_clock);
  EXPECT_EQ(config->default_account, "123456789012");
  EXPECT_EQ(config->max_body_bytes, 1024u * 1024u);
  EXPECT_TRUE(config->log_json);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->sqs_purge_cooldown_seconds, 0);
  EXPECT_EQ(config->threads, 4);
  EXPECT_EQ(config->sqs_queue_url_host, "example:1234");
  EXPECT_EQ(config->admin_token, "tok");
}

TEST(ConfigTest, EnvironmentThenFlagsWin) {
  auto config = Parse({"--port", "5000"}, {{"WHARF_PORT", "4000"},
                                           {"WHARF_IN_MEMORY", "1"},
                                           {"WHARF_CLOCK", "virtual"},
                                           {"WHARF_DATA_DIR", "/tmp/x"},
                                           {"UNRELATED", "zzz"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->port, 5000);
  EXPECT_TRUE(config->in_memory);
  EXPECT_TRUE(config->virtual_clock);
  EXPECT_EQ(config->data_dir, "/tmp/x");
}

TEST(ConfigTest, SnsHttpsVerification) {
  auto defaults = Parse({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->sns_https_insecure);  // https endpoints are verified by default
  EXPECT_EQ(defaults->sns_https_ca_file, "");
  auto config = Parse({"--sns-https-ca-file", "/etc/ca.pem"}, {{"WHARF_SNS_HTTPS_INSECURE", "1"}});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->sns_https_insecure);
  EXPECT_EQ(config->sns_https_ca_file, "/etc/ca.pem");
  EXPECT_EQ(config->ToJson()["sns_https_insecure"], true);
}

TEST(ConfigTest, BadValuesAreClearErrors) {
  struct Case {
    std::vector<const char*> args;
    std::string needle;
  };
  std::vector<Case> cases = {
      {{"--port", "70000"}, "--port"},
      {{"--port", "abc"}, "not a non-negative integer"},
      {{"--clock", "fast"}, "system|virtual"},
      {{"--auth", "maybe"}, "off|verify"},
      {{"--account", "12"}, "12-digit"},
      {{"--log-level", "loud"}, "trace|debug"},
      {{"--nope"}, "unknown flag --nope"},
      {{"--port"}, "needs a value"},
      {{"positional"}, "unexpected argument"},
      {{"--credentials", "/nonexistent/creds.json"}, "cannot read"},
      {{"--auth", "verify"}, "--credentials"},
      {{"--in-memory=perhaps"}, "boolean"},
  };
  for (const Case& c : cases) {
    auto config = Parse(c.args);
    ASSERT_FALSE(config.ok()) << c.needle;
    EXPECT_EQ(config.error().code, "InvalidConfig");
    EXPECT_NE(config.error().message.find(c.needle), std::string::npos) << config.error().message;
  }
  auto bad_env = Parse({}, {{"WHARF_PORT", "-1"}});
  ASSERT_FALSE(bad_env.ok());
  EXPECT_NE(bad_env.error().message.find("WHARF_PORT"), std::string::npos);
}

TEST(ConfigTest, HelpListsEveryFlagWithEnvAndDefault) {
  auto help = Parse({"--help"});
  ASSERT_FALSE(help.ok());
  EXPECT_EQ(help.error().code, "Help");
  const std::string& text = help.error().message;
  for (const char* needle : {"--port N",
                             "WHARF_PORT",
                             "default: 4566",
                             "--host",
                             "--data-dir",
                             "--in-memory",
                             "--clock",
                             "--account",
                             "--auth",
                             "--credentials",
                             "--admin-token",
                             "--max-body",
                             "--max-header",
                             "--idle-timeout",
                             "--max-connections",
                             "--threads",
                             "--log-level",
                             "--log-json",
                             "--init",
                             "--sqs-queue-url-host",
                             "--sqs-purge-cooldown",
                             "--sqs-delete-cooldown",
                             "WHARF_SQS_DELETE_COOLDOWN",
                             "--sqs-max-inflight",
                             "--version"}) {
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
  }
  auto version = Parse({"--version"});
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, "Help");
  EXPECT_EQ(version.error().message.rfind("wharf ", 0), 0u);
}

TEST(ConfigTest, CredentialsFileAndMaskedJson) {
  auto path = std::filesystem::temp_directory_path() / "wharf_config_test_creds.json";
  std::ofstream(path) << R"({"AKIDEXAMPLE": "secret1", "123456789012": "secret2"})";
  auto config = Parse({"--auth", "verify", "--credentials", path.c_str(), "--admin-token", "x"});
  std::filesystem::remove(path);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->auth_verify);
  EXPECT_EQ(config->credentials.at("AKIDEXAMPLE"), "secret1");
  nlohmann::json json = config->ToJson();
  EXPECT_EQ(json["credentials"]["AKIDEXAMPLE"], "****");
  EXPECT_EQ(json["admin_token"], "****");
  EXPECT_EQ(json["auth"], "verify");
  EXPECT_EQ(json.dump().find("secret1"), std::string::npos);
}

TEST(ConfigTest, CredentialsFileMustBeAnObjectOfStrings) {
  auto path = std::filesystem::temp_directory_path() / "wharf_config_test_bad.json";
  std::ofstream(path) << R"({"AKID": 5})";
  auto config = Parse({"--credentials", path.c_str()});
  std::filesystem::remove(path);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("must be a string"), std::string::npos);
}

}  // namespace
}  // namespace wharf
