/* threshold_detector: an anomaly detector plugin in plain C, using only nightjar/plugin.h.
 *
 * Flags points above `above` (required) or below `below` (optional); the score is how far past
 * the threshold the value is. It keeps no state, so it declares itself thread-safe. */
#include <nightjar/plugin.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct threshold {
  double above;
  int has_below;
  double below;
} threshold;

static const nj_option_decl kOptions[] = {
    {"above", NJ_OPTION_DOUBLE, NJ_OPTION_REQUIRED, NULL, "Values above this are anomalous.", 0, 0,
     NULL},
    {"below", NJ_OPTION_DOUBLE, 0, NULL, "Values below this are anomalous too.", 0, 0, NULL},
};

static int32_t Create(const nj_host* host, const nj_options* options, void** instance,
                      nj_buffer* error) {
  threshold* t = (threshold*)calloc(1, sizeof(threshold));
  if (t == NULL) {
    nj_buffer_set_cstr(error, "out of memory");
    return NJ_ERROR;
  }
  /* Values come in declaration order, validated and with defaults filled in by the host. */
  t->above = nj_option_at(options, 0)->double_value;
  t->has_below = (int)nj_option_at(options, 1)->is_set;
  t->below = nj_option_at(options, 1)->double_value;
  if (t->has_below && t->below >= t->above) {
    free(t);
    nj_buffer_set_cstr(error, "below must be smaller than above");
    return NJ_ERROR;
  }
  host->log(host->context, NJ_LOG_INFO, nj_str_from_cstr("threshold detector ready"));
  *instance = t;
  return NJ_OK;
}

static void Destroy(void* instance) { free(instance); }

static int32_t Detect(void* instance, const nj_metric_point* point, nj_detect_result* result,
                      nj_buffer* error) {
  const threshold* t = (const threshold*)instance;
  char reason[128];
  (void)error;
  if (point->value > t->above) {
    result->score = point->value - t->above;
    result->anomalous = 1;
    snprintf(reason, sizeof(reason), "%g is above %g", point->value, t->above);
    nj_buffer_set_cstr(&result->reason, reason);
  } else if (t->has_below && point->value < t->below) {
    result->score = t->below - point->value;
    result->anomalous = 1;
    snprintf(reason, sizeof(reason), "%g is below %g", point->value, t->below);
    nj_buffer_set_cstr(&result->reason, reason);
  }
  return NJ_OK;
}

static const nj_plugin_descriptor kDescriptor = {
    .struct_size = sizeof(nj_plugin_descriptor),
    .abi_major = NJ_PLUGIN_ABI_MAJOR,
    .abi_minor = NJ_PLUGIN_ABI_MINOR,
    .kind = NJ_KIND_DETECTOR,
    .flags = NJ_PLUGIN_THREAD_SAFE,
    .option_decl_size = sizeof(nj_option_decl),
    .name = "threshold",
    .version = "1.0.0",
    .description = "Flags values beyond fixed thresholds.",
    .options = kOptions,
    .option_count = sizeof(kOptions) / sizeof(kOptions[0]),
    .create = Create,
    .destroy = Destroy,
    .detect = Detect,
};

NJ_PLUGIN_EXPORT const nj_plugin_descriptor* nj_plugin_entry(void) { return &kDescriptor; }
