// A keep-alive JSON client for one base URL (cpp-httplib). Not thread-safe: each worker
// thread owns its own clients. Transport errors and non-JSON bodies come back as values.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

namespace load {

struct JsonResponse {
  int status = 0;       // HTTP status; 0 when the request failed in transport
  nlohmann::json body;  // parsed body; null when empty or not JSON
  std::string error;    // transport error or "not JSON"; empty on success

  // A 2xx answer with a JSON body.
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  // "HTTP 400 {...}" or the transport error, for failure messages.
  std::string describe() const;
};

class JsonClient {
 public:
  // `base_url` is "http://host:port"; `bearer` (optional) is sent as Authorization.
  explicit JsonClient(const std::string& base_url, const std::string& bearer = "",
                      int timeout_s = 10);

  JsonResponse get(const std::string& path);
  JsonResponse post(const std::string& path, const nlohmann::json& body);

 private:
  httplib::Client client_;
};

}  // namespace load
