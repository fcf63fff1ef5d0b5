// The REST query API under /api/v1: log search, context and volume; metric names, series,
// bucketed queries and value histograms; anomalies the detector plugins found; the plugins
// themselves. JSON in the shapes docs/api.md documents, with the OpenAPI 3 document at
// /api/v1/openapi.json.
//
// Every query runs on a reader connection of its own under the configured timeout; results
// are bounded by a limit (default 100, at most api.max_limit). A bad parameter is answered 400
// with a message that names it; a query that runs out of time is answered 503.
//
// Thread-safety: handlers run concurrently on the API server's threads.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/query_params.h"
#include "auth/bearer_auth.h"
#include "plugin_host/plugin_host.h"
#include "runtime/clock.h"
#include "runtime/http_server.h"
#include "self_metrics.h"
#include "store/store.h"

namespace nightjar::collector {

struct QueryApiOptions {
  Duration query_timeout = std::chrono::seconds(10);
  int max_limit = 1000;
};

class QueryApi {
 public:
  // Returns the plugin host GET /api/v1/plugins describes (null: no host, an empty list); asked
  // on each request, so that a reload that replaces the host is picked up.
  using PluginsProvider = std::function<std::shared_ptr<const plugins::PluginHost>()>;

  QueryApi(Store* store, const BearerAuth* auth, QueryApiOptions options, SelfMetrics* metrics,
           PluginsProvider plugins = nullptr, const Clock* clock = &Clock::System());

  // Replaces the limits (a configuration reload); requests in progress keep theirs.
  void SetOptions(QueryApiOptions options);

  // Adds the API's routes (including /api/v1/openapi.json) to `server`.
  void Register(HttpServer& server);

  // Returns the (method, path) of every route Register() adds.
  static std::vector<std::pair<std::string, std::string>> Routes();

 private:
  // What a handler produces: a status and a JSON body.
  struct Reply {
    int status = 200;
    std::string body;
  };
  using Handler = Reply (QueryApi::*)(const QueryParams&);

  Reply Logs(const QueryParams& p);
  Reply LogContext(const QueryParams& p);
  Reply LogVolume(const QueryParams& p);
  Reply Metrics(const QueryParams& p);
  Reply Series(const QueryParams& p);
  Reply MetricQuery(const QueryParams& p);
  Reply MetricHistogram(const QueryParams& p);
  Reply Anomalies(const QueryParams& p);
  Reply Plugins(const QueryParams& p);
  Reply Error(const Status& status);
  QueryApiOptions Limits() const;
  void Serve(const std::string& name, Handler handler, HttpServer::Request& request,
             HttpServer::Response& response);

  Store* store_;
  const BearerAuth* auth_;
  mutable std::mutex options_mutex_;  // guards options_
  QueryApiOptions options_;
  SelfMetrics* metrics_;
  PluginsProvider plugins_;
  const Clock* clock_;
};

}  // namespace nightjar::collector
