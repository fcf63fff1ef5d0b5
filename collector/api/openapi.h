// The OpenAPI 3 description of the query API, served at /api/v1/openapi.json.
//
// Thread-safety: returns a constant.
#pragma once

#include <string_view>

namespace nightjar::collector {

// Returns the OpenAPI 3.0 document (JSON) describing every route of the API.
std::string_view OpenApiDocument();

}  // namespace nightjar::collector
