// hello_classifier: the smallest useful classifier. Labels records whose body mentions a word.
#include <nightjar/plugin.hpp>

#include <string>

class HelloClassifier : public nightjar::sdk::Classifier {
 public:
  static constexpr nightjar::sdk::PluginInfo kInfo{"hello", "1.0.0", "Labels greetings."};
  static constexpr nightjar::sdk::Option kOptions[] = {
      nightjar::sdk::Option::String("word", "hello", "The word to look for."),
  };

  explicit HelloClassifier(const nightjar::sdk::Context& context)
      : word_(context.options().String("word")) {}

  void Classify(const nightjar::sdk::LogRecord& record,
                nightjar::sdk::ClassifyOutput& out) override {
    if (record.Body().find(word_) != std::string_view::npos) out.AddLabel("log.class", "greeting");
  }

 private:
  std::string word_;
};

NJ_PLUGIN(HelloClassifier)
