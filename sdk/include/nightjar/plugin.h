/* The Nightjar plugin ABI: the C interface between the collector and the classifier, anomaly
 * detector and notifier plugins it loads from shared libraries.
 *
 * A plugin is a shared library that exports exactly one symbol, nj_plugin_entry, returning a
 * descriptor: the ABI version it was built for, what kind of plugin it is, its name, version
 * and declared options, and the functions the collector calls. Only C crosses this boundary:
 * plain-data structs, fixed-width integers and borrowed {data, size} string views. No C++
 * types, no exceptions, and no memory allocated on one side is freed on the other.
 *
 * Compatibility rules (docs/plugin-guide.md explains them with examples):
 *  - NJ_PLUGIN_ABI_MAJOR changes when anything here changes incompatibly. A collector loads only
 *    plugins of its own major.
 *  - NJ_PLUGIN_ABI_MINOR grows when something is appended: a field at the end of a growable
 *    struct, a constant, a host service. A collector loads plugins built for its own minor or
 *    an older one, and refuses newer ones.
 *  - Growable structs start with `struct_size`, set by whoever fills the struct to the size it
 *    was compiled with. Read a field added in a later minor only when struct_size shows it is
 *    there. Frozen structs (marked so below) are elements of arrays and never change within a
 *    major.
 *  - Every pointer carries an OWNERSHIP note: who owns the memory and for how long it is valid.
 *    "Borrowed for the call" means: copy what you need before returning.
 *  - Strings are UTF-8 {data, size} views and are not NUL-terminated unless a note says so.
 *
 * Thread-safety: the collector never calls one instance from two threads at once unless the
 * descriptor carries NJ_PLUGIN_THREAD_SAFE. Different instances may be called concurrently, so
 * state shared between instances (globals) must be synchronised by the plugin. create and
 * destroy are never concurrent with any hook of the same instance. Host services may be called
 * from any thread.
 *
 * A test pins a hash of this file: changing it requires an ABI version bump (see
 * docs/plugin-guide.md, "Changing the ABI").
 */
#ifndef NIGHTJAR_PLUGIN_H_
#define NIGHTJAR_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ----------------------------------------------------------------------------------------- */
/* Versions, names and constants                                                              */

#define NJ_PLUGIN_ABI_MAJOR 1
#define NJ_PLUGIN_ABI_MINOR 0

/* The one symbol a plugin exports. Its signature never changes, in any major. */
#define NJ_PLUGIN_ENTRY_SYMBOL "nj_plugin_entry"

/* Gives a function default visibility, so that it is exported from a library built with
 * -fvisibility=hidden. Only nj_plugin_entry needs it. */
#define NJ_PLUGIN_EXPORT __attribute__((visibility("default")))

/* Return codes of create and of every hook. NJ_ERROR means the plugin failed (a bug, a broken
 * resource), not that the input was uninteresting; the host counts errors and suspends an
 * instance that keeps failing. */
#define NJ_OK 0
#define NJ_ERROR 1

/* Plugin kinds (nj_plugin_descriptor.kind). */
#define NJ_KIND_CLASSIFIER 1 /* enriches log records before they are stored */
#define NJ_KIND_DETECTOR 2   /* scores metric points for anomalies */
#define NJ_KIND_NOTIFIER 3   /* delivers alert notifications */

/* Descriptor flags. */
#define NJ_PLUGIN_THREAD_SAFE 0x1u /* hooks of one instance may run concurrently */

/* Option types (nj_option_decl.type, nj_option_value.type). */
#define NJ_OPTION_STRING 1
#define NJ_OPTION_INT 2         /* 64-bit signed integer */
#define NJ_OPTION_DOUBLE 3      /* finite number */
#define NJ_OPTION_BOOL 4        /* true/false, yes/no, on/off */
#define NJ_OPTION_DURATION 5    /* "250ms", "30s", "1h30m"; given to the plugin in nanoseconds */
#define NJ_OPTION_STRING_LIST 6 /* a string or a list of strings */
#define NJ_OPTION_STRING_MAP 7  /* a mapping of string keys to string values, in file order */

/* Option flags (nj_option_decl.flags). */
#define NJ_OPTION_REQUIRED 0x1u /* the user must set it; it has no default */
#define NJ_OPTION_SECRET 0x2u   /* the host never logs or displays the value */
#define NJ_OPTION_RANGE 0x4u    /* min_value..max_value bound INT, DOUBLE and DURATION (ns) */

