#include "plugins/metrics/snapshot.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace phpeek::metrics {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string StringOr(const Object& obj, const std::string& key, const std::string& fallback) {
  const Poco::Dynamic::Var v = obj.get(key);
  return v.isString() ? v.extract<std::string>() : fallback;
}

std::optional<double> NumberOf(const Object& obj, const std::string& key) {
  const Poco::Dynamic::Var v = obj.get(key);
  if (v.isEmpty() || !v.isNumeric()) return std::nullopt;
  return v.convert<double>();
}

std::optional<int64_t> IntegerOf(const Object& obj, const std::string& key) {
  const Poco::Dynamic::Var v = obj.get(key);
  if (v.isEmpty() || !v.isNumeric()) return std::nullopt;
  return v.convert<Poco::Int64>();
}

InstanceSnapshot DecodeInstance(const Object& obj) {
  InstanceSnapshot inst;
  inst.id = StringOr(obj, "id", "");
  inst.state = StringOr(obj, "state", "");
  inst.pid = static_cast<pid_t>(IntegerOf(obj, "pid").value_or(0));
  inst.started_at = NumberOf(obj, "started_at");
  inst.last_exit_code = IntegerOf(obj, "last_exit_code");
  inst.last_signal = IntegerOf(obj, "last_signal");
  inst.restart_count = IntegerOf(obj, "restart_count").value_or(0);
  return inst;
}

bool DecodeProcess(const Object& obj, ProcessSnapshot* proc, std::string* err) {
  proc->name = StringOr(obj, "name", "");
  if (proc->name.empty()) {
    *err = "process entry without a \"name\"";
    return false;
  }
  proc->state = StringOr(obj, "state", "");
  proc->scale = IntegerOf(obj, "scale").value_or(0);
  const Array::Ptr instances = obj.getArray("instances");
  if (instances.isNull()) return true;
  proc->instances.reserve(instances->size());
  for (size_t i = 0; i < instances->size(); ++i) {
    const Object::Ptr inst = instances->getObject(static_cast<unsigned>(i));
    if (inst.isNull()) {
      *err = "process \"" + proc->name + "\": instance " + std::to_string(i) + " is not an object";
      return false;
    }
    proc->instances.push_back(DecodeInstance(*inst));
  }
  return true;
}

}  // namespace

bool ParseProcessList(std::string_view json, std::vector<ProcessSnapshot>* out, std::string* err) {
  out->clear();
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var root = parser.parse(std::string(json));
    if (root.type() != typeid(Object::Ptr)) {
      *err = "process list is not a JSON object";
      return false;
    }
    const Object::Ptr doc = root.extract<Object::Ptr>();
    const Array::Ptr processes = doc->getArray("processes");
    if (processes.isNull()) {
      *err = "process list has no \"processes\" array";
      return false;
    }
    out->reserve(processes->size());
    for (size_t i = 0; i < processes->size(); ++i) {
      const Object::Ptr proc = processes->getObject(static_cast<unsigned>(i));
      ProcessSnapshot snap;
      if (proc.isNull()) {
        *err = "process entry " + std::to_string(i) + " is not an object";
        return false;
      }
      if (!DecodeProcess(*proc, &snap, err)) return false;
      out->push_back(std::move(snap));
    }
    return true;
  } catch (const Poco::Exception& e) {
    *err = "process list is not valid JSON: " + e.displayText();
  } catch (const std::exception& e) {
    *err = std::string("process list is not valid JSON: ") + e.what();
  }
  return false;
}

}  // namespace phpeek::metrics
