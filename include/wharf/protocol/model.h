// AWS service models (operations and shapes), generated from botocore's model files by
// scripts/gen_models.py into src/protocol/models/<service>.json and compiled into the binary.
// Each codec and the validator are driven by these tables, so every operation's input and
// output is declared once.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wharf {

struct ShapeFacts;
class ShapeFactsTable;

// The generated document, botocore's layout without documentation:
//   {"metadata": {...}, "operations": {"Op": {"http": {...}, "input": {"shape": ...},
//    "output": {...}, "errors": [...]}}, "shapes": {"Name": {"type": ..., "members": ...}}}
// Shape members keep botocore's traits (locationName, flattened, location, required, min, max,
// pattern, enum, timestampFormat, ...). For SQS, members also carry the query-protocol names
// (locationName/flattened) from the query-era model, so one model serves both protocols.
class ServiceModel {
 public:
  // The model for a signing name ("sqs", "sns", ...), parsed on first use; nullptr if wharf has
  // no model for it. Thread-safe; the model lives for the whole process.
  static const ServiceModel* Get(std::string_view service);

  explicit ServiceModel(nlohmann::json document);
  ~ServiceModel();
  ServiceModel(const ServiceModel&) = delete;  // the reference table points into doc_
  ServiceModel& operator=(const ServiceModel&) = delete;

  const std::string& name() const { return name_; }
  const nlohmann::json& metadata() const { return doc_["metadata"]; }
  // nullptr when the operation or shape does not exist.
  const nlohmann::json* Operation(std::string_view name) const;
  const nlohmann::json* Shape(std::string_view name) const;
  // The shape a reference ({"shape": "Name", <traits>}) names; nullptr if it names none. For
  // references inside this model's document a pointer lookup in a table built once (the
  // validator and codecs resolve every member of every request), for others a name lookup.
  const nlohmann::json* Resolve(const nlohmann::json& ref) const;
  const nlohmann::json& document() const { return doc_; }
  // What validation reads of `shape` (src/protocol/shape_facts.h), gathered when the model was
  // built; nullptr when `shape` is not one of this model's shapes.
  const ShapeFacts* Facts(const nlohmann::json& shape) const;

 private:
  void IndexReferences();

  nlohmann::json doc_;
  std::string name_;
  // (reference, shape it names) for every reference in doc_, sorted by reference address.
  std::vector<std::pair<const nlohmann::json*, const nlohmann::json*>> references_;
  std::unique_ptr<const ShapeFactsTable> facts_;
};

}  // namespace wharf
