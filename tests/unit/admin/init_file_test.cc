#include "admin/init_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace wharf::admin {
namespace {

class InitEngine final : public ServiceEngine {
 public:
  std::string_view Name() const override { return "sqs"; }
  Status Start() override { return OkStatus(); }
  void Invoke(const RequestContext&, const std::string&, nlohmann::json,
              OperationReply reply) override {
    reply(nlohmann::json::object());
  }
  void Stop() override {}
  void Reset(std::function<void(Status)> done) override { done(OkStatus()); }
  nlohmann::json Summary() override { return {}; }
  Status ApplyInit(const nlohmann::json& section) override {
    sections.push_back(section);
    if (section.contains("bad")) return AwsError::Client("InvalidParameterValue", "bad queue");
    return OkStatus();
  }
  std::vector<nlohmann::json> sections;
};

class InitFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::ofstream(path_) << text;
    return path_.string();
  }
  ~InitFileTest() override { std::filesystem::remove(path_); }

  // One file per test process: ctest runs the tests of this fixture side by side.
  std::filesystem::path path_ = std::filesystem::temp_directory_path() /
                                ("wharf_init_test_" + std::to_string(::getpid()) + ".json");
  InitEngine engine_;
  dispatch::EngineMap engines_{{"sqs", &engine_}};
};

TEST_F(InitFileTest, AppliesEachSection) {
  Status status = ApplyInitFile(Write(R"({"sqs": {"queues": [{"name": "q1"}]}})"), engines_);
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(engine_.sections.size(), 1u);
  EXPECT_EQ(engine_.sections[0]["queues"][0]["name"], "q1");
}

TEST_F(InitFileTest, UnknownAndUnimplementedServicesFailBeforeAnythingIsApplied) {
  Status unknown = ApplyInitFile(Write(R"({"sqs": {}, "zzz": {}})"), engines_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown service 'zzz'"), std::string::npos);
  Status later = ApplyInitFile(Write(R"({"kinesis": {}, "sqs": {}})"), engines_);
  ASSERT_FALSE(later.ok());
  EXPECT_NE(later.error().message.find("'kinesis' is not implemented yet"), std::string::npos);
  EXPECT_TRUE(engine_.sections.empty());
}

TEST_F(InitFileTest, BadFilesAndEngineErrors) {
  Status missing = ApplyInitFile("/nonexistent/wharf-init.json", engines_);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot be read"), std::string::npos);
  Status not_object = ApplyInitFile(Write("[1, 2]"), engines_);
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error().code, "InvalidInit");
  Status engine_error = ApplyInitFile(Write(R"({"sqs": {"bad": true}})"), engines_);
  ASSERT_FALSE(engine_error.ok());
  EXPECT_NE(engine_error.error().message.find("sqs: bad queue"), std::string::npos);
}

}  // namespace
}  // namespace wharf::admin
