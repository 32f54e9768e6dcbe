// JSON string literals for the API's answers: the plugins' shared writer
// (plugins/common/http/json_string.h). Reading JSON is the SDK's reader (phpeek/json.hpp).
#pragma once

#include "plugins/common/http/json_string.h"

namespace phpeek::rest {

using http::AppendJsonString;

}  // namespace phpeek::rest
