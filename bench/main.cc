// wharf-bench: a small HTTP/1.1 load generator speaking the AWS wire protocols (see Usage()).
#include <iostream>
#include <string>
#include <vector>

#include "driver.h"
#include "options.h"
#include "report.h"
#include "scenario.h"
#include "setup.h"
#include "sns_fanout.h"
#include "sns_http.h"

int main(int argc, char** argv) {
  using namespace wharf::bench;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = ParseOptions(args);
  if (!options.ok()) {
    std::cerr << "wharf-bench: " << options.error().message << "\n\n" << Usage();
    return 2;
  }
  if (options->help) {
    std::cout << Usage();
    return 0;
  }
  Options& o = *options;
  try {
    const std::string& scenario = o.setup.workload.scenario;
    if (scenario == "sns-http" || scenario == "sns-fanout-latency") {
      auto report = scenario == "sns-http" ? RunSnsHttp(o, std::cerr) : RunSnsFanout(o, std::cerr);
      if (!report.ok()) {
        std::cerr << "wharf-bench: " << report.error().message << "\n";
        return 1;
      }
      std::cout << HumanLine(*report) << "\n";
      if (o.json) std::cout << JsonLine(*report) << "\n";
      return report->stats.messages > 0 ? 0 : 1;
    }
    auto targets = Prepare(o.setup, std::cerr);
    if (!targets.ok()) {
      std::cerr << "wharf-bench: setup failed: " << targets.error().message << "\n";
      return 1;
    }
    WorkloadConfig workload = o.setup.workload;
    workload.targets = *targets;
    RunReport report;
    report.label = o.label;
    report.scenario = workload.scenario;
    report.config = o.load;
    report.stats = RunLoad(o.load, [&workload](int i) { return MakeWorkload(workload, i); });
    std::cout << HumanLine(report) << "\n";
    if (o.json) std::cout << JsonLine(report) << "\n";
    return report.stats.ok > 0 ? 0 : 1;
  } catch (const std::exception& e) {  // Asio/system errors (e.g. thread creation) end the run
    std::cerr << "wharf-bench: " << e.what() << "\n";
    return 1;
  }
}
