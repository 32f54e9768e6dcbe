#include "core/cli/client/api_endpoint.h"

#include "core/config/loader.h"
#include "core/json/json_pointer.h"
#include "core/plugin_host/plugin_catalog.h"
#include "core/plugin_host/plugin_list.h"

namespace phpeek::cli::client {
namespace {

std::optional<std::string> EnvValue(const std::map<std::string, std::string>& env,
                                    const std::string& key) {
  auto it = env.find(key);
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// A scalar of the `global:` block in the normal form, as text; nullopt when absent.
std::optional<std::string> GlobalText(const std::string& global_json, const std::string& key) {
  const json::Lookup found = json::FindPointer(global_json, "/" + key);
  std::string text;
  if (found.status != json::LookupStatus::kFound || !json::ScalarText(found, &text)) {
    return std::nullopt;
  }
  return text;
}

// api_tls.enabled and api_tls.cert_file of the `global:` block.
void TlsFromConfig(const std::string& global_json, bool* enabled, std::string* cert_file) {
  const json::Lookup on = json::FindPointer(global_json, "/api_tls/enabled");
  std::string text;
  *enabled =
      on.status == json::LookupStatus::kFound && json::ScalarText(on, &text) && text == "true";
  *cert_file = GlobalText(global_json, "api_tls/cert_file").value_or("");
}

// Fills what is still missing from the configuration file, when one can be found.
bool FromConfig(const CommandLine& cl, const std::map<std::string, std::string>& env,
                ApiEndpoint* out, bool need_url, bool need_token, std::string* err) {
  const bool explicit_file = !cl.config_path.empty() || EnvValue(env, "PHPEEK_PM_CONFIG");
  std::string path;
  std::string lookup_err;
  if (!config::ResolveConfigPath(cl.config_path, env, &path, &lookup_err)) {
    if (explicit_file) {
      *err = lookup_err;
      return false;
    }
    if (need_url) out->url = "http://127.0.0.1:9180";
    return true;
  }
  // The api_* keys belong to the rest-api plugin: read with its schema, in the normal form.
  plugin_host::PluginCatalog catalog(plugin_host::DefaultPluginDir());
  config::LoadOptions options;
  options.check_programs = false;
  options.plugins = catalog.Provider();
  const config::LoadResult loaded = config::LoadConfigFile(path, env, options);
  if (!loaded.config) {
    *err = "cannot read the API settings from " + path +
           ": the configuration is invalid (run "
           "'phpeek-pm check-config -c " +
           path + "'), or pass --url";
    return false;
  }
  const std::string& g = loaded.config->global_json;
  const std::string socket = GlobalText(g, "api_socket").value_or("");
  const std::string port = GlobalText(g, "api_port").value_or("9180");
  if (need_url && socket.empty() && port == "0") {
    *err = path +
           " sets api_port: 0 (the daemon picks a free port at start): pass --url with "
           "the address it logged ('Management API listening on http://...')";
    return false;
  }
  bool tls = false;
  std::string server_cert;
  TlsFromConfig(g, &tls, &server_cert);
  if (need_url) {
    out->url = !socket.empty()
                   ? "unix:" + socket
                   : std::string(tls ? "https://" : "http://") +
                         ConnectHost(GlobalText(g, "api_host").value_or("127.0.0.1")) + ":" + port;
    if (tls && socket.empty() && out->tls.ca_file.empty()) out->tls.ca_file = server_cert;
  }
  if (need_token) {
    if (auto token = GlobalText(g, "api_auth")) out->token = *token;
  }
  return true;
}

}  // namespace

std::string ConnectHost(const std::string& bind_host) {
  if (bind_host == "0.0.0.0" || bind_host.empty()) return "127.0.0.1";
  if (bind_host == "::") return "[::1]";
  if (bind_host.find(':') != std::string::npos) return "[" + bind_host + "]";
  return bind_host;
}

bool ResolveEndpoint(const CommandLine& cl, const std::map<std::string, std::string>& env,
                     ApiEndpoint* out, std::string* err) {
  *out = ApiEndpoint{};
  if (!cl.url.empty())
    out->url = cl.url;
  else if (auto v = EnvValue(env, "PHPEEK_PM_API_URL"))
    out->url = *v;
  if (!cl.token.empty())
    out->token = cl.token;
  else if (auto v = EnvValue(env, "PHPEEK_PM_API_TOKEN"))
    out->token = *v;
  else if (auto v = EnvValue(env, "PHPEEK_PM_API_AUTH"))  // the name of the key it matches
    out->token = *v;
  const std::pair<const std::string*, const char*> tls_sources[] = {
      {&cl.cacert, "PHPEEK_PM_API_CACERT"},
      {&cl.cert, "PHPEEK_PM_API_CERT"},
      {&cl.key, "PHPEEK_PM_API_KEY"}};
  std::string* tls_values[] = {&out->tls.ca_file, &out->tls.cert_file, &out->tls.key_file};
  for (size_t i = 0; i < 3; ++i) {
    *tls_values[i] = !tls_sources[i].first->empty()
                         ? *tls_sources[i].first
                         : EnvValue(env, tls_sources[i].second).value_or("");
  }
  const bool need_url = out->url.empty();
  const bool need_token = !out->token.has_value();
  if ((need_url || need_token) && !FromConfig(cl, env, out, need_url, need_token, err)) {
    return false;
  }
  while (out->url.size() > 1 && out->url.back() == '/') out->url.pop_back();
  return true;
}

}  // namespace phpeek::cli::client