/* Value types (nj_value.type), the kinds of an OTLP AnyValue. */
#define NJ_VALUE_EMPTY 0
#define NJ_VALUE_STRING 1
#define NJ_VALUE_BOOL 2
#define NJ_VALUE_INT 3
#define NJ_VALUE_DOUBLE 4
#define NJ_VALUE_BYTES 5
#define NJ_VALUE_ARRAY 6  /* string_value holds the array as JSON text */
#define NJ_VALUE_KVLIST 7 /* string_value holds the key/value list as a JSON object */

/* Log levels for nj_host.log, numbered like syslog priorities. */
#define NJ_LOG_ERROR 3
#define NJ_LOG_WARNING 4
#define NJ_LOG_INFO 6
#define NJ_LOG_DEBUG 7

/* Alert and notification status. */
#define NJ_ALERT_FIRING 1
#define NJ_ALERT_RESOLVED 2

/* Outcomes of a notification (nj_notify_result.outcome). */
#define NJ_NOTIFY_DELIVERED 1   /* the receiver accepted it */
#define NJ_NOTIFY_RETRY_LATER 2 /* a temporary failure; the host retries after a delay */
#define NJ_NOTIFY_FAILED 3      /* a permanent failure; retrying will not help */

/* ----------------------------------------------------------------------------------------- */
/* Frozen value types: elements of arrays, never changed within a major                       */

/* A borrowed UTF-8 string: `size` bytes at `data`, not NUL-terminated unless noted.
 * OWNERSHIP of data: as documented where the view appears. */
typedef struct nj_str {
  const char* data;
  size_t size;
} nj_str;

/* A key and a value, both strings (labels, annotations, headers).
 * OWNERSHIP: as documented where the pair appears. */
typedef struct nj_str_pair {
  nj_str key;
  nj_str value;
} nj_str_pair;

/* A value of an attribute or a log body. Only the field matching `type` is meaningful.
 * OWNERSHIP of string_value.data: as documented where the value appears. */
typedef struct nj_value {
  uint32_t type;       /* NJ_VALUE_* */
  uint32_t reserved;   /* zero */
  int64_t int_value;   /* INT; BOOL as 0 or 1 */
  double double_value; /* DOUBLE */
  nj_str string_value; /* STRING; BYTES (raw bytes); ARRAY and KVLIST (as JSON text) */
} nj_value;

/* One attribute: a key and its value.
 * OWNERSHIP: as documented where the attribute appears. */
typedef struct nj_attribute {
  nj_str key;
  nj_value value;
} nj_attribute;

/* A byte buffer the host lends to the plugin for text the plugin returns (error messages,
 * reasons). The plugin writes at most `capacity` bytes at `data` and sets `size`; the host
 * cuts longer text. Use nj_buffer_set.
 * OWNERSHIP of data: host; writable for the duration of the call only. */
typedef struct nj_buffer {
  char* data;
  size_t capacity;
  size_t size;
} nj_buffer;

/* ----------------------------------------------------------------------------------------- */
/* Host services                                                                              */

/* What the host lends to one instance: its identity and services. Every function takes
 * `context` as its first argument.
 * OWNERSHIP: host. The struct and every pointer in it stay valid from create until destroy
 * returns, so an instance may keep the pointer. */
typedef struct nj_host {
  uint32_t struct_size;
  uint32_t abi_major; /* the host's ABI version; abi_minor >= the plugin's */
  uint32_t abi_minor;
  uint32_t reserved;
  void* context;        /* OWNERSHIP: host; opaque, pass it back unchanged */
  nj_str plugin_name;   /* OWNERSHIP: host, until destroy; NUL-terminated */
  nj_str instance_name; /* OWNERSHIP: host, until destroy; NUL-terminated */
  nj_str host_version;  /* e.g. "nightjar-collector/0.1.0"; OWNERSHIP: host, until destroy */

  /* Writes a line to the collector's log, tagged with the plugin and instance names.
   * `level` is an NJ_LOG_* value. OWNERSHIP of message: plugin, borrowed for the call. */
  void (*log)(void* context, uint32_t level, nj_str message);
  /* Returns wall-clock time in nanoseconds since the Unix epoch. */
  int64_t (*now_unix_nanos)(void* context);
  /* Returns monotonic time in nanoseconds from an arbitrary start, for intervals. */
  int64_t (*monotonic_nanos)(void* context);
} nj_host;

