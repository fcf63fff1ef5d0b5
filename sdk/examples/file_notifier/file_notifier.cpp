// file_notifier: a notifier plugin that appends one line per notification to a file, e.g. for
// a log shipper to pick up. Shows outcomes: an unwritable file fails for good, a failed write
// asks to retry.
#include <nightjar/plugin.hpp>

#include <fstream>
#include <string>

class FileNotifier : public nightjar::sdk::Notifier {
 public:
  static constexpr nightjar::sdk::PluginInfo kInfo{"file_notifier", "1.0.0",
                                                   "Appends notifications to a file."};
  static constexpr nightjar::sdk::Option kOptions[] = {
      nightjar::sdk::Option::String("path", nullptr, "The file to append to.").Required(),
  };

  explicit FileNotifier(const nightjar::sdk::Context& context)
      : path_(context.options().String("path")) {}

  nightjar::sdk::NotifyResult Notify(const nightjar::sdk::Notification& n) override {
    std::ofstream out(path_, std::ios::app);
    if (!out) return nightjar::sdk::NotifyResult::Failed("cannot open " + path_);
    out << n.status_name() << " " << n.group_key() << " alerts=" << n.alert_count();
    for (size_t i = 0; i < n.alert_count(); ++i) {
      out << " " << n.alert(i).labels().Find("alertname").value_or("?");
    }
    out << "\n";
    if (!out.flush()) return nightjar::sdk::NotifyResult::RetryLater("cannot write " + path_);
    return nightjar::sdk::NotifyResult::Delivered();
  }

 private:
  std::string path_;
};

NJ_PLUGIN(FileNotifier)
