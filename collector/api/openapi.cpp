// The OpenAPI document of the query API; see openapi.h. Keep it in step with docs/api.md and
// with QueryApi::Routes() (a test checks every route appears here).
#include "api/openapi.h"

namespace nightjar::collector {
namespace {

constexpr std::string_view kDocument = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "Nightjar collector query API",
    "version": "1",
    "description": "Search stored logs, query stored metrics, list the anomalies detectors found and the plugins, manage alerts and silences, list and reload the Lua rules. Times are RFC 3339, unix nanoseconds, \"now\", \"now-<duration>\" or \"now+<duration>\"; durations like 30s, 5m, 1h. 64-bit ids and nanosecond times are JSON strings. Errors are {\"error\": message, \"code\": name} with status 400 (bad parameter, named in the message), 401 (token), 404, 503 (query timeout)."
  },
  "servers": [{"url": "http://127.0.0.1:4380"}],
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "parameters": {
      "q": {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Words that must all appear in the body (full-text search)."},
      "fts": {"name": "fts", "in": "query", "schema": {"type": "string"}, "description": "A raw SQLite FTS5 query expression (AND/OR/NOT, \"phrases\", prefix*)."},
      "service": {"name": "service", "in": "query", "schema": {"type": "string"}, "description": "Resource attribute service.name."},
      "severity_min": {"name": "severity_min", "in": "query", "schema": {"type": "string"}, "description": "Lowest severity: 0..24 or trace|debug|info|warn|error|fatal."},
      "severity_max": {"name": "severity_max", "in": "query", "schema": {"type": "string"}, "description": "Highest severity: 0..24 or a level name (the level's highest number)."},
      "from": {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "Start of the time range (inclusive)."},
      "to": {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "End of the time range (exclusive)."},
      "attr": {"name": "attr.<key>", "in": "query", "schema": {"type": "string"}, "description": "Attribute equality filter; repeatable with different keys."},
      "resource": {"name": "resource.<key>", "in": "query", "schema": {"type": "string"}, "description": "Resource attribute equality filter."},
      "label": {"name": "label.<key>", "in": "query", "schema": {"type": "string"}, "description": "Classifier label equality filter."},
      "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}, "description": "Page size or result limit (default 100, at most api.max_limit)."},
      "metric": {"name": "metric", "in": "query", "required": true, "schema": {"type": "string"}, "description": "Metric name."},
      "step": {"name": "step", "in": "query", "schema": {"type": "string", "default": "1m"}, "description": "Bucket width."}
    },
    "schemas": {
      "Error": {"type": "object", "properties": {"error": {"type": "string"}, "code": {"type": "string"}}},
      "Alert": {
        "type": "object",
        "properties": {
          "fingerprint": {"type": "string"}, "rule": {"type": "string"}, "rule_file": {"type": "string"},
          "state": {"type": "string", "enum": ["pending", "firing", "resolved"]},
          "labels": {"type": "object"}, "annotations": {"type": "object"}, "value": {"type": "number"},
          "active_since": {"type": "string", "format": "date-time", "nullable": true},
          "fired_at": {"type": "string", "format": "date-time", "nullable": true},
          "resolved_at": {"type": "string", "format": "date-time", "nullable": true},
          "state_changed_at": {"type": "string", "format": "date-time"},
          "last_evaluated_at": {"type": "string", "format": "date-time", "nullable": true},
          "flapping": {"type": "boolean"}, "flapping_since": {"type": "string", "nullable": true},
          "acknowledged": {"type": "object", "nullable": true, "properties": {"by": {"type": "string"}, "at": {"type": "string"}, "comment": {"type": "string"}}},
          "silenced_by": {"type": "array", "items": {"type": "string"}},
          "notified": {"type": "object", "description": "Receiver name to the time it was last notified."}
        }
      },
      "Silence": {
        "type": "object",
        "properties": {
          "id": {"type": "string"}, "state": {"type": "string", "enum": ["pending", "active", "expired"]},
          "matchers": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "op": {"type": "string", "enum": ["=", "!=", "=~", "!~"]}, "value": {"type": "string"}}}},
          "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
          "created_by": {"type": "string"}, "comment": {"type": "string"},
          "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"}
        }
      },
      "ActorBody": {"type": "object", "properties": {"by": {"type": "string"}, "comment": {"type": "string"}}},
      "Anomaly": {
        "type": "object",
        "properties": {
          "id": {"type": "string"}, "series_id": {"type": "string"}, "metric": {"type": "string"},
          "attributes": {"type": "object", "description": "Point attributes of the series."},
          "resource_attributes": {"type": "object"}, "service": {"type": "string"},
          "time": {"type": "string", "format": "date-time"}, "time_unix_nano": {"type": "string"},
          "value": {"type": "number", "nullable": true}, "score": {"type": "number", "nullable": true},
          "reason": {"type": "string"},
          "detector": {"type": "string", "description": "The detector instance's name."},
          "plugin": {"type": "string"}
        }
      },
      "Plugin": {
        "type": "object",
        "properties": {
          "name": {"type": "string"}, "kind": {"type": "string", "enum": ["classifier", "detector", "notifier", ""]},
          "version": {"type": "string"}, "description": {"type": "string"}, "path": {"type": "string"},
          "abi": {"type": "string"}, "thread_safe": {"type": "boolean"},
          "state": {"type": "string", "enum": ["loaded", "failed", "missing"]}, "error": {"type": "string"},
          "options": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}, "required": {"type": "boolean"}, "default": {"type": "string", "nullable": true}, "description": {"type": "string"}}}},
          "instances": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "state": {"type": "string", "enum": ["running", "suspended", "failed", "disabled"]},
            "error": {"type": "string"}, "calls": {"type": "integer"}, "errors": {"type": "integer"},
            "skipped": {"type": "integer"}, "suspensions": {"type": "integer"},
            "time_spent_seconds": {"type": "number"}, "suspended_until": {"type": "string", "nullable": true},
            "created_at": {"type": "string", "nullable": true},
            "consecutive_failures": {"type": "integer"}, "match": {"type": "array", "items": {"type": "string"}},
            "options": {"type": "object"}}}}
        }
      },
      "LogRecord": {
        "type": "object",
        "properties": {
          "id": {"type": "string"}, "time": {"type": "string", "format": "date-time"},
          "time_unix_nano": {"type": "string"}, "observed_time_unix_nano": {"type": "string"},
          "severity_number": {"type": "integer"}, "severity_text": {"type": "string"},
          "body": {"description": "String body as a string; other bodies in the store's JSON form."},
          "attributes": {"type": "object"}, "dropped_attributes_count": {"type": "integer"},
          "flags": {"type": "integer"}, "trace_id": {"type": "string"}, "span_id": {"type": "string"},
          "event_name": {"type": "string"}, "labels": {"type": "object"}, "service": {"type": "string"},
          "resource": {"type": "object", "properties": {"attributes": {"type": "object"}, "dropped_attributes_count": {"type": "integer"}, "schema_url": {"type": "string"}}},
          "scope": {"type": "object", "properties": {"name": {"type": "string"}, "version": {"type": "string"}, "attributes": {"type": "object"}, "dropped_attributes_count": {"type": "integer"}, "schema_url": {"type": "string"}}}
        }
      }
    }
  },
  "security": [{"bearer": []}],
  "paths": {
    "/api/v1/logs": {
      "get": {
        "summary": "Search log records, newest first, with keyset pagination.",
        "parameters": [
          {"$ref": "#/components/parameters/q"}, {"$ref": "#/components/parameters/fts"},
          {"$ref": "#/components/parameters/service"}, {"$ref": "#/components/parameters/severity_min"},
          {"$ref": "#/components/parameters/severity_max"}, {"$ref": "#/components/parameters/from"},
          {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/attr"},
          {"$ref": "#/components/parameters/resource"}, {"$ref": "#/components/parameters/label"},
          {"$ref": "#/components/parameters/limit"},
          {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "next_cursor of the previous page."}
        ],
        "responses": {
          "200": {"description": "A page of records.", "content": {"application/json": {"schema": {"type": "object", "properties": {"logs": {"type": "array", "items": {"$ref": "#/components/schemas/LogRecord"}}, "next_cursor": {"type": "string", "nullable": true}}}}}},
          "400": {"description": "Bad parameter.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/api/v1/logs/context": {
      "get": {
        "summary": "Records before and after one record, from the same stream (resource + scope) or the same file.",
        "parameters": [
          {"name": "id", "in": "query", "required": true, "schema": {"type": "string"}},
          {"name": "before", "in": "query", "schema": {"type": "integer", "default": 10}},
          {"name": "after", "in": "query", "schema": {"type": "integer", "default": 10}},
          {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["stream", "file"], "default": "stream"}}
        ],
        "responses": {
          "200": {"description": "The record and its neighbours, oldest first.", "content": {"application/json": {"schema": {"type": "object", "properties": {"before": {"type": "array", "items": {"$ref": "#/components/schemas/LogRecord"}}, "record": {"$ref": "#/components/schemas/LogRecord"}, "after": {"type": "array", "items": {"$ref": "#/components/schemas/LogRecord"}}}}}}},
          "404": {"description": "No such record.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/api/v1/logs/volume": {
      "get": {
        "summary": "Record counts per time bucket, split by severity level or service.",
        "parameters": [
          {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"},
          {"$ref": "#/components/parameters/step"},
          {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["severity", "service", "none"], "default": "severity"}},
          {"$ref": "#/components/parameters/q"}, {"$ref": "#/components/parameters/fts"},
          {"$ref": "#/components/parameters/service"}, {"$ref": "#/components/parameters/severity_min"},
          {"$ref": "#/components/parameters/severity_max"}, {"$ref": "#/components/parameters/attr"},
          {"$ref": "#/components/parameters/resource"}, {"$ref": "#/components/parameters/label"}
        ],
        "responses": {"200": {"description": "Counts.", "content": {"application/json": {"schema": {"type": "object", "properties": {"start": {"type": "string"}, "start_unix_nano": {"type": "string"}, "step_seconds": {"type": "number"}, "buckets": {"type": "integer"}, "from_rollup": {"type": "boolean"}, "series": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "counts": {"type": "array", "items": {"type": "integer"}}}}}}}}}}}
      }
    },
    "/api/v1/metrics": {
      "get": {
        "summary": "Stored metric names with type, unit and series count.",
        "parameters": [{"name": "prefix", "in": "query", "schema": {"type": "string"}}, {"$ref": "#/components/parameters/limit"}],
        "responses": {"200": {"description": "Metrics.", "content": {"application/json": {"schema": {"type": "object", "properties": {"metrics": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}, "unit": {"type": "string"}, "description": {"type": "string"}, "temporality": {"type": "integer"}, "monotonic": {"type": "boolean"}, "series": {"type": "integer"}}}}}}}}}}
      }
    },
    "/api/v1/metrics/series": {
      "get": {
        "summary": "Series of one metric, filtered by point or resource attributes.",
        "parameters": [{"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/attr"}, {"$ref": "#/components/parameters/limit"}],
        "responses": {"200": {"description": "Series.", "content": {"application/json": {"schema": {"type": "object", "properties": {"series": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "metric": {"type": "string"}, "type": {"type": "string"}, "unit": {"type": "string"}, "attributes": {"type": "object"}, "resource_attributes": {"type": "object"}, "service": {"type": "string"}, "scope": {"type": "string"}}}}}}}}}}
      }
    },
    "/api/v1/metrics/query": {
      "get": {
        "summary": "One or several metrics aggregated into time buckets, optionally grouped by an attribute. Histogram metrics answer p50/p95/p99 from their buckets.",
        "parameters": [
          {"name": "metric", "in": "query", "required": true, "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true, "description": "Metric name; repeat to overlay several."},
          {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"},
          {"$ref": "#/components/parameters/step"},
          {"name": "agg", "in": "query", "schema": {"type": "string", "enum": ["avg", "sum", "min", "max", "count", "rate", "p50", "p95", "p99"], "default": "avg"}},
          {"name": "group_by", "in": "query", "schema": {"type": "string"}, "description": "Attribute key (point attributes, then resource attributes)."},
          {"$ref": "#/components/parameters/attr"},
          {"$ref": "#/components/parameters/limit"}
        ],
        "responses": {
          "200": {"description": "Bucketed values (null = no data).", "content": {"application/json": {"schema": {"type": "object", "properties": {"start": {"type": "string"}, "start_unix_nano": {"type": "string"}, "step_seconds": {"type": "number"}, "buckets": {"type": "integer"}, "agg": {"type": "string"}, "truncated": {"type": "boolean"}, "from_rollup": {"type": "boolean"}, "series": {"type": "array", "items": {"type": "object", "properties": {"metric": {"type": "string"}, "type": {"type": "string"}, "group": {"type": "object"}, "values": {"type": "array", "items": {"type": "number", "nullable": true}}}}}}}}}},
          "400": {"description": "Bad parameter.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/api/v1/metrics/histogram": {
      "get": {
        "summary": "How a metric's values spread over N equal-width bins in a time range.",
        "parameters": [{"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"name": "bins", "in": "query", "schema": {"type": "integer", "default": 20, "maximum": 1000}}, {"$ref": "#/components/parameters/attr"}],
        "responses": {"200": {"description": "Bins.", "content": {"application/json": {"schema": {"type": "object", "properties": {"min": {"type": "number"}, "max": {"type": "number"}, "total": {"type": "integer"}, "bins": {"type": "array", "items": {"type": "object", "properties": {"lower": {"type": "number"}, "upper": {"type": "number"}, "count": {"type": "integer"}}}}}}}}}}
      }
    },
    "/api/v1/anomalies": {
      "get": {
        "summary": "Anomalies the detector plugins found in metric series, newest first, with keyset pagination.",
        "parameters": [
          {"name": "metric", "in": "query", "schema": {"type": "string"}, "description": "Only this metric."},
          {"name": "detector", "in": "query", "schema": {"type": "string"}, "description": "Only this detector instance (plugins.instances[].name)."},
          {"name": "min_score", "in": "query", "schema": {"type": "number"}, "description": "Only anomalies scored at least this."},
          {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"},
          {"$ref": "#/components/parameters/limit"},
          {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "next_cursor of the previous page."}
        ],
        "responses": {
          "200": {"description": "A page of anomalies.", "content": {"application/json": {"schema": {"type": "object", "properties": {"anomalies": {"type": "array", "items": {"$ref": "#/components/schemas/Anomaly"}}, "next_cursor": {"type": "string", "nullable": true}}}}}},
          "400": {"description": "Bad parameter.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/api/v1/plugins": {
      "get": {
        "summary": "Every plugin file (loaded or refused, with the reason) and its configured instances with their counters.",
        "responses": {"200": {"description": "Plugins.", "content": {"application/json": {"schema": {"type": "object", "properties": {"plugins": {"type": "array", "items": {"$ref": "#/components/schemas/Plugin"}}}}}}}}
      }
    },
    "/api/v1/alerts": {
      "get": {
        "summary": "Alerts the rules raised: firing first, then pending, then resolved (kept for alerting.retention.resolved).",
        "parameters": [
          {"name": "state", "in": "query", "schema": {"type": "string"}, "description": "pending, firing, resolved; comma-separated or repeated."},
          {"name": "rule", "in": "query", "schema": {"type": "string"}},
          {"name": "match", "in": "query", "schema": {"type": "string"}, "description": "A label matcher (name=value, !=, =~, !~); repeat to AND."},
          {"$ref": "#/components/parameters/label"},
          {"name": "acknowledged", "in": "query", "schema": {"type": "boolean"}},
          {"name": "silenced", "in": "query", "schema": {"type": "boolean"}}
        ],
        "responses": {"200": {"description": "Alerts.", "content": {"application/json": {"schema": {"type": "object", "properties": {"alerts": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}}}}}}}, "400": {"description": "Bad parameter or body field (named).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
      }
    },
    "/api/v1/alerts/{fingerprint}": {
      "get": {
        "summary": "One alert (null when no longer listed) and its history, newest first.",
        "parameters": [{"name": "fingerprint", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "history_limit", "in": "query", "schema": {"type": "integer", "default": 100}}],
        "responses": {"200": {"description": "The alert and its history.", "content": {"application/json": {"schema": {"type": "object", "properties": {"alert": {"$ref": "#/components/schemas/Alert"}, "history": {"type": "array", "items": {"type": "object"}}}}}}}, "404": {"description": "Unknown fingerprint."}}
      }
    },
    "/api/v1/alerts/{fingerprint}/ack": {
      "post": {"summary": "Acknowledge a pending or firing alert: no repeats until it changes.", "parameters": [{"name": "fingerprint", "in": "path", "required": true, "schema": {"type": "string"}}], "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ActorBody"}}}}, "responses": {"200": {"description": "The alert.", "content": {"application/json": {"schema": {"type": "object", "properties": {"alert": {"$ref": "#/components/schemas/Alert"}}}}}}, "400": {"description": "Bad parameter or body field (named).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "404": {"description": "Unknown fingerprint."}, "409": {"description": "The alert is resolved."}}},
      "delete": {"summary": "Remove the acknowledgement.", "parameters": [{"name": "fingerprint", "in": "path", "required": true, "schema": {"type": "string"}}], "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ActorBody"}}}}, "responses": {"200": {"description": "The alert.", "content": {"application/json": {"schema": {"type": "object", "properties": {"alert": {"$ref": "#/components/schemas/Alert"}}}}}}, "404": {"description": "Unknown fingerprint."}}}
    },
    "/api/v1/alerts/{fingerprint}/resolve": {
      "post": {"summary": "Resolve an alert by hand (notified as a resolve).", "parameters": [{"name": "fingerprint", "in": "path", "required": true, "schema": {"type": "string"}}], "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ActorBody"}}}}, "responses": {"200": {"description": "The alert.", "content": {"application/json": {"schema": {"type": "object", "properties": {"alert": {"$ref": "#/components/schemas/Alert"}}}}}}, "400": {"description": "Bad parameter or body field (named).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "404": {"description": "Unknown fingerprint."}, "409": {"description": "Already resolved."}}}
    },
    "/api/v1/silences": {
      "get": {
        "summary": "Silences: active and pending first, then expired.",
        "parameters": [{"name": "state", "in": "query", "schema": {"type": "string", "enum": ["pending", "active", "expired"]}}],
        "responses": {"200": {"description": "Silences.", "content": {"application/json": {"schema": {"type": "object", "properties": {"silences": {"type": "array", "items": {"$ref": "#/components/schemas/Silence"}}}}}}}}
      },
      "post": {
        "summary": "Create a silence (201), or replace the one whose id is given (200). Matchers are strings like host=~web-.* or objects {name, op, value}; ends_at or duration is required.",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}, "matchers": {"type": "array", "items": {}}, "starts_at": {"type": "string"}, "ends_at": {"type": "string"}, "duration": {"type": "string"}, "created_by": {"type": "string"}, "comment": {"type": "string"}}}}}},
        "responses": {"200": {"description": "The silence.", "content": {"application/json": {"schema": {"type": "object", "properties": {"silence": {"$ref": "#/components/schemas/Silence"}}}}}}, "201": {"description": "The silence.", "content": {"application/json": {"schema": {"type": "object", "properties": {"silence": {"$ref": "#/components/schemas/Silence"}}}}}}, "400": {"description": "Bad parameter or body field (named).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "404": {"description": "Unknown id."}, "413": {"description": "Body too large."}}
      }
    },
    "/api/v1/silences/{id}": {
      "get": {"summary": "One silence.", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "The silence.", "content": {"application/json": {"schema": {"type": "object", "properties": {"silence": {"$ref": "#/components/schemas/Silence"}}}}}}, "404": {"description": "Unknown id."}}},
      "delete": {"summary": "Expire the silence now, or delete it with purge=true.", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "purge", "in": "query", "schema": {"type": "boolean"}}], "responses": {"200": {"description": "The silence.", "content": {"application/json": {"schema": {"type": "object", "properties": {"silence": {"$ref": "#/components/schemas/Silence"}}}}}}, "404": {"description": "Unknown id."}}}
    },
    "/api/v1/notifications": {
      "get": {
        "summary": "Recent notifications to receivers, newest first: status (firing/resolved), delivery state, attempts, last error.",
        "parameters": [
          {"$ref": "#/components/parameters/limit"},
          {"name": "receiver", "in": "query", "schema": {"type": "string"}, "description": "Only this notifier instance; repeatable."},
          {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["pending", "delivered", "failed", "superseded"]}, "description": "Repeatable."}
        ],
        "responses": {"200": {"description": "Notifications.", "content": {"application/json": {"schema": {"type": "object", "properties": {"notifications": {"type": "array", "items": {"type": "object", "properties": {
          "id": {"type": "string"}, "receiver": {"type": "string"}, "group_key": {"type": "string"},
          "status": {"type": "string", "enum": ["firing", "resolved"]},
          "state": {"type": "string", "enum": ["pending", "delivered", "failed", "superseded"]},
          "attempts": {"type": "integer"}, "fingerprints": {"type": "array", "items": {"type": "string"}},
          "created_at": {"type": "string"}, "next_attempt_at": {"type": "string", "nullable": true},
          "delivered_at": {"type": "string", "nullable": true}, "updated_at": {"type": "string"},
          "last_error": {"type": "string", "nullable": true}}}}}}}}},
          "400": {"description": "Bad parameter.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
      }
    },
    "/api/v1/rules": {
      "get": {
        "summary": "Every loaded rule (file, line, trigger, for, window, labels, state, last evaluation and its duration, last error, counts) and every rule file of the last load, with the error of a refused one.",
        "responses": {"200": {"description": "Rules and rule files.", "content": {"application/json": {"schema": {"type": "object", "properties": {"rules": {"type": "array", "items": {"type": "object"}}, "files": {"type": "array", "items": {"type": "object", "properties": {"file": {"type": "string"}, "loaded": {"type": "boolean"}, "kept_previous": {"type": "boolean"}, "error": {"type": "string", "nullable": true}}}}, "dir": {"type": "string"}, "last_load": {"type": "string"}, "dropped_records": {"type": "integer"}}}}}}}
      }
    },
    "/api/v1/rules/reload": {
      "post": {
        "summary": "Reload the rule files now (as SIGHUP and a change in the rules directory do). A file with an error is refused and its previous version keeps running.",
        "responses": {"200": {"description": "Every file loaded; the body is GET /api/v1/rules."}, "422": {"description": "Some files were refused; the body is GET /api/v1/rules, naming them."}}
      }
    },
    "/api/v1/openapi.json": {
      "get": {"summary": "This document.", "security": [], "responses": {"200": {"description": "OpenAPI 3 document."}}}
    }
  }
})json";

}  // namespace

std::string_view OpenApiDocument() { return kDocument; }

}  // namespace nightjar::collector