/* ----------------------------------------------------------------------------------------- */
/* Options                                                                                    */

/* One option a plugin accepts. The host validates the user's configuration against the table
 * before create: unknown keys, missing required options and values of the wrong type or out of
 * range are refused with a message naming the option, and defaults are filled in.
 * OWNERSHIP: plugin; the table and its strings must stay valid while the library is loaded
 * (static storage). */
typedef struct nj_option_decl {
  const char* name; /* NUL-terminated, [a-z0-9_], unique in the table */
  uint32_t type;    /* NJ_OPTION_* */
  uint32_t flags;   /* NJ_OPTION_REQUIRED | NJ_OPTION_SECRET | NJ_OPTION_RANGE */
  /* The default as a user would write it ("30s", "3.5", "true"); NULL for none. Must be NULL
   * for REQUIRED, STRING_LIST and STRING_MAP options (their default is empty). */
  const char* default_value;
  const char* description; /* one sentence for users; NUL-terminated */
  double min_value;        /* with NJ_OPTION_RANGE: smallest allowed value */
  double max_value;        /* with NJ_OPTION_RANGE: largest allowed value */
  const char* choices;     /* STRING only: allowed values separated by '|', or NULL for any */
} nj_option_decl;

/* The validated value of one declared option.
 * OWNERSHIP: host; every pointer stays valid until destroy returns. Strings are
 * NUL-terminated. */
typedef struct nj_option_value {
  nj_str name;            /* the declared name */
  uint32_t type;          /* NJ_OPTION_*, as declared */
  uint32_t is_set;        /* 0 when the option is optional, absent and has no default */
  int64_t int_value;      /* INT; BOOL as 0 or 1; DURATION in nanoseconds */
  double double_value;    /* DOUBLE */
  nj_str string_value;    /* STRING */
  const nj_str* list;     /* STRING_LIST items; OWNERSHIP: host, until destroy */
  size_t list_size;       /* number of items */
  const nj_str_pair* map; /* STRING_MAP entries in file order; OWNERSHIP: host, until destroy */
  size_t map_size;        /* number of entries */
} nj_option_value;

/* The options of one instance: exactly one value per declared option, in declaration order,
 * so that values[i] belongs to the descriptor's options[i].
 * OWNERSHIP: host; valid until destroy returns. */
typedef struct nj_options {
  uint32_t struct_size;
  uint32_t value_size;           /* stride of `values`; use nj_option_at */
  const nj_option_value* values; /* OWNERSHIP: host, until destroy */
  size_t count;
} nj_options;

/* ----------------------------------------------------------------------------------------- */
/* Classifier                                                                                 */

/* A log record to classify.
 * OWNERSHIP: host; the struct and everything it points to are borrowed for the call. */
typedef struct nj_log_record {
  uint32_t struct_size;
  int32_t severity_number; /* OTLP SeverityNumber: 0 unset, 1-4 TRACE ... 21-24 FATAL */
  nj_str severity_text;    /* as the source wrote it, possibly empty */
  uint64_t time_unix_nano; /* 0 when unknown */
  uint64_t observed_time_unix_nano;
  nj_value body;
  const nj_attribute* attributes; /* record attributes */
  size_t attribute_count;
  const nj_attribute* resource_attributes; /* attributes of the resource (host, service) */
  size_t resource_attribute_count;
  nj_str scope_name; /* instrumentation scope, possibly empty */
  nj_str event_name; /* possibly empty */
} nj_log_record;

/* Where a classifier puts what it found. The host copies every argument before the function
 * returns, so the plugin may pass temporaries.
 * OWNERSHIP: host; borrowed for the call. */
typedef struct nj_classify_output {
  uint32_t struct_size;
  uint32_t reserved;
  void* context; /* OWNERSHIP: host; pass it back unchanged */
  /* Adds a label: a short string the collector stores with the record and lets users filter
   * on (e.g. log.class=timeout). */
  void (*add_label)(void* context, nj_str key, nj_str value);
  /* Adds an attribute of any type to the record (e.g. a confidence as a double). */
  void (*add_attribute)(void* context, nj_str key, const nj_value* value);
  /* Sets the record's severity (number and text). Later classifiers see the new severity. */
  void (*set_severity)(void* context, int32_t severity_number, nj_str severity_text);
} nj_classify_output;

/* ----------------------------------------------------------------------------------------- */
/* Detector                                                                                   */

/* One point of a metric series.
 * OWNERSHIP: host; the struct and everything it points to are borrowed for the call. */
typedef struct nj_metric_point {
  uint32_t struct_size;
  uint32_t reserved;
  /* Identifies the series (metric name, point attributes and resource attributes): equal for
   * every point of one series and different between series for the host's lifetime. Key
   * per-series state by it. */
  uint64_t series_id;
  nj_str metric_name;
  nj_str unit;
  const nj_attribute* attributes;
  size_t attribute_count;
  const nj_attribute* resource_attributes;
  size_t resource_attribute_count;
  int64_t time_unix_nano;
  double value;
} nj_metric_point;

/* What a detector says about one point. The host zeroes score and anomalous before the call.
 * OWNERSHIP: host; borrowed for the call. */
typedef struct nj_detect_result {
  uint32_t struct_size;
  uint32_t anomalous; /* out: 1 when the point is anomalous */
  double score;       /* out: how unusual the point is; larger is more unusual */
  nj_buffer reason;   /* out: a short reason for users, e.g. "value 97.5 is 6.2 MADs above" */
} nj_detect_result;

/* ----------------------------------------------------------------------------------------- */
/* Notifier                                                                                   */

/* One alert in a notification.
 * OWNERSHIP: host; the struct and everything it points to are borrowed for the call. */
typedef struct nj_alert {
  uint32_t struct_size;
  uint32_t status;           /* NJ_ALERT_FIRING or NJ_ALERT_RESOLVED */
  const nj_str_pair* labels; /* identity of the alert */
  size_t label_count;
  const nj_str_pair* annotations; /* text for humans: summary, description, runbook */
  size_t annotation_count;
  int64_t starts_at_unix_nano;
  int64_t ends_at_unix_nano; /* 0 while firing */
  nj_str fingerprint;        /* stable hex id of the label set */
  nj_str generator_url;      /* link to the rule or query, possibly empty */
} nj_alert;

/* A group of alerts to deliver together.
 * OWNERSHIP: host; the struct and everything it points to are borrowed for the call. */
typedef struct nj_notification {
  uint32_t struct_size;
  uint32_t status;  /* NJ_ALERT_FIRING when any alert fires, else NJ_ALERT_RESOLVED */
  nj_str id;        /* unique per notification, equal across retries: for deduplication */
  nj_str group_key; /* identifies the group the alerts were grouped into */
  nj_str receiver;  /* the instance name the notification is routed to */
  const nj_str_pair* group_labels;
  size_t group_label_count;
  const nj_str_pair* common_labels;
  size_t common_label_count;
  const nj_str_pair* common_annotations;
  size_t common_annotation_count;
  const nj_alert* const* alerts; /* array of pointers, so that nj_alert can grow */
  size_t alert_count;
  nj_str external_url;       /* the collector's URL for links, possibly empty */
  uint32_t truncated_alerts; /* alerts left out of `alerts` to bound the size */
  uint32_t attempt;          /* 1 on the first delivery, 2 on the first retry, ... */
} nj_notification;

/* The outcome of a notification.
 * OWNERSHIP: host; borrowed for the call. */
typedef struct nj_notify_result {
  uint32_t struct_size;
  uint32_t outcome;          /* out: NJ_NOTIFY_*; the host presets NJ_NOTIFY_FAILED */
  int64_t retry_after_nanos; /* out: RETRY_LATER only; 0 lets the host choose the delay */
  nj_buffer message;         /* out: why it failed or must be retried, for operators */
} nj_notify_result;

/* ----------------------------------------------------------------------------------------- */
/* The descriptor                                                                             */

/* Everything the host needs to know about a plugin. The first three fields never move, in any
 * major, so that a host can always read the version of a plugin it cannot load.
 * OWNERSHIP: plugin; the descriptor and every string and table it points to must stay valid
 * while the library is loaded (static storage). */
typedef struct nj_plugin_descriptor {
  uint32_t struct_size;          /* sizeof(nj_plugin_descriptor) as the plugin was compiled */
  uint32_t abi_major;            /* NJ_PLUGIN_ABI_MAJOR as the plugin was compiled */
  uint32_t abi_minor;            /* NJ_PLUGIN_ABI_MINOR as the plugin was compiled */
  uint32_t kind;                 /* NJ_KIND_* */
  uint32_t flags;                /* NJ_PLUGIN_THREAD_SAFE */
  uint32_t option_decl_size;     /* sizeof(nj_option_decl): the stride of `options` */
  const char* name;              /* unique among loaded plugins, [a-z0-9_.-]; NUL-terminated */
  const char* version;           /* the plugin's own version, e.g. "1.2.0"; NUL-terminated */
  const char* description;       /* one sentence for users; NUL-terminated; may be NULL */
  const nj_option_decl* options; /* the declared options; NULL when option_count is 0 */
  size_t option_count;

  /* Creates an instance from validated options. Parse and prepare everything here: hooks are
   * the hot path. On failure, write the reason to `error` and return NJ_ERROR; the host then
   * disables this instance and shows the message.
   * OWNERSHIP: host and options are lent until destroy returns. *instance is plugin-owned and
   * released only by destroy. */
  int32_t (*create)(const nj_host* host, const nj_options* options, void** instance,
                    nj_buffer* error);
  /* Releases an instance. Called once, after the last hook call on it has returned. */
  void (*destroy)(void* instance);

  /* The hook of the plugin's kind must be set; the others must be NULL. Each returns NJ_OK, or
   * NJ_ERROR with a reason in `error`. */

  /* Classifier: looks at one log record and adds labels, attributes or a severity. */
  int32_t (*classify)(void* instance, const nj_log_record* record, const nj_classify_output* output,
                      nj_buffer* error);
  /* Detector: scores one point of a series. Points of one series arrive in time order. */
  int32_t (*detect)(void* instance, const nj_metric_point* point, nj_detect_result* result,
                    nj_buffer* error);
  /* Notifier: delivers one notification and says whether it was delivered, should be retried
   * or failed for good. NJ_ERROR is for plugin faults; a receiver's refusal is an outcome. */
  int32_t (*notify)(void* instance, const nj_notification* notification, nj_notify_result* result,
                    nj_buffer* error);
} nj_plugin_descriptor;

/* Returns the plugin's descriptor. Every plugin library defines this one function and exports
 * nothing else.
 * OWNERSHIP: plugin; the descriptor stays valid while the library is loaded. */
NJ_PLUGIN_EXPORT const nj_plugin_descriptor* nj_plugin_entry(void);

/* ----------------------------------------------------------------------------------------- */
/* Helpers for plugins written in C                                                           */

/* Returns a view of a NUL-terminated string.
 * OWNERSHIP: the view borrows `text`. */
static inline nj_str nj_str_from_cstr(const char* text) {
  nj_str s;
  s.data = text;
  s.size = text != NULL ? strlen(text) : 0;
  return s;
}

/* Copies `size` bytes of `text` into a host buffer, cutting what does not fit. */
static inline void nj_buffer_set(nj_buffer* buffer, const char* text, size_t size) {
  if (buffer == NULL || buffer->data == NULL) return;
  if (size > buffer->capacity) size = buffer->capacity;
  if (size > 0) memcpy(buffer->data, text, size);
  buffer->size = size;
}

/* Copies a NUL-terminated string into a host buffer, cutting what does not fit. */
static inline void nj_buffer_set_cstr(nj_buffer* buffer, const char* text) {
  nj_buffer_set(buffer, text, text != NULL ? strlen(text) : 0);
}

/* Returns the value of the i-th declared option (i < options->count).
 * OWNERSHIP: host; valid until destroy returns. */
static inline const nj_option_value* nj_option_at(const nj_options* options, size_t i) {
  return (const nj_option_value*)((const char*)options->values + i * options->value_size);
}

/* Returns the value of the option named `name`, or NULL when no such option is declared.
 * OWNERSHIP: host; valid until destroy returns. */
static inline const nj_option_value* nj_option_find(const nj_options* options, const char* name) {
  size_t length = strlen(name);
  for (size_t i = 0; i < options->count; ++i) {
    const nj_option_value* value = nj_option_at(options, i);
    if (value->name.size == length && memcmp(value->name.data, name, length) == 0) return value;
  }
  return NULL;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NIGHTJAR_PLUGIN_H_ */
